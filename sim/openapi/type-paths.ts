/**
 * The REST paths of one served type: collection, item, subresources, the all-namespaces list
 * and the deprecated /watch variants. Names, actions and parameters follow kube-apiserver,
 * because kubectl finds operations by x-kubernetes-group-version-kind and checks their
 * parameters (fieldValidation on PATCH) and request types (strategic merge) to decide what the
 * server supports.
 */
import type { JsonObject } from '../k8s-types.js';
import type { ResourceType, SubresourceType } from '../resource-types.js';
import { PARAMS, type Param } from './params.js';
import {
  BUILTIN_PATCH_TYPES,
  BUILTIN_PRODUCES,
  BUILTIN_STREAM,
  CUSTOM_PATCH_TYPES,
  CUSTOM_PRODUCES,
  CUSTOM_STREAM,
  RETURNS_DELETED_OBJECT,
  UNAUTHORIZED,
  article,
  friendlyGroup,
  item,
  prefixOf,
  tagOf,
  type DefNamer,
  type Method,
  type Op,
  type PathItem,
  type Response,
} from './paths.js';
import { META, gvk } from './schema-dsl.js';

const STATUS = `${META}Status`;
const DELETE_OPTIONS = `${META}DeleteOptions`;
const PATCH = `${META}Patch`;
const WATCH_EVENT = `${META}WatchEvent`;
const ANY = ['*/*'];

const ok = (def: string): Response => ({ code: '200', description: 'OK', def });
const created = (def: string): Response => ({ code: '201', description: 'Created', def });
const accepted = (def: string): Response => ({ code: '202', description: 'Accepted', def });

/** What every operation of one type (or one subresource) shares. */
interface OpBase {
  tag: string;
  gvk: JsonObject;
  produces: string[];
  /** Operation ID infix: group, version, Namespaced and kind, e.g. AppsV1NamespacedDeployment. */
  id: string;
}

function op(
  b: OpBase,
  method: Method,
  verb: string,
  description: string,
  action: string,
  params: Param[],
  responses: Response[],
  body?: Op['body'],
): Op {
  const o: Op = {
    method,
    operationId: `${verb}${b.id}`,
    description,
    action,
    gvk: b.gvk,
    tag: b.tag,
    params,
    responses: [...responses, UNAUTHORIZED],
    produces: b.produces,
  };
  if (body) o.body = body;
  return o;
}

/** Every path of one served type, with the watch variants kube-apiserver still publishes. */
export function typePaths(t: ResourceType, names: DefNamer): PathItem[] {
  const gv = `${friendlyGroup(t.group)}${t.version.charAt(0).toUpperCase()}${t.version.slice(1)}`;
  const prefix = prefixOf(t.group, t.version);
  const ns = t.namespaced ? 'Namespaced' : '';
  const nsPath = t.namespaced ? '/namespaces/{namespace}' : '';
  const nsParams = t.namespaced ? [PARAMS.namespace] : [];
  const nameParam = (kind: string): Param => ({ ...PARAMS.name, description: `name of the ${kind}` });
  const kind = names.kind(t);
  const list = names.list(t);
  const stream = t.custom ? CUSTOM_STREAM : BUILTIN_STREAM;
  const patchTypes = [...(t.custom ? CUSTOM_PATCH_TYPES : BUILTIN_PATCH_TYPES)];
  const has = (v: string): boolean => t.verbs.some((x) => x === v);
  const b: OpBase = {
    tag: tagOf(t.group, t.version),
    gvk: gvk(t.group, t.version, t.kind),
    produces: t.custom ? CUSTOM_PRODUCES : BUILTIN_PRODUCES,
    id: `${gv}${ns}${t.kind}`,
  };
  const a = `${article(t.kind)} ${t.kind}`;
  const out: PathItem[] = [];

  const collection: Op[] = [];
  if (has('list'))
    collection.push({
      ...op(b, 'get', 'list', `list or watch objects of kind ${t.kind}`, 'list', PARAMS.list, [ok(list)]),
      produces: stream,
    });
  if (has('create'))
    collection.push(
      op(
        b,
        'post',
        'create',
        `create ${a}`,
        'post',
        PARAMS.write,
        [ok(kind), created(kind), accepted(kind)],
        { def: kind, required: true, contentTypes: ANY },
      ),
    );
  if (has('deletecollection'))
    collection.push({
      ...op(
        b,
        'delete',
        'delete',
        `delete collection of ${t.kind}`,
        'deletecollection',
        PARAMS.deleteCollection,
        [ok(STATUS)],
        { def: DELETE_OPTIONS, required: false, contentTypes: ANY },
      ),
      operationId: `delete${gv}Collection${ns}${t.kind}`,
    });
  out.push(item(`${prefix}${nsPath}/${t.plural}`, [...nsParams, PARAMS.pretty], collection));

  const deleted = t.custom || RETURNS_DELETED_OBJECT.has(t.kind) ? kind : STATUS;
  const single: Op[] = [];
  if (has('get')) single.push(op(b, 'get', 'read', `read the specified ${t.kind}`, 'get', [], [ok(kind)]));
  if (has('update'))
    single.push(
      op(
        b,
        'put',
        'replace',
        `replace the specified ${t.kind}`,
        'put',
        PARAMS.write,
        [ok(kind), created(kind)],
        { def: kind, required: true, contentTypes: ANY },
      ),
    );
  if (has('patch'))
    single.push(
      op(
        b,
        'patch',
        'patch',
        `partially update the specified ${t.kind}`,
        'patch',
        PARAMS.patch,
        [ok(kind), created(kind)],
        { def: PATCH, required: true, contentTypes: patchTypes },
      ),
    );
  if (has('delete'))
    single.push(
      op(b, 'delete', 'delete', `delete ${a}`, 'delete', PARAMS.delete, [ok(deleted), accepted(deleted)], {
        def: DELETE_OPTIONS,
        required: false,
        contentTypes: ANY,
      }),
    );
  out.push(
    item(`${prefix}${nsPath}/${t.plural}/{name}`, [nameParam(t.kind), ...nsParams, PARAMS.pretty], single),
  );

  for (const s of t.subresources) {
    const ops = subresourceOps(
      t,
      s,
      names.subresource(t, s),
      { ...b, id: `${b.id}${s.name.charAt(0).toUpperCase()}${s.name.slice(1)}` },
      patchTypes,
    );
    out.push(
      item(
        `${prefix}${nsPath}/${t.plural}/{name}/${s.name}`,
        [nameParam(s.kind), ...nsParams, PARAMS.pretty],
        ops,
      ),
    );
  }

  if (t.namespaced && has('list')) {
    const all = {
      ...op(
        { ...b, id: `${gv}${t.kind}ForAllNamespaces` },
        'get',
        'list',
        `list or watch objects of kind ${t.kind}`,
        'list',
        [],
        [ok(list)],
      ),
      produces: stream,
    };
    out.push(item(`${prefix}/${t.plural}`, [...PARAMS.list, PARAMS.pretty], [all]));
  }
  if (has('watch')) {
    const listDesc = `watch individual changes to a list of ${t.kind}. deprecated: use the 'watch' parameter with a list operation instead.`;
    const oneDesc = `watch changes to an object of kind ${t.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`;
    const watch = (id: string, description: string, action: string): Op => ({
      ...op({ ...b, id }, 'get', 'watch', description, action, [], [ok(WATCH_EVENT)]),
      produces: stream,
    });
    out.push(
      item(
        `${prefix}/watch${nsPath}/${t.plural}`,
        [...PARAMS.list, ...nsParams, PARAMS.pretty],
        [watch(`${b.id}List`, listDesc, 'watchlist')],
      ),
    );
    out.push(
      item(
        `${prefix}/watch${nsPath}/${t.plural}/{name}`,
        [...PARAMS.list, nameParam(t.kind), ...nsParams, PARAMS.pretty],
        [watch(b.id, oneDesc, 'watch')],
      ),
    );
    if (t.namespaced)
      out.push(
        item(
          `${prefix}/watch/${t.plural}`,
          [...PARAMS.list, PARAMS.pretty],
          [watch(`${gv}${t.kind}ListForAllNamespaces`, listDesc, 'watchlist')],
        ),
      );
  }
  return out.filter((p) => p.ops.length > 0);
}

/** Operations of one subresource; status and scale carry their body kind's GVK, as upstream. */
function subresourceOps(
  t: ResourceType,
  s: SubresourceType,
  def: string,
  base: OpBase,
  patchTypes: string[],
): Op[] {
  const b: OpBase = { ...base, gvk: gvk(s.group ?? t.group, s.version ?? t.version, s.kind) };
  const has = (v: string): boolean => s.verbs.some((x) => x === v);
  const body = { def, required: true, contentTypes: ANY };
  switch (s.name) {
    case 'status':
    case 'scale': {
      const ops: Op[] = [];
      if (has('get'))
        ops.push(op(b, 'get', 'read', `read ${s.name} of the specified ${t.kind}`, 'get', [], [ok(def)]));
      if (has('update'))
        ops.push(
          op(
            b,
            'put',
            'replace',
            `replace ${s.name} of the specified ${t.kind}`,
            'put',
            PARAMS.write,
            [ok(def), created(def)],
            body,
          ),
        );
      if (has('patch'))
        ops.push(
          op(
            b,
            'patch',
            'patch',
            `partially update ${s.name} of the specified ${t.kind}`,
            'patch',
            PARAMS.patch,
            [ok(def), created(def)],
            {
              def: PATCH,
              required: true,
              contentTypes: patchTypes,
            },
          ),
        );
      return ops;
    }
    case 'finalize':
      return [
        op(
          b,
          'put',
          'replace',
          `replace finalize of the specified ${t.kind}`,
          'put',
          PARAMS.write,
          [ok(def), created(def)],
          body,
        ),
      ];
    case 'binding':
    case 'eviction':
      return [
        op(
          b,
          'post',
          'create',
          `create ${s.name} of ${article(t.kind)} ${t.kind}`,
          'post',
          PARAMS.write,
          [ok(def), created(def), accepted(def)],
          body,
        ),
      ];
    case 'log': {
      const logOp = op(
        { ...b, gvk: gvk(t.group, t.version, t.kind) },
        'get',
        'read',
        `read log of the specified ${t.kind}`,
        'get',
        PARAMS.log,
        [{ code: '200', description: 'OK', schema: { type: 'string' } }],
      );
      return [
        {
          ...logOp,
          produces: [
            'text/plain',
            'application/json',
            'application/yaml',
            'application/vnd.kubernetes.protobuf',
          ],
        },
      ];
    }
    default:
      return [];
  }
}
