import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKubeconfig, type KubeconfigEntry } from '../../sim/kubeconfig.js';
import { createClusterCredentials } from '../../sim/tls.js';

const run = promisify(execFile);

interface ViewedContext {
  name: string;
  context: {
    cluster: string;
    user: string;
    namespace?: string;
    extensions?: { name: string; extension: { site?: string; labels?: Record<string, string> } }[];
  };
}

describe('buildKubeconfig', () => {
  let dir: string;
  let entries: KubeconfigEntry[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-kubeconfig-'));
    const [c1, c2] = await Promise.all([
      createClusterCredentials('dc-north-1'),
      createClusterCredentials('edge-b12-1'),
    ]);
    if (!c1 || !c2) throw new Error('credentials missing');
    entries = [
      {
        name: 'dc-north-1',
        server: 'https://127.0.0.1:40001',
        caCertPem: c1.caCertPem,
        token: c1.token,
        site: 'dc-north',
        labels: { env: 'prod', tier: 'datacenter', 'fleetgraph.io/gpu': 'true' },
      },
      {
        name: 'edge-b12-1',
        server: 'https://127.0.0.1:40002',
        caCertPem: c2.caCertPem,
        token: c2.token,
        site: 'b12',
        labels: { env: 'prod', tier: 'edge' },
        namespace: 'sensors',
      },
    ];
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is parsed by kubectl, contexts and fleetgraph extensions intact', async () => {
    const file = join(dir, 'config');
    await writeFile(file, buildKubeconfig(entries, { currentContext: 'edge-b12-1' }));
    const names = await run('kubectl', ['config', 'get-contexts', '--kubeconfig', file, '-o', 'name']);
    expect(names.stdout.trim().split('\n').sort()).toEqual(['dc-north-1', 'edge-b12-1']);

    const current = await run('kubectl', ['config', 'current-context', '--kubeconfig', file]);
    expect(current.stdout.trim()).toBe('edge-b12-1');

    const view = await run('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json']);
    const cfg = JSON.parse(view.stdout) as {
      contexts: ViewedContext[];
      clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { name: string; user: { token: string } }[];
    };
    const edge = cfg.contexts.find((c) => c.name === 'edge-b12-1');
    expect(edge?.context).toMatchObject({ cluster: 'edge-b12-1', user: 'edge-b12-1', namespace: 'sensors' });
    expect(edge?.context.extensions).toEqual([
      { name: 'fleetgraph', extension: { site: 'b12', labels: { env: 'prod', tier: 'edge' } } },
    ]);
    const dc = cfg.contexts.find((c) => c.name === 'dc-north-1');
    expect(dc?.context.extensions?.[0]?.extension.labels?.['fleetgraph.io/gpu']).toBe('true');
    const cluster = cfg.clusters.find((c) => c.name === 'dc-north-1');
    expect(cluster?.cluster.server).toBe('https://127.0.0.1:40001');
    expect(Buffer.from(cluster?.cluster['certificate-authority-data'] ?? '', 'base64').toString()).toBe(
      entries[0]?.caCertPem,
    );
    expect(cfg.users.find((u) => u.name === 'edge-b12-1')?.user.token).toBe(entries[1]?.token);
  });

  it('loads in @kubernetes/client-node', () => {
    const kc = new KubeConfig();
    kc.loadFromString(buildKubeconfig(entries));
    expect(kc.getCurrentContext()).toBe('dc-north-1');
    expect(kc.getContexts().map((c) => c.name)).toEqual(['dc-north-1', 'edge-b12-1']);
    expect(kc.getContextObject('edge-b12-1')?.namespace).toBe('sensors');
    const cluster = kc.getCluster('edge-b12-1');
    expect(cluster?.server).toBe('https://127.0.0.1:40002');
    expect(Buffer.from(cluster?.caData ?? '', 'base64').toString()).toBe(entries[1]?.caCertPem);
    expect(kc.getUser('edge-b12-1')?.token).toBe(entries[1]?.token);
  });

  it('rejects duplicate names and an unknown current context', () => {
    const first = entries[0];
    if (!first) throw new Error('no entry');
    expect(() => buildKubeconfig([first, first])).toThrow(/dc-north-1.*twice/);
    expect(() => buildKubeconfig(entries, { currentContext: 'nope' })).toThrow(/nope/);
  });

  it('writes 1,000 entries fast and they all load', () => {
    const first = entries[0];
    if (!first) throw new Error('no entry');
    const many = Array.from({ length: 1000 }, (_, i) => ({
      ...first,
      name: `edge-b${String(i).padStart(3, '0')}-1`,
      server: `https://127.0.0.1:${41000 + i}`,
      site: `b${i}`,
    }));
    const t0 = performance.now();
    const text = buildKubeconfig(many);
    const ms = performance.now() - t0;
    console.log(`1,000-entry kubeconfig: ${ms.toFixed(0)} ms, ${(text.length / 1e6).toFixed(2)} MB`);
    expect(ms).toBeLessThan(2000);
    const kc = new KubeConfig();
    kc.loadFromString(text);
    expect(kc.getContexts()).toHaveLength(1000);
    expect(kc.getCluster('edge-b999-1')?.server).toBe('https://127.0.0.1:41999');
  });
});
