/**
 * Backup and restore benchmark, as users run it: a small simulated fleet
 * (`fleetgraph sim --clusters 2`), --objects ConfigMaps and Secrets (9:1) written into one
 * cluster through its API, the gateway (`fleetgraph serve`) in its own process. It times
 * createBackup of that cluster until COMPLETED and restoreBackup onto another cluster until
 * COMPLETED, as objects per second, and reads the gateway's RSS.
 *
 *   npm run bench:backup -- --objects 10000
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { cpuSeconds, gql, postJson, rssMiB, startGateway, startSim, stopAll } from './harness.js';

const { values } = parseArgs({ options: { objects: { type: 'string', default: '10000' } } });
const OBJECTS = Number(values.objects);

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
}

/** POSTs through a cluster's API with its kubeconfig credentials. */
function poster(kubeconfigPath: string, context: string) {
  const kc = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
  const ctx = kc.contexts.find((c) => c.name === context)?.context;
  const cluster = kc.clusters.find((c) => c.name === ctx?.cluster)?.cluster;
  const token = kc.users.find((u) => u.name === ctx?.user)?.user.token;
  if (!cluster || !token) throw new Error(`no credentials for ${context}`);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 16,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
  });
  return async (path: string, body: unknown): Promise<void> => {
    const r = await postJson(new URL(path, cluster.server), body, agent, {
      authorization: `Bearer ${token}`,
    });
    if (r.status !== 201) throw new Error(`${path}: ${r.status}`);
  };
}

async function until(url: string, query: string, pick: (d: Record<string, unknown>) => string, pid: number) {
  let rss = 0;
  for (;;) {
    rss = Math.max(rss, rssMiB(pid));
    const r = await gql(url, query);
    const phase = r.data ? pick(r.data) : '';
    if (phase !== 'PENDING' && phase !== 'RUNNING' && phase !== '') return { phase, rss, data: r.data };
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-backup-bench-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  const children: ChildProcess[] = [];
  try {
    const ready = await startSim({ clusters: 2, large: 0, kubeconfigPath }, children);
    const simPid = children[0]?.pid ?? 0;
    const source = ready.clusters[0]?.name ?? '';
    const target = ready.clusters[1]?.name ?? '';
    const post = poster(kubeconfigPath, source);
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    const t = performance.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < OBJECTS; i = next++) {
        const secret = i % 10 === 9;
        await post(
          `/api/v1/namespaces/bench/${secret ? 'secrets' : 'configmaps'}`,
          secret
            ? {
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: { name: `s-${i}` },
                stringData: { token: `t-${i}` },
              }
            : {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: `c-${i}`, labels: { app: 'bench' } },
                data: { i: String(i), pad: 'x'.repeat(200) },
              },
        );
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    console.log(
      `${OBJECTS} objects written to ${source} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const gw = await startGateway(
      { kubeconfigPath, dataDir: join(dir, 'data'), clusters: ready.clusters.length },
      children,
    );
    const rssBefore = rssMiB(gw.pid);
    const b0 = performance.now();
    const created = await gql(gw.url, `mutation { createBackup(input: { cluster: "${source}" }) { id } }`);
    const id = (created.data?.createBackup as { id: string }).id;
    const b = await until(
      gw.url,
      `{ backup(id: "${id}") { phase objectCount archiveSize } }`,
      (d) => (d.backup as { phase: string }).phase,
      gw.pid,
    );
    const backupS = (performance.now() - b0) / 1000;
    const backup = b.data?.backup as { objectCount: number; archiveSize: number; phase: string };
    const r0 = performance.now();
    const cpu0 = { gateway: cpuSeconds(gw.pid), sim: cpuSeconds(simPid) };
    const started = await gql(
      gw.url,
      `mutation { restoreBackup(input: { backup: "${id}", targetCluster: "${target}", includeNamespaces: ["bench"] }) { id } }`,
    );
    const rid = (started.data?.restoreBackup as { id: string }).id;
    // Poll the phase only: the results list (10,000 entries) is read once, at the end.
    const r = await until(
      gw.url,
      `{ restore(id: "${rid}") { phase } }`,
      (d) => (d.restore as { phase: string }).phase,
      gw.pid,
    );
    const restoreS = (performance.now() - r0) / 1000;
    const cpu = { gateway: cpuSeconds(gw.pid) - cpu0.gateway, sim: cpuSeconds(simPid) - cpu0.sim };
    const done = await gql(gw.url, `{ restore(id: "${rid}") { results { action } } }`);
    const results = (done.data?.restore as { results: { action: string }[] }).results;
    const created2 = results.filter((x) => x.action === 'CREATED').length;
    console.log('\nresults');
    console.table({
      'objects written': { value: OBJECTS },
      'backup phase': { value: backup.phase },
      'objects backed up': { value: backup.objectCount },
      'archive size (KiB)': { value: +(backup.archiveSize / 1024).toFixed(0) },
      'backup time (s)': { value: +backupS.toFixed(1) },
      'backup objects/s': { value: +(backup.objectCount / backupS).toFixed(0) },
      'restore phase': { value: r.phase },
      'objects restored (CREATED)': { value: created2 },
      'restore time (s)': { value: +restoreS.toFixed(1) },
      'restore objects/s': { value: +(results.length / restoreS).toFixed(0) },
      // Of the two cores: a process near 100 % of restore time is the bound.
      'restore CPU gateway / sim (s)': { value: `${cpu.gateway.toFixed(1)} / ${cpu.sim.toFixed(1)}` },
      'gateway RSS before / peak (MiB)': {
        value: `${rssBefore.toFixed(0)} / ${Math.max(b.rss, r.rss).toFixed(0)}`,
      },
    });
  } finally {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
