import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SimFleet } from '../../sim/fleet.js';
import { loadScenario, parseScenario, type Scenario } from '../../sim/scenario.js';
import type { SimCluster } from '../../sim/cluster.js';

const run = promisify(execFile);

/** A started fleet plus a temp dir holding its kubeconfig; dispose() cleans both up. */
export interface TestFleet {
  fleet: SimFleet;
  kubeconfigPath: string;
  dir: string;
  dispose(): Promise<void>;
}

/** Starts a fleet for a test at a fast clock. */
export async function startTestFleet(
  scenario: Scenario | 'smart-city' = 'smart-city',
  timeScale = 0.02,
): Promise<TestFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  const sc = scenario === 'smart-city' ? await loadScenario('smart-city') : scenario;
  const fleet = await SimFleet.start({ scenario: sc, timeScale, kubeconfigPath });
  return {
    fleet,
    kubeconfigPath,
    dir,
    async dispose() {
      await fleet.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small scenario: one amd64 data-centre cluster with two workers and one arm64 edge cluster. */
export function smallScenario(): Scenario {
  return parseScenario({
    name: 'small',
    images: [
      { name: 'registry.example/web:1.0', platforms: ['linux/amd64', 'linux/arm64'] },
      { name: 'registry.example/web:2.0', platforms: ['linux/amd64', 'linux/arm64'] },
      { name: 'registry.example/x86-only:1.0', platforms: ['linux/amd64'] },
    ],
    clusters: [
      {
        name: 'dc-1',
        site: 'dc-north',
        labels: { tier: 'datacenter' },
        kubernetesVersion: 'v1.31.4',
        distro: 'kubeadm',
        nodes: [
          { count: 1, architecture: 'amd64', role: 'control-plane', cpu: '4', memory: '8Gi', pods: '110' },
          { count: 2, architecture: 'amd64', role: 'worker', cpu: '8', memory: '16Gi', pods: '110' },
        ],
        workloads: [
          {
            kind: 'Deployment',
            name: 'web',
            namespace: 'default',
            replicas: 2,
            image: 'registry.example/web:1.0',
          },
        ],
      },
      {
        name: 'edge-1',
        site: 'b12',
        labels: { tier: 'edge' },
        kubernetesVersion: 'v1.31.4+k3s1',
        distro: 'k3s',
        nodes: [
          { count: 1, architecture: 'arm64', role: 'control-plane', cpu: '4', memory: '4Gi', pods: '110' },
        ],
        workloads: [],
      },
    ],
  });
}

/** Runs the real kubectl against a fleet's kubeconfig. Never throws: returns code and output. */
export async function kubectl(
  kubeconfigPath: string,
  context: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const full = ['--kubeconfig', kubeconfigPath, '--context', context, ...args];
  if (opts.input !== undefined) {
    return new Promise((resolve) => {
      const child = spawn('kubectl', full, {
        env: { ...process.env, KUBECACHEDIR: join(kubeconfigPath, '..', 'cache') },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.input);
    });
  }
  try {
    const { stdout, stderr } = await run('kubectl', full, {
      timeout: opts.timeoutMs ?? 30_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, KUBECACHEDIR: join(kubeconfigPath, '..', 'cache') },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    };
  }
}

/** A raw HTTPS request to a simulated cluster (token and CA from the cluster). */
export function clusterRequest(
  cluster: SimCluster,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, cluster.server);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? cluster.credentials.token : opts.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: cluster.credentials.caCertPem, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Polls until check returns a truthy value, or throws with the last value after timeoutMs. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
