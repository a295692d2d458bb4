import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer } from '../../sim/admin.js';
import { eventually, kubectl, smallScenario, startTestFleet } from '../helpers/sim.js';

interface ReadyLine {
  adminUrl: string;
  kubeconfig: string;
  clusters: {
    name: string;
    server: string;
    site: string;
    architectures: string[];
    labels: Record<string, string>;
  }[];
  images: { name: string; platforms: string[] }[];
}

// `fleetgraph sim` as scripts drive it: the ready line, the kubeconfig, the admin API.
let dir: string;
let child: ChildProcessWithoutNullStreams;
let ready: ReadyLine;
let stderr = '';

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${ready.adminUrl}${path}`, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
      : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-cli-'));
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'gateway/cli.ts',
      'sim',
      '--scenario',
      'smart-city',
      '--kubeconfig-out',
      join(dir, 'kc.yaml'),
      '--time-scale',
      '0.05',
    ],
    { stdio: 'pipe' },
  );
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  ready = await new Promise<ReadyLine>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as ReadyLine);
    });
    child.on('exit', (code) => reject(new Error(`sim exited early with ${code}: ${stderr}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  await rm(dir, { recursive: true, force: true });
});

describe('fleetgraph sim', () => {
  it('prints one ready line with clusters, sites, architectures and the image catalogue', () => {
    expect(ready.kubeconfig).toBe(join(dir, 'kc.yaml'));
    expect(ready.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sim$/);
    expect(ready.clusters).toHaveLength(15);
    const edge = ready.clusters.filter((c) => c.name.startsWith('edge-'));
    expect(edge).toHaveLength(12);
    expect(new Set(edge.map((c) => c.site))).toEqual(new Set(['b12', 'b14', 'b21', 'b30']));
    for (const c of edge) expect(c.architectures).toEqual(['arm64']);
    expect(ready.clusters.find((c) => c.site === 'dc-north')?.architectures).toEqual(['amd64']);
    expect(
      ready.clusters.some((c) => c.architectures.includes('amd64') && c.architectures.includes('arm64')),
    ).toBe(true);
    expect(new Set(ready.clusters.map((c) => new URL(c.server).port)).size).toBe(15);
    const amd64Only = ready.images.filter(
      (i) => i.platforms.length === 1 && i.platforms[0] === 'linux/amd64',
    );
    expect(amd64Only.length).toBeGreaterThanOrEqual(1);
  });

  it('writes a 0600 kubeconfig whose contexts carry site and labels in a fleetgraph extension', async () => {
    const { stat } = await import('node:fs/promises');
    expect((await stat(ready.kubeconfig)).mode & 0o777).toBe(0o600);
    const kc = parseYaml(await readFile(ready.kubeconfig, 'utf8')) as {
      contexts: {
        name: string;
        context: {
          cluster: string;
          extensions?: { name: string; extension: { site: string; labels: Record<string, string> } }[];
        };
      }[];
    };
    expect(kc.contexts.map((c) => c.name)).toEqual(ready.clusters.map((c) => c.name));
    for (const ctx of kc.contexts) {
      const info = ready.clusters.find((c) => c.name === ctx.name);
      expect(ctx.context.cluster).toBe(ctx.name);
      expect(ctx.context.extensions).toEqual([
        { name: 'fleetgraph', extension: { site: info?.site, labels: info?.labels } },
      ]);
    }
  });

  it('serves every cluster to kubectl', async () => {
    for (const name of ['dc-north-1', 'edge-b30-3']) {
      const r = await kubectl(ready.kubeconfig, name, [
        'get',
        'nodes',
        '-o',
        'jsonpath={.items[*].status.nodeInfo.architecture}',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout.split(' ').length).toBeGreaterThanOrEqual(1);
    }
  });

  it('takes a cluster offline and back through the admin API', async () => {
    const down = await admin('POST', '/clusters/edge-b12-1/faults', { offline: 'down' });
    expect(down.status).toBe(200);
    expect(down.body['faults']).toMatchObject({ offline: 'down' });
    const r = await kubectl(ready.kubeconfig, 'edge-b12-1', ['get', 'nodes', '--request-timeout=3s']);
    expect(r.stderr).toContain('connection refused');
    expect((await admin('DELETE', '/clusters/edge-b12-1/faults')).status).toBe(200);
    expect((await kubectl(ready.kubeconfig, 'edge-b12-1', ['get', 'nodes'])).code).toBe(0);
  });

  it('sets node conditions, edits images, wipes, and shows the request log through the admin API', async () => {
    const nodes = await kubectl(ready.kubeconfig, 'edge-b14-1', [
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[0].metadata.name}',
    ]);
    const node = nodes.stdout;
    const before = Date.now();
    const cordon = await admin('POST', `/clusters/edge-b14-1/nodes/${node}/cordon`, { cordoned: true });
    expect(cordon.body).toMatchObject({ node, cordoned: true });
    const appliedAt = Date.parse((cordon.body as { appliedAt: string }).appliedAt);
    expect(appliedAt).toBeGreaterThanOrEqual(before);
    expect(appliedAt).toBeLessThanOrEqual(Date.now());
    expect(
      (
        await kubectl(ready.kubeconfig, 'edge-b14-1', [
          'get',
          'node',
          node,
          '-o',
          'jsonpath={.spec.unschedulable}',
        ])
      ).stdout,
    ).toBe('true');
    await admin('POST', `/clusters/edge-b14-1/nodes/${node}/cordon`, { cordoned: false });
    const cond = await admin('POST', `/clusters/edge-b14-1/nodes/${node}/conditions`, {
      type: 'Ready',
      status: 'False',
      reason: 'KubeletNotReady',
    });
    expect(cond.status).toBe(200);
    await eventually(
      async () =>
        (await kubectl(ready.kubeconfig, 'edge-b14-1', ['get', 'nodes', '--no-headers'])).stdout.includes(
          'NotReady',
        ),
      5000,
      'NotReady',
    );
    const img = await admin('PUT', `/images/${encodeURIComponent('registry.example/legacy-analytics:2.0')}`, {
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(img.body).toEqual({
      name: 'registry.example/legacy-analytics:2.0',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(
      ((await admin('GET', '/images')).body['images'] as { name: string; platforms: string[] }[]).find(
        (i) => i.name === img.body['name'],
      )?.platforms,
    ).toContain('linux/arm64');
    await kubectl(ready.kubeconfig, 'edge-b21-1', ['create', 'configmap', 'before-wipe']);
    expect((await admin('POST', '/clusters/edge-b21-1/wipe')).status).toBe(200);
    const gone = await kubectl(ready.kubeconfig, 'edge-b21-1', ['get', 'configmap', 'before-wipe']);
    expect(gone.stderr).toContain('NotFound');
    const log = await admin('GET', '/clusters/edge-b21-1/requests');
    const paths = (log.body['requests'] as { method: string; path: string }[]).map(
      (r) => `${r.method} ${r.path.split('?')[0] ?? ''}`,
    );
    expect(paths).toContain('GET /api/v1/namespaces/default/configmaps/before-wipe');
  });

  it('answers bad admin input with a clear error and the right status', async () => {
    const bad = await admin('POST', '/clusters/edge-b12-1/faults', { offline: 'sideways' });
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('offline'),
    });
    const unknownField = await admin('POST', '/clusters/edge-b12-1/faults', { latency: 5 });
    expect(unknownField.status).toBe(400);
    const missing = await admin('POST', '/clusters/nowhere/wipe');
    expect(missing.status).toBe(404);
    expect(missing.body['error']).toMatchObject({ code: 'NOT_FOUND' });
    const noNode = await admin('POST', '/clusters/edge-b12-1/nodes/ghost/heartbeat', { running: false });
    expect(noNode.status).toBe(404);
  });

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
  });
});

describe('admin API exposure', () => {
  it('the command refuses --host beyond loopback without an admin token, before starting anything', async () => {
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', 'sim', '--host', '0.0.0.0'], {
        stdio: 'pipe',
        env: { ...process.env, FLEETGRAPH_SIM_ADMIN_TOKEN: '' },
      });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('exit', (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('--admin-token');
  });

  it('refuses to listen beyond loopback without a token, and checks the token when set', async () => {
    const t = await startTestFleet(smallScenario(), 0.05);
    try {
      await expect(startAdminServer(t.fleet, { host: '0.0.0.0' })).rejects.toThrow(/admin token/);
      const a = await startAdminServer(t.fleet, { host: '0.0.0.0', token: 's3cret' });
      try {
        const url = a.url;
        expect((await fetch(url)).status).toBe(401);
        expect((await fetch(url, { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
      } finally {
        await a.close();
      }
    } finally {
      await t.dispose();
    }
  });
});
