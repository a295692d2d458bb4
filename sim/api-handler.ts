import { timingSafeEqual } from 'node:crypto';
import { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from './discovery.js';
import {
  ApiError,
  badRequest,
  conflict,
  internalError,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from './errors.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { validatePatchOptions } from './patch/server-side-apply.js';
import { isJsonObject, type JsonObject, type KubeObject } from './k8s-types.js';
import { parseListOptions } from './list-options.js';
import { openApiV2Document, openApiV3GroupVersionDocument, openApiV3Index } from './openapi/index.js';
import { deleteSuccessStatus, PATCH_TYPES, type DeleteOptions, type Registry } from './registry.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import { selectorFromLabelSelectorObject, selectorToString } from './selectors.js';
import type { ObjectStore } from './store.js';
import { toTable } from './table.js';
import type { TypeCatalog } from './type-catalog.js';
import { startWatch, type WatchHandle, type WatchTiming, type WireWatchEvent } from './watch.js';
import {
  decodeBody,
  type ApiRequest,
  type ApiResponse,
  mediaType,
  negotiateShape,
  readBody,
  refusesJson,
  sendError,
  sendJson,
  type ResponseShape,
} from './http-util.js';

/** What the HTTP layer needs from a simulated cluster. */
export interface ApiServerContext {
  readonly token: string;
  readonly gitVersion: string;
  readonly platform: string;
  readonly serverAddress: () => string;
  readonly registry: Registry;
  readonly catalog: TypeCatalog;
  readonly store: ObjectStore;
  readonly watchTiming: WatchTiming;
  /** Registers an open watch so faults can cut or silence it. */
  trackWatch(stream: OpenWatch): void;
  /** Forgets a watch that ended. */
  untrackWatch(stream: OpenWatch): void;
  /** Container log text for pods/log. */
  podLog(pod: KubeObject, container: string | undefined): string;
}

/** A watch stream held open by the server. */
export interface OpenWatch {
  /** Ends the stream from the server side (watch cut, shutdown). */
  close(): void;
  /** Holds events back (blackhole) or lets them flow again. */
  setPaused(paused: boolean): void;
}

const RETURNS_DELETED_OBJECT = new Set([
  '/Pod',
  '/Namespace',
  '/Service',
  '/PersistentVolumeClaim',
  'apiextensions.k8s.io/CustomResourceDefinition',
]);

/** A parsed resource URL. */
interface ResourceRequest {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  legacyWatch: boolean;
}

/** Creates the request handler for one cluster's Kubernetes API. */
export function createApiHandler(
  ctx: ApiServerContext,
): (req: ApiRequest, res: ApiResponse) => Promise<void> {
  const expected = Buffer.from(`Bearer ${ctx.token}`);
  const authorized = (req: ApiRequest): boolean => {
    const got = Buffer.from(req.headers.authorization ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  return async (req, res) => {
    try {
      if (!authorized(req)) throw unauthorized();
      if (refusesJson(req.headers.accept))
        throw new ApiError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          reason: 'NotAcceptable',
          message: `only the following media types are accepted: application/json, application/yaml`,
          code: 406,
        });
      const url = new URL(req.url ?? '/', 'https://sim.invalid');
      await route(ctx, req, res, url);
    } catch (e) {
      sendError(res, e instanceof ApiError ? e : internalError((e as Error).message));
    }
  };
}

async function route(ctx: ApiServerContext, req: ApiRequest, res: ApiResponse, url: URL): Promise<void> {
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const accept = req.headers.accept;
  const [p0, p1, p2] = parts;
  if (parts.length === 1 && (p0 === 'healthz' || p0 === 'livez' || p0 === 'readyz'))
    return sendText(res, 'ok');
  if ((p0 === 'healthz' || p0 === 'livez' || p0 === 'readyz') && parts.length === 2)
    return sendText(res, 'ok');
  if (parts.length === 1 && p0 === 'version')
    return sendJson(res, 200, versionInfo(ctx.gitVersion, ctx.platform));
  if (p0 === 'openapi') return serveOpenApi(ctx, req, res, parts.slice(1));
  if (p0 === 'api') {
    if (parts.length === 1) {
      const agg = wantsAggregatedDiscovery(accept);
      if (agg)
        return sendJson(res, 200, aggregatedDiscovery(ctx.catalog, true, agg), aggregatedContentType(agg));
      return sendJson(res, 200, apiVersions(ctx.serverAddress()));
    }
    if (p1 !== 'v1') throw pathNotFound();
    if (parts.length === 2) return sendJson(res, 200, apiResourceList(ctx.catalog, '', 'v1'));
    return serveResource(ctx, req, res, url, parseResourcePath(ctx.catalog, '', 'v1', parts.slice(2)));
  }
  if (p0 === 'apis') {
    if (parts.length === 1) {
      const agg = wantsAggregatedDiscovery(accept);
      if (agg)
        return sendJson(res, 200, aggregatedDiscovery(ctx.catalog, false, agg), aggregatedContentType(agg));
      return sendJson(res, 200, apiGroupList(ctx.catalog));
    }
    const group = p1 ?? '';
    if (!ctx.catalog.groups().includes(group)) throw pathNotFound();
    if (parts.length === 2)
      return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(ctx.catalog, group) });
    const version = p2 ?? '';
    const list = apiResourceList(ctx.catalog, group, version);
    if (!list) throw pathNotFound();
    if (parts.length === 3) return sendJson(res, 200, list);
    return serveResource(ctx, req, res, url, parseResourcePath(ctx.catalog, group, version, parts.slice(3)));
  }
  throw pathNotFound();
}

function sendText(res: ApiResponse, text: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function serveOpenApi(ctx: ApiServerContext, req: ApiRequest, res: ApiResponse, rest: string[]): void {
  let built: { json: string; hash: string } | undefined;
  if (rest.length === 1 && rest[0] === 'v2')
    built = openApiV2Document(ctx.catalog, { gitVersion: ctx.gitVersion });
  else if (rest.length === 1 && rest[0] === 'v3') return sendJson(res, 200, openApiV3Index(ctx.catalog));
  else if (rest[0] === 'v3') {
    const [, a, b, c] = rest;
    if (a === 'api' && b === 'v1' && rest.length === 3)
      built = openApiV3GroupVersionDocument(ctx.catalog, '', 'v1');
    else if (a === 'apis' && rest.length === 4)
      built = openApiV3GroupVersionDocument(ctx.catalog, b ?? '', c ?? '');
  }
  if (!built) throw pathNotFound();
  // The documents are large and shared: send the cached serialisation, with its hash as ETag.
  const etag = `"${built.hash}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(built.json),
    ETag: etag,
  });
  res.end(built.json);
}

function parseResourcePath(
  catalog: TypeCatalog,
  group: string,
  version: string,
  rest: string[],
): ResourceRequest {
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nsType = catalog.lookup(group, version, rest[2] ?? '');
    if (nsType?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [plural, name, subresource, ...extra] = rest;
  const type = catalog.lookup(group, version, plural ?? '');
  if (!type || extra.length > 0) throw pathNotFound();
  if (type.namespaced === false && namespace !== undefined) throw pathNotFound();
  if (subresource !== undefined && !type.subresources.some((s) => s.name === subresource))
    throw pathNotFound();
  return { type, namespace, name, subresource, legacyWatch };
}

function fieldManagerOf(req: ApiRequest, url: URL): string {
  const fm = url.searchParams.get('fieldManager');
  if (fm !== null && fm !== '') {
    if (fm.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return fm;
  }
  // kube-apiserver's default manager is the User-Agent up to the first '/'.
  return (req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown';
}

function dryRunOf(url: URL): boolean {
  const values = url.searchParams.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

async function serveResource(
  ctx: ApiServerContext,
  req: ApiRequest,
  res: ApiResponse,
  url: URL,
  r: ResourceRequest,
): Promise<void> {
  const { type, namespace, name, subresource } = r;
  const reg = ctx.registry;
  const method = req.method ?? 'GET';
  const shape = negotiateShape(req.headers.accept);
  const q = url.searchParams;
  if (name === undefined) {
    if (method === 'GET') {
      const opts = parseListOptions(type, namespace, q);
      if (r.legacyWatch || q.get('watch') === 'true' || q.get('watch') === '1')
        return serveWatch(ctx, req, res, type, opts, shape, q);
      const page = reg.list(type, opts);
      if (shape === 'Table')
        return sendJson(
          res,
          200,
          tableOf(
            ctx,
            type,
            page.items,
            q,
            page.resourceVersion,
            page.continueToken,
            page.remainingItemCount,
          ),
        );
      const metadata: JsonObject = { resourceVersion: page.resourceVersion };
      if (page.continueToken) metadata['continue'] = page.continueToken;
      if (page.remainingItemCount !== undefined) metadata['remainingItemCount'] = page.remainingItemCount;
      if (shape === 'PartialObjectMetadata')
        return sendJson(res, 200, {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata,
          items: page.items.map(partial),
        });
      // Built-in list items carry no apiVersion/kind on the wire; custom resources do.
      const items = type.custom ? page.items : page.items.map(stripTypeMeta);
      return sendJson(res, 200, { kind: type.listKind, apiVersion: apiVersionOf(type), metadata, items });
    }
    if (method === 'POST') {
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      const created = reg.create(type, namespace, body, {
        fieldManager: fieldManagerOf(req, url),
        dryRun: dryRunOf(url),
      });
      return sendJson(res, 201, created);
    }
    if (method === 'DELETE') {
      const opts = parseListOptions(type, namespace, q);
      const deleted = reg.deleteCollection(type, opts, await deleteOptionsOf(req, url));
      return sendJson(res, 200, {
        kind: type.listKind,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(ctx.store.currentRevision) },
        items: deleted,
      });
    }
    throw methodNotAllowed();
  }
  const write = { fieldManager: fieldManagerOf(req, url), dryRun: dryRunOf(url) };
  if (subresource === 'scale') return serveScale(ctx, req, res, r, name, write);
  if (subresource === 'log') {
    if (method !== 'GET') throw methodNotAllowed();
    const pod = reg.get(type, namespace, name);
    const text = ctx.podLog(pod, q.get('container') ?? undefined);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  if (subresource === 'binding' || subresource === 'eviction') {
    if (method !== 'POST') throw methodNotAllowed();
    const body = decodeBody(await readBody(req), req.headers['content-type']);
    if (subresource === 'eviction') reg.delete(type, namespace, name, {});
    else {
      const target = isJsonObject(body) && isJsonObject(body['target']) ? body['target'] : {};
      if (typeof target['name'] !== 'string' || target['name'] === '')
        throw badRequest('binding target.name (the node) is required');
      reg.bind(namespace ?? 'default', name, target['name']);
    }
    return sendJson(res, 201, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
  }
  const sub = subresource === 'status' ? ({ subresource: 'status' } as const) : {};
  switch (method) {
    case 'GET': {
      const obj = reg.get(type, namespace, name);
      if (shape === 'Table')
        return sendJson(res, 200, tableOf(ctx, type, [obj], q, obj.metadata.resourceVersion ?? ''));
      if (shape === 'PartialObjectMetadata') return sendJson(res, 200, partial(obj));
      return sendJson(res, 200, obj);
    }
    case 'PUT': {
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      return sendJson(res, 200, reg.update(type, namespace, name, body, { ...write, ...sub }));
    }
    case 'PATCH': {
      const ct = mediaType(req.headers['content-type']);
      if (!(PATCH_TYPES as readonly string[]).includes(ct)) throw unsupportedPatch(ct);
      const force = q.get('force') === 'true';
      validatePatchOptions({
        apply: ct === 'application/apply-patch+yaml',
        fieldManager: q.get('fieldManager') ?? undefined,
        force: q.get('force') === null ? undefined : force,
      });
      const existed =
        ct === 'application/apply-patch+yaml' ? reg.find(type, namespace, name) !== undefined : true;
      const out = reg.patch(type, namespace, name, ct, await readBody(req), { ...write, ...sub, force });
      return sendJson(res, existed ? 200 : 201, out);
    }
    case 'DELETE': {
      const result = reg.delete(type, namespace, name, await deleteOptionsOf(req, url));
      // Like kube-apiserver: these kinds return the deleted object, the others a Success Status.
      if (
        result.kind === 'pending' ||
        type.custom ||
        RETURNS_DELETED_OBJECT.has(`${type.group}/${type.kind}`)
      )
        return sendJson(res, 200, result.object);
      return sendJson(res, 200, deleteSuccessStatus(type, result.object));
    }
    default:
      throw methodNotAllowed();
  }
}

function unsupportedPatch(ct: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    reason: 'UnsupportedMediaType',
    details: { causes: [{ message: `unsupported patch type ${JSON.stringify(ct)}` }] },
    code: 415,
  });
}

async function deleteOptionsOf(req: ApiRequest, url: URL): Promise<DeleteOptions> {
  const text = await readBody(req);
  const opts: DeleteOptions = {};
  if (text.trim() !== '') {
    const body = decodeBody(text, req.headers['content-type']);
    if (isJsonObject(body)) {
      const pp = body['propagationPolicy'];
      if (pp === 'Orphan' || pp === 'Background' || pp === 'Foreground') opts.propagationPolicy = pp;
      else if (pp !== undefined && pp !== null)
        throw badRequest(
          `propagationPolicy: Unsupported value: ${JSON.stringify(pp)}: supported values: "Foreground", "Background", "Orphan"`,
        );
      if (body['orphanDependents'] === true) opts.propagationPolicy = 'Orphan';
      if (typeof body['gracePeriodSeconds'] === 'number')
        opts.gracePeriodSeconds = body['gracePeriodSeconds'];
      const pre = body['preconditions'];
      if (isJsonObject(pre)) {
        opts.preconditions = {};
        if (typeof pre['uid'] === 'string') opts.preconditions.uid = pre['uid'];
        if (typeof pre['resourceVersion'] === 'string')
          opts.preconditions.resourceVersion = pre['resourceVersion'];
      }
      if (Array.isArray(body['dryRun']) && body['dryRun'].includes('All')) opts.dryRun = true;
    }
  }
  const q = url.searchParams;
  const pp = q.get('propagationPolicy');
  if (pp === 'Orphan' || pp === 'Background' || pp === 'Foreground') opts.propagationPolicy = pp;
  else if (pp)
    throw badRequest(
      `propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan"`,
    );
  if (q.get('orphanDependents') === 'true') opts.propagationPolicy = 'Orphan';
  const gp = q.get('gracePeriodSeconds');
  if (gp !== null && gp !== '') opts.gracePeriodSeconds = Number(gp);
  if (dryRunOf(url)) opts.dryRun = true;
  return opts;
}

async function serveScale(
  ctx: ApiServerContext,
  req: ApiRequest,
  res: ApiResponse,
  r: ResourceRequest,
  name: string,
  write: { fieldManager: string; dryRun: boolean },
): Promise<void> {
  const reg = ctx.registry;
  const method = req.method ?? 'GET';
  const toScale = (obj: KubeObject): JsonObject => {
    const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
    const status = isJsonObject(obj['status']) ? obj['status'] : {};
    const sel = isJsonObject(spec['selector'])
      ? selectorToString(selectorFromLabelSelectorObject(spec['selector']))
      : '';
    const metadata: JsonObject = {
      name: obj.metadata.name ?? '',
      uid: obj.metadata.uid ?? '',
      resourceVersion: obj.metadata.resourceVersion ?? '',
      creationTimestamp: obj.metadata.creationTimestamp ?? null,
    };
    if (obj.metadata.namespace) metadata['namespace'] = obj.metadata.namespace;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata,
      spec: { replicas: Number(spec['replicas'] ?? 0) },
      status: { replicas: Number(status['replicas'] ?? 0), selector: sel },
    };
  };
  const obj = reg.get(r.type, r.namespace, name);
  if (method === 'GET') return sendJson(res, 200, toScale(obj));
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
  const current = toScale(obj);
  let desired: unknown;
  const text = await readBody(req);
  if (method === 'PUT') desired = decodeBody(text, req.headers['content-type']);
  else {
    const ct = mediaType(req.headers['content-type']);
    const patch = decodeBody(text, 'application/json');
    if (ct === 'application/json-patch+json') desired = applyJsonPatch(current, patch);
    else if (ct === 'application/merge-patch+json' || ct === 'application/strategic-merge-patch+json')
      desired = applyMergePatch(current, patch);
    else throw unsupportedPatch(ct);
  }
  if (!isJsonObject(desired) || !isJsonObject(desired['spec']))
    throw badRequest('the body is not a Scale object');
  const meta = isJsonObject(desired['metadata']) ? desired['metadata'] : {};
  if (
    typeof meta['resourceVersion'] === 'string' &&
    meta['resourceVersion'] !== '' &&
    meta['resourceVersion'] !== obj.metadata.resourceVersion
  ) {
    throw conflict({ group: r.type.group, resource: r.type.plural, name });
  }
  const replicas = desired['spec']['replicas'];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw badRequest(
      `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be a non-negative integer`,
    );
  const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
  const updated = reg.update(r.type, r.namespace, name, { ...obj, spec: { ...spec, replicas } }, write);
  return sendJson(res, 200, toScale(updated));
}

function serveWatch(
  ctx: ApiServerContext,
  req: ApiRequest,
  res: ApiResponse,
  type: ResourceType,
  opts: ReturnType<typeof parseListOptions>,
  shape: ResponseShape,
  q: URLSearchParams,
): void {
  // Both response classes are Writables; their write() overloads do not unify.
  const out: Writable = res;
  let first = true;
  let paused = false;
  const queue: string[] = [];
  let ended = false;
  const encode = (e: WireWatchEvent): string => {
    let object: unknown = e.object;
    if (e.type !== 'ERROR' && e.type !== 'BOOKMARK' && shape === 'Table') {
      const t = tableOf(
        ctx,
        type,
        [e.object as KubeObject],
        q,
        (e.object as KubeObject).metadata.resourceVersion ?? '',
      );
      if (!first) delete t['columnDefinitions'];
      first = false;
      object = t;
    } else if (e.type !== 'ERROR' && shape === 'PartialObjectMetadata')
      object = partial(e.object as KubeObject);
    return JSON.stringify({ type: e.type, object }) + '\n';
  };
  // Filled in once startWatch returns; end() may run before that (an immediate ERROR event).
  const running: { handle?: WatchHandle } = {};
  const end = () => {
    if (ended) return;
    ended = true;
    ctx.untrackWatch(stream);
    running.handle?.stop();
    if (!res.writableEnded) res.end();
  };
  const stream = {
    close: end,
    setPaused(p: boolean) {
      paused = p;
      if (!p) while (queue.length && !ended) out.write(queue.shift());
    },
  };
  // Headers go out lazily, so a watch that fails to start (resourceVersion too large) can
  // still answer with an error status instead of a 200 stream. No Transfer-Encoding header:
  // HTTP/1.1 chunks a body without Content-Length by itself, and HTTP/2 (DATA frames)
  // forbids the header.
  const head = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    // HTTP/2's writeHead sends the HEADERS frame at once; HTTP/1.1 buffers it until asked.
    if (res instanceof ServerResponse) res.flushHeaders();
  };
  running.handle = startWatch(
    ctx.store,
    type,
    opts,
    {
      send(e) {
        if (ended) return;
        head();
        const line = encode(e);
        if (paused) {
          queue.push(line);
          // A link that stays dark long enough loses the connection, as TCP would.
          if (queue.length > 10_000) res.destroy();
        } else out.write(line);
      },
      end() {
        head();
        end();
      },
    },
    ctx.watchTiming,
  );
  head();
  req.on('close', end);
  res.on('close', end);
  if (!ended) ctx.trackWatch(stream);
}

function tableOf(
  ctx: ApiServerContext,
  type: ResourceType,
  items: KubeObject[],
  q: URLSearchParams,
  rv: string,
  cont?: string,
  remaining?: number,
): JsonObject {
  const io = q.get('includeObject');
  if (io !== null && io !== 'None' && io !== 'Object' && io !== 'Metadata')
    throw badRequest(`unrecognized includeObject value: ${JSON.stringify(io)}`);
  const includeObject = io === 'None' || io === 'Object' ? io : 'Metadata';
  const opts: Parameters<typeof toTable>[2] = { includeObject, now: new Date(), resourceVersion: rv };
  if (cont) opts.continue = cont;
  if (remaining !== undefined) opts.remainingItemCount = remaining;
  const info = ctx.catalog.customInfo(type);
  if (info && info.printerColumns.length) opts.customColumns = info.printerColumns;
  return toTable(type, items, opts);
}

function partial(obj: KubeObject): JsonObject {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata as JsonObject,
  };
}

function stripTypeMeta(obj: KubeObject): Omit<KubeObject, 'apiVersion' | 'kind'> {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
