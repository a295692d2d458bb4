import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kubectl, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

// Fidelity: the real kubectl against the simulator, the way an operator would use it.
let t: TestFleet;
const k = (args: string[], opts: { input?: string; timeoutMs?: number } = {}) =>
  kubectl(t.kubeconfigPath, 'dc-1', args, opts);
const json = async (
  args: string[],
): Promise<{ items: { metadata: { name: string } }[] } & Record<string, unknown>> => {
  const r = await k([...args, '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] } & Record<string, unknown>;
};
const names = (list: { items: { metadata: { name: string } }[] }) =>
  list.items.map((i) => i.metadata.name).sort();

beforeAll(async () => {
  t = await startTestFleet(smallScenario(), 0.02);
  // The scenario's web deployment is running before tests start.
  await eventually(
    async () =>
      (await k(['get', 'deploy', 'web', '-o', 'jsonpath={.status.availableReplicas}'])).stdout === '2',
    20_000,
    'web available',
  );
});
afterAll(async () => t?.dispose());

describe('kubectl against a simulated cluster', () => {
  it('lists nodes with architecture labels through a label selector', async () => {
    const all = await json(['get', 'nodes']);
    expect(all.items).toHaveLength(3);
    const workers = await json([
      'get',
      'nodes',
      '-l',
      'kubernetes.io/arch=amd64,!node-role.kubernetes.io/control-plane',
    ]);
    expect(names(workers)).toHaveLength(2);
    const none = await json(['get', 'nodes', '-l', 'kubernetes.io/arch in (arm64)']);
    expect(none.items).toHaveLength(0);
  });

  it('prints the server-side table for kubectl get', async () => {
    const r = await k(['get', 'nodes']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/\sReady\s/);
  });

  it('filters pods with field selectors, and rejects unknown fields like Kubernetes', async () => {
    const running = await json(['get', 'pods', '-A', '--field-selector', 'status.phase=Running']);
    expect(running.items.length).toBeGreaterThanOrEqual(2);
    const nodes = await json(['get', 'nodes']);
    const nodeName = names(nodes)[1] ?? '';
    const onNode = await json(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${nodeName}`]);
    for (const p of onNode.items as unknown as { spec: { nodeName: string } }[])
      expect(p.spec.nodeName).toBe(nodeName);
    const bad = await k(['get', 'pods', '--field-selector', 'spec.bogus=1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('field label not supported: spec.bogus');
  });

  it('pages with --chunk-size and sees every object once', async () => {
    for (let i = 0; i < 7; i++) {
      const r = await k(['create', 'configmap', `page-${i}`, `--from-literal=i=${i}`]);
      expect(r.code).toBe(0);
    }
    const paged = await json(['get', 'configmaps', '--chunk-size', '2']);
    const whole = await json(['get', 'configmaps', '--chunk-size', '0']);
    expect(names(paged)).toEqual(names(whole));
    expect(names(paged).filter((n) => n.startsWith('page-'))).toHaveLength(7);
  });

  it('applies server-side, records the field manager, and reports conflicts', async () => {
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ssa-demo
  labels: {team: edge}
data:
  mode: fast
`;
    const r = await k(['apply', '--server-side', '-f', '-'], { input: manifest });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('configmap/ssa-demo serverside-applied');
    const cm = (await k(['get', 'cm', 'ssa-demo', '-o', 'json', '--show-managed-fields'])).stdout;
    const obj = JSON.parse(cm) as { metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(obj.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'kubectl', operation: 'Apply' }),
    );
    const other = await k(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], {
      input: manifest.replace('fast', 'slow'),
    });
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/conflict/i);
    const forced = await k(
      ['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', '-'],
      { input: manifest.replace('fast', 'slow') },
    );
    expect(forced.code).toBe(0);
    expect((await k(['get', 'cm', 'ssa-demo', '-o', 'jsonpath={.data.mode}'])).stdout).toBe('slow');
  });

  it('applies client-side, then updates through a strategic merge patch', async () => {
    const manifest = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: ${image}
        env: [{name: MODE, value: a}]
      - name: sidecar
        image: registry.example/web:1.0
`;
    expect((await k(['apply', '-f', '-'], { input: manifest('registry.example/web:1.0') })).code).toBe(0);
    const again = await k(['apply', '-f', '-'], { input: manifest('registry.example/web:2.0') });
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('deployment.apps/api configured');
    const images = (
      await k(['get', 'deploy', 'api', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'])
    ).stdout;
    expect(images).toBe('registry.example/web:2.0 registry.example/web:1.0');
  });

  it('scales, sets an image and waits for the rollout like an operator', async () => {
    expect((await k(['scale', 'deployment/web', '--replicas=3'])).code).toBe(0);
    const st = await k(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(st.stdout).toContain('successfully rolled out');
    expect((await k(['set', 'image', 'deployment/web', 'web=registry.example/web:2.0'])).code).toBe(0);
    const st2 = await k(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(st2.code).toBe(0);
    expect(st2.stdout).toContain('successfully rolled out');
    const rs = await json(['get', 'rs', '-l', 'app=web']);
    expect(rs.items).toHaveLength(2);
    const hist = await k(['rollout', 'history', 'deployment/web']);
    expect(hist.stdout).toMatch(/\n1\s/);
    expect(hist.stdout).toMatch(/\n2\s/);
    const pods = await json(['get', 'pods', '-l', 'app=web']);
    const images = (pods.items as unknown as { spec: { containers: { image: string }[] } }[]).map(
      (p) => p.spec.containers[0]?.image,
    );
    expect(new Set(images)).toEqual(new Set(['registry.example/web:2.0']));
    const undo = await k(['rollout', 'undo', 'deployment/web']);
    expect(undo.stdout).toContain('rolled back');
    expect(
      (await k(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 })).code,
    ).toBe(0);
    const image = await k([
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image.stdout).toBe('registry.example/web:1.0');
  });

  it('deletes with cascade: background removes dependents, orphan keeps them', async () => {
    const mk = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: registry.example/web:1.0}]}
`;
    for (const n of ['gone', 'orphaned'])
      expect((await k(['apply', '-f', '-'], { input: mk(n) })).code).toBe(0);
    await eventually(
      async () => (await json(['get', 'pods', '-l', 'app in (gone,orphaned)'])).items.length === 2,
      15_000,
      'pods',
    );
    expect((await k(['delete', 'deployment', 'gone', '--cascade=background'])).code).toBe(0);
    expect((await k(['delete', 'deployment', 'orphaned', '--cascade=orphan'])).code).toBe(0);
    await eventually(
      async () => (await json(['get', 'pods', '-l', 'app=gone'])).items.length === 0,
      15_000,
      'dependents of gone deleted',
    );
    const orphanRs = await json(['get', 'rs', '-l', 'app=orphaned']);
    expect(orphanRs.items).toHaveLength(1);
    expect(
      (orphanRs.items[0] as unknown as { metadata: { ownerReferences?: unknown[] } }).metadata
        .ownerReferences ?? [],
    ).toHaveLength(0);
    expect(
      (
        await k(
          ['delete', 'rs', '-l', 'app=orphaned', '--cascade=foreground', '--wait=true', '--timeout=30s'],
          { timeoutMs: 40_000 },
        )
      ).code,
    ).toBe(0);
    expect((await json(['get', 'pods', '-l', 'app=orphaned'])).items).toHaveLength(0);
  });

  it('streams changes with get --watch until the request timeout', async () => {
    const watch = k(['get', 'configmaps', '--watch', '--request-timeout=3s', '-o', 'name'], {
      timeoutMs: 15_000,
    });
    await new Promise((r) => setTimeout(r, 700));
    expect((await k(['create', 'configmap', 'watched'])).code).toBe(0);
    const r = await watch;
    expect(r.stdout).toContain('configmap/watched');
  });

  it('discovers exactly the served resources with api-resources', async () => {
    const r = await k(['api-resources', '-o', 'name']);
    expect(r.code).toBe(0);
    const served = r.stdout.trim().split('\n');
    for (const res of [
      'pods',
      'nodes',
      'deployments.apps',
      'leases.coordination.k8s.io',
      'customresourcedefinitions.apiextensions.k8s.io',
    ])
      expect(served).toContain(res);
    expect(served).not.toContain('ingresses.networking.k8s.io');
  });

  it('serves a CRD and its custom resources, with printer columns', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: sensors.iot.example.com}
spec:
  group: iot.example.com
  scope: Namespaced
  names: {plural: sensors, singular: sensor, kind: Sensor, shortNames: [sn]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Unit, type: string, jsonPath: .spec.unit}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {unit: {type: string}, interval: {type: integer}}}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;
    expect((await k(['apply', '-f', '-'], { input: crd })).code).toBe(0);
    const est = await k(
      ['wait', '--for=condition=Established', 'crd/sensors.iot.example.com', '--timeout=20s'],
      { timeoutMs: 30_000 },
    );
    expect(est.code).toBe(0);
    const cr = `apiVersion: iot.example.com/v1
kind: Sensor
metadata: {name: temp-1}
spec: {unit: celsius, interval: 10}
`;
    const created = await k(['apply', '-f', '-'], { input: cr });
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('sensor.iot.example.com/temp-1 created');
    const table = await k(['get', 'sn']);
    // With additionalPrinterColumns, Kubernetes shows Name plus exactly those columns (no implicit Age).
    expect(table.stdout).toMatch(/^NAME\s+UNIT\n/);
    expect(table.stdout).toMatch(/temp-1\s+celsius/);
    const ssa = await k(['apply', '--server-side', '-f', '-'], { input: cr.replace('10', '30') });
    expect(ssa.code).toBe(0);
    expect((await k(['get', 'sensor', 'temp-1', '-o', 'jsonpath={.spec.interval}'])).stdout).toBe('30');
    expect(
      (
        await k(['delete', 'crd', 'sensors.iot.example.com', '--wait=true', '--timeout=20s'], {
          timeoutMs: 30_000,
        })
      ).code,
    ).toBe(0);
    const gone = await k(['get', 'sensors.iot.example.com']);
    expect(gone.code).not.toBe(0);
  });
});
