import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../sim/errors.js';
import type { JsonObject, KubeObject } from '../../../sim/k8s-types.js';
import { fromFieldsV1, recordUpdate } from '../../../sim/patch/managed-fields.js';
import {
  LAST_APPLIED_ANNOTATION,
  parseApplyBody,
  requireApplyFieldManager,
  serverSideApply,
  validatePatchOptions,
} from '../../../sim/patch/server-side-apply.js';
import type { ApplyOptions } from '../../../sim/patch/server-side-apply.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:05:00Z';
const T2 = '2024-05-01T10:10:00Z';

function opts(manager: string, time: string, extra: Partial<ApplyOptions> = {}): ApplyOptions {
  return { manager, force: false, apiVersion: 'apps/v1', time, kind: 'Deployment', ...extra };
}

function config(spec: JsonObject, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec,
  };
}

const webSpec = (replicas: number, image = 'nginx:1.25'): JsonObject => ({
  replicas,
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
});

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

const spec = (o: KubeObject): JsonObject => o['spec'] as JsonObject;
const containersOf = (o: KubeObject): JsonObject[] =>
  ((spec(o)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[];
const entry = (o: KubeObject, manager: string) =>
  o.metadata.managedFields?.find((e) => e.manager === manager);

describe('serverSideApply', () => {
  it('creates an object and records an Apply entry with the applied field set', () => {
    const out = serverSideApply(undefined, config(webSpec(2)), opts('kubectl', T0));
    expect(spec(out)['replicas']).toBe(2);
    expect(out.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('lets two managers own different fields and merges keyed lists by key', () => {
    const a = serverSideApply(undefined, config(webSpec(2)), opts('team-a', T0));
    const sidecar = {
      template: { spec: { containers: [{ name: 'proxy', image: 'envoy:1' }] } },
    };
    const b = serverSideApply(a, config(sidecar, { team: 'b' }), opts('team-b', T1));
    expect(containersOf(b).map((c) => c['name'])).toEqual(['web', 'proxy']);
    expect(b.metadata.labels).toEqual({ app: 'web', team: 'b' });
    expect(b.metadata.managedFields?.map((e) => e.manager)).toEqual(['team-a', 'team-b']);
    expect(fromFieldsV1(entry(b, 'team-a')?.fieldsV1).has(['f:spec', 'f:replicas'])).toBe(true);
    expect(entry(b, 'team-a')?.time).toBe(T0);
  });

  it('rejects a conflicting change without force, in Kubernetes wording', () => {
    const live = deploymentCreatedByUpdate();
    const e = caught(() => serverSideApply(live, config({ replicas: 5 }), opts('kubectl', T1)));
    expect(e.code).toBe(409);
    expect(e.reason).toBe('Conflict');
    expect(e.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    expect(e.status.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
  });

  it('lists every conflicting field when several conflict', () => {
    const live = deploymentCreatedByUpdate();
    const e = caught(() => serverSideApply(live, config(webSpec(5, 'nginx:2')), opts('ci', T1)));
    expect(e.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n' +
        '- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
    expect(e.status.details?.causes?.map((c) => c.field)).toEqual([
      '.spec.replicas',
      '.spec.template.spec.containers[name="web"].image',
    ]);
  });

  it('with force takes ownership of the conflicting fields', () => {
    const live = deploymentCreatedByUpdate();
    const out = serverSideApply(live, config({ replicas: 5 }), opts('kubectl', T1, { force: true }));
    expect(spec(out)['replicas']).toBe(5);
    expect(entry(out, 'kubectl')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {} },
    });
    expect(
      fromFieldsV1(entry(out, 'kubectl-client-side-apply')?.fieldsV1).has(['f:spec', 'f:replicas']),
    ).toBe(false);
  });

  it('applying the same value another manager set shares ownership without conflict', () => {
    const live = deploymentCreatedByUpdate();
    const out = serverSideApply(live, config({ replicas: 2 }), opts('kubectl', T1));
    expect(
      fromFieldsV1(entry(out, 'kubectl-client-side-apply')?.fieldsV1).has(['f:spec', 'f:replicas']),
    ).toBe(true);
    expect(fromFieldsV1(entry(out, 'kubectl')?.fieldsV1).has(['f:spec', 'f:replicas'])).toBe(true);
  });

  it('removes fields the applier stops applying, unless another manager owns them', () => {
    const first = serverSideApply(
      undefined,
      config(webSpec(2), { app: 'web', tier: 'front', shared: 'x' }),
      opts('a', T0),
    );
    const other = serverSideApply(first, config({}, { shared: 'x' }), opts('b', T1));
    const second = serverSideApply(other, config({ replicas: 2 }, { app: 'web' }), opts('a', T2));
    expect(second.metadata.labels).toEqual({ app: 'web', shared: 'x' });
    expect(Object.keys(spec(second))).toEqual(['replicas']);
    const dropSidecar = serverSideApply(
      serverSideApply(
        undefined,
        config({ template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } }),
        opts('a', T0),
      ),
      config({ template: { spec: { containers: [{ name: 'b' }] } } }),
      opts('a', T1),
    );
    expect(containersOf(dropSidecar)).toEqual([{ name: 'b' }]);
  });

  it('gives fields of untracked objects to before-first-apply', () => {
    const live = deploymentCreatedByUpdate();
    delete live.metadata.managedFields;
    const e = caught(() => serverSideApply(live, config({ replicas: 7 }), opts('kubectl', T1)));
    expect(e.status.message).toContain('conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });

  it('upgrades from client-side apply for kubectl when the last-applied value is still live', () => {
    const live = deploymentCreatedByUpdate();
    const lastApplied = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2 },
    });
    live.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: lastApplied };
    const applied = config({ replicas: 3 });
    const out = serverSideApply(live, applied, opts('kubectl', T1));
    expect(spec(out)['replicas']).toBe(3);
    const ann = out.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
    expect(JSON.parse(ann)).toEqual(JSON.parse(JSON.stringify(applied)));
    expect(caught(() => serverSideApply(live, applied, opts('helm', T1))).code).toBe(409);
  });

  it('rejects a body of the wrong type, managedFields in the body and unkeyed list items', () => {
    const wrong = caught(() =>
      serverSideApply(undefined, { ...config({}), apiVersion: 'apps/v2' }, opts('a', T0)),
    );
    expect([wrong.code, wrong.status.message]).toEqual([
      400,
      'invalid object type: apps/v2, Kind=Deployment',
    ]);
    const mf = config({});
    mf.metadata.managedFields = [];
    expect(caught(() => serverSideApply(undefined, mf, opts('a', T0))).status.message).toBe(
      'metadata.managedFields must be nil',
    );
    const unkeyed = caught(() =>
      serverSideApply(
        undefined,
        config({ template: { spec: { containers: [{ image: 'x' }] } } }),
        opts('a', T0),
      ),
    );
    expect(unkeyed.code).toBe(500);
    expect(unkeyed.status.message).toContain('omits key field "name"');
  });

  it('uses key defaults and keeps other fields of a status-subresource apply out of the entry', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80 }] },
    };
    const out = serverSideApply(undefined, svc, {
      manager: 'm',
      force: false,
      apiVersion: 'v1',
      time: T0,
      kind: 'Service',
    });
    expect(out.metadata.managedFields?.[0]?.fieldsV1).toEqual({
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } },
    });
    const status = serverSideApply(
      out,
      { ...svc, spec: { type: 'X' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      {
        manager: 'ctl',
        force: false,
        apiVersion: 'v1',
        time: T1,
        kind: 'Service',
        subresource: 'status',
      },
    );
    const e = status.metadata.managedFields?.find((x) => x.manager === 'ctl');
    expect(e?.subresource).toBe('status');
    expect(Object.keys(e?.fieldsV1 ?? {})).toEqual(['f:status']);
    expect((status['spec'] as JsonObject)['type']).toBeUndefined();
  });
});

describe('apply request helpers', () => {
  it('parses YAML and JSON bodies and rejects non-objects with 400', () => {
    const y = parseApplyBody(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  enabled: "yes"\n  when: 2024-01-01T00:00:00Z\n',
    );
    expect(y).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { enabled: 'yes', when: '2024-01-01T00:00:00Z' },
    });
    expect(
      parseApplyBody('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}').metadata.name,
    ).toBe('c');
    // JSON takes the JSON path, and comes out as its YAML parse would.
    const json =
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"n":"1"}},"data":{"when":"2024-01-01T00:00:00Z"}}';
    expect(parseApplyBody(json)).toEqual(parseApplyBody(`# the YAML parser's turn\n${json}`));
    expect(parseApplyBody(json)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { n: '1' } },
      data: { when: '2024-01-01T00:00:00Z' },
    });
    // A YAML flow mapping starts with '{' but is not JSON: still YAML.
    expect(parseApplyBody('{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}').metadata.name).toBe(
      'flow',
    );
    expect(caught(() => parseApplyBody('{"apiVersion": "v1", ')).code).toBe(400);
    const list = caught(() => parseApplyBody('- a\n- b\n'));
    expect(list.code).toBe(400);
    expect(list.status.message).toContain('error decoding YAML');
    expect(caught(() => parseApplyBody('a: [1')).code).toBe(400);
  });

  it('requires a fieldManager for apply with a 422 on PatchOptions', () => {
    const e = caught(() => requireApplyFieldManager(undefined));
    expect(e.code).toBe(422);
    expect(e.status.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    expect(requireApplyFieldManager('kubectl')).toBe('kubectl');
    expect(caught(() => validatePatchOptions({ apply: false, force: true })).status.message).toContain(
      'force: Forbidden: may not be specified for non-apply patch',
    );
  });
});

/** A Deployment created with `kubectl apply` (client-side): owned by kubectl-client-side-apply via Update. */
function deploymentCreatedByUpdate(): KubeObject {
  const obj: KubeObject = {
    ...config(webSpec(2)),
    metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } },
  };
  obj.metadata.managedFields = recordUpdate(undefined, obj, {
    manager: 'kubectl-client-side-apply',
    apiVersion: 'apps/v1',
    time: T0,
    kind: 'Deployment',
  });
  return obj;
}
