/**
 * Scenarios as data: which clusters a simulated fleet has, their nodes and the workloads the
 * controllers turn into pods. Built-in scenarios live in sim/scenarios/*.yaml; large fleets
 * come from {@link generateFleet}. Every loaded scenario is validated, and errors name the
 * offending path and value so a hand-edited YAML file is quick to fix.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a DNS-1123 label (lowercase alphanumerics and "-")',
  );
/** YAML turns `cpu: 4` into a number; quantities are strings on the wire, so accept both. */
const quantity = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(
    z
      .string()
      .regex(/^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e\d+)?$/, 'must be a Kubernetes quantity'),
  );
const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));
const architecture = z.enum(['amd64', 'arm64', 'arm']);

const taintSchema = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const tolerationSchema = z.object({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});

const nodePoolSchema = z.object({
  /** See {@link nodeNamePrefix}. */
  namePrefix: dnsLabel.optional(),
  count: z.number().int().min(1).max(4000),
  architecture,
  role: z.enum(['control-plane', 'worker']),
  cpu: quantity,
  memory: quantity,
  pods: quantity,
  labels: stringMap.optional(),
  /** Absent means the distro's default (kubeadm taints control-plane nodes); [] means none. */
  taints: z.array(taintSchema).optional(),
});

const workloadSchema = z.object({
  kind: z.enum(['Deployment', 'DaemonSet', 'StatefulSet']),
  name: dnsLabel,
  namespace: dnsLabel.default('default'),
  replicas: z.number().int().min(0).optional(),
  image: z.string().min(1),
  labels: stringMap.optional(),
  nodeSelector: stringMap.optional(),
  tolerations: z.array(tolerationSchema).optional(),
  resources: z
    .object({
      requests: z.record(z.string(), quantity).optional(),
      limits: z.record(z.string(), quantity).optional(),
    })
    .optional(),
  env: stringMap.optional(),
});

const clusterBody = {
  labels: stringMap.default({}),
  kubernetesVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/, 'must look like v1.31.4+k3s1'),
  distro: z.enum(['k3s', 'rke2', 'kubeadm']),
  nodes: z.array(nodePoolSchema).min(1),
  workloads: z.array(workloadSchema).default([]),
};

const clusterSchema = z.object({ name: dnsLabel, site: z.string().min(1), ...clusterBody });

/** Stamps out one cluster per (site, index): `namePattern` may use {site} and {index}. */
const generatorSchema = z.object({
  namePattern: z.string().includes('{index}', { message: 'must contain {index}' }),
  sites: z.array(z.string().min(1)).min(1),
  perSite: z.number().int().min(1),
  template: z.object(clusterBody),
});

const imageSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/,
      'must be a full image reference',
    ),
  platforms: z
    .array(z.string().regex(/^linux\/(amd64|arm64|arm(\/v[5-8])?)$/, 'must be linux/<arch>'))
    .min(1),
});

const scenarioFileSchema = z.object({
  name: dnsLabel,
  description: z.string().default(''),
  images: z.array(imageSchema).default([]),
  clusters: z.array(clusterSchema).default([]),
  generators: z.array(generatorSchema).optional(),
});

/** A multi-arch (or single-arch) image the scenario's registry serves. */
export type ImageSpec = z.output<typeof imageSchema>;
/** A pool of identical nodes in a cluster. */
export type NodePoolSpec = z.output<typeof nodePoolSchema>;
/** A workload the simulated controllers turn into pods. */
export type WorkloadSpec = z.output<typeof workloadSchema>;
/** A node taint. */
export type TaintSpec = z.output<typeof taintSchema>;
/** One simulated cluster. */
export type ClusterSpec = z.output<typeof clusterSchema>;
/** A validated scenario with generators already expanded into `clusters`. */
export interface Scenario {
  name: string;
  description: string;
  images: ImageSpec[];
  clusters: ClusterSpec[];
}

/** Validate a parsed scenario document; throws one Error listing every problem with its path and value. */
export function parseScenario(data: unknown, source = 'scenario'): Scenario {
  const res = scenarioFileSchema.safeParse(data);
  if (!res.success) {
    throw new Error(
      formatProblems(
        source,
        res.error.issues.map((i) => ({ path: i.path, message: i.message })),
        data,
      ),
    );
  }
  const file = res.data;
  const clusters: { spec: ClusterSpec; path: PropertyKey[] }[] = file.clusters.map((spec, i) => ({
    spec,
    path: ['clusters', i],
  }));
  (file.generators ?? []).forEach((g, gi) => {
    for (const site of g.sites) {
      for (let n = 1; n <= g.perSite; n++) {
        const name = g.namePattern.replaceAll('{site}', site).replaceAll('{index}', String(n));
        clusters.push({
          spec: { ...structuredClone(g.template), name, site },
          path: ['generators', gi, 'template'],
        });
      }
    }
  });
  const scenario: Scenario = {
    name: file.name,
    description: file.description,
    images: file.images,
    clusters: clusters.map((c) => c.spec),
  };
  const problems = crossCheck(scenario, clusters);
  if (problems.length > 0) throw new Error(formatProblems(source, problems, data));
  return scenario;
}

/** Parse and validate scenario YAML text. */
export function parseScenarioYaml(text: string, source = 'scenario'): Scenario {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new Error(`${source}: invalid YAML: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseScenario(data, source);
}

/**
 * Load a scenario by built-in name (`smart-city`), as a generated fleet (`fleet:1000` or
 * `fleet:1000:42` with a seed), or from a YAML file path (anything containing `/` or ending
 * in .yaml/.yml).
 */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const fleet = /^fleet:(\d+)(?::(\d+))?$/.exec(nameOrPath);
  if (fleet) {
    return generateFleet({
      clusters: Number(fleet[1]),
      ...(fleet[2] !== undefined ? { seed: Number(fleet[2]) } : {}),
    });
  }
  if (nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath)) {
    return parseScenarioYaml(await readFile(nameOrPath, 'utf8'), nameOrPath);
  }
  if (!/^[a-z0-9-]+$/.test(nameOrPath)) throw new Error(`"${nameOrPath}" is not a scenario name or path`);
  for (const dir of builtinDirs()) {
    const file = new URL(`${nameOrPath}.yaml`, dir);
    const text = await readFile(file, 'utf8').catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    });
    if (text !== undefined) return parseScenarioYaml(text, fileURLToPath(file));
  }
  const known = await listBuiltinScenarios();
  throw new Error(`unknown scenario "${nameOrPath}" (built-in: ${known.join(', ') || 'none found'})`);
}

/** Names of the built-in scenarios. */
export async function listBuiltinScenarios(): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of builtinDirs()) {
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const f of files) if (f.endsWith('.yaml')) names.add(f.slice(0, -'.yaml'.length));
  }
  return [...names].sort();
}

/**
 * Where built-in YAML lives. From source (tsx, vitest) it sits next to this module. tsc copies
 * no YAML, so the compiled dist/sim/scenario.js finds it back in the source tree at
 * ../../sim/scenarios: anything that ships dist/ must ship sim/scenarios/ beside it.
 */
function builtinDirs(): URL[] {
  return [new URL('./scenarios/', import.meta.url), new URL('../../sim/scenarios/', import.meta.url)];
}

/** Nodes of a pool are named `<prefix>-1..count`; the default prefix is `<cluster>-cp|worker`. */
export function nodeNamePrefix(cluster: Pick<ClusterSpec, 'name'>, pool: NodePoolSpec): string {
  return pool.namePrefix ?? `${cluster.name}-${pool.role === 'control-plane' ? 'cp' : 'worker'}`;
}

/** Options for {@link generateFleet}. */
export interface FleetOptions {
  /** Total number of clusters (>= 1). */
  clusters: number;
  /** PRNG seed; the same seed and size always yield the same fleet. Default 1. */
  seed?: number;
  /**
   * Large data-centre clusters added to the fleet (counted in `clusters`, taking the place of
   * edge clusters): 60 amd64 workers each and about 300 pods, as the few big sites of a
   * fleet look next to its many edge nodes. @default 0
   */
  largeClusters?: number;
}

const FLEET_IMAGES: ImageSpec[] = [
  { name: 'registry.example/sensor-collector:1.4', platforms: ['linux/amd64', 'linux/arm64'] },
  { name: 'registry.example/mqtt-bridge:2.1', platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
  { name: 'registry.example/mqtt-bridge:2.2', platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
  { name: 'registry.example/metrics-agent:0.9', platforms: ['linux/amd64', 'linux/arm64'] },
  { name: 'registry.example/ingest-api:3.2', platforms: ['linux/amd64', 'linux/arm64'] },
  { name: 'registry.example/timeseries-db:5.0', platforms: ['linux/amd64'] },
  { name: 'registry.example/legacy-analytics:2.0', platforms: ['linux/amd64'] },
];
const REGIONS = ['north', 'south', 'east', 'west'];

/**
 * A smart-city-like fleet at any size: a kubeadm and an rke2 data-centre cluster, one mixed
 * amd64+arm64 lab cluster, and single-node arm64 k3s edge clusters spread over sites
 * b01..b99 (about 3 per site until the 99 sites fill up). Seeded variation (memory, k3s
 * minor versions, staging share) gives fleet queries something to find.
 */
export function generateFleet(opts: FleetOptions): Scenario {
  if (!Number.isInteger(opts.clusters) || opts.clusters < 1) {
    throw new Error(`clusters must be an integer >= 1, got ${opts.clusters}`);
  }
  const rnd = mulberry32(opts.seed ?? 1);
  const agent = wl('DaemonSet', 'metrics-agent', 'monitoring', 'metrics-agent:0.9');
  const dc = (region: string): Record<string, string> => ({ env: 'prod', tier: 'datacenter', region });
  const all: ClusterSpec[] = [
    cluster('dc-north-1', 'dc-north', 'kubeadm', 'v1.31.4', dc('north'), [
      pool('dcn1-cp', 1, 'amd64', 'control-plane', '4', '16Gi'),
      pool('dcn1-worker', 4, 'amd64', 'worker', '16', '64Gi'),
    ]),
    cluster('dc-south-1', 'dc-south', 'rke2', 'v1.31.4+rke2r1', dc('south'), [
      pool('dcs1-server', 1, 'amd64', 'control-plane', '4', '16Gi'),
      pool('dcs1-agent', 2, 'amd64', 'worker', '16', '64Gi'),
    ]),
    cluster('lab-mixed-1', 'lab', 'k3s', 'v1.31.4+k3s1', { env: 'staging', tier: 'lab', region: 'north' }, [
      pool('lab-x86', 1, 'amd64', 'control-plane', '8', '32Gi'),
      pool('lab-rpi', 2, 'arm64', 'worker', '4', '8Gi'),
    ]),
  ].slice(0, opts.clusters);
  all[0]?.workloads.push(
    agent,
    wl('Deployment', 'ingest-api', 'city', 'ingest-api:3.2', 3),
    wl('StatefulSet', 'timeseries-db', 'city', 'timeseries-db:5.0', 3),
    wl('Deployment', 'legacy-analytics', 'city', 'legacy-analytics:2.0', 2),
  );
  all[1]?.workloads.push(agent, wl('Deployment', 'ingest-api', 'city', 'ingest-api:3.2', 2));
  // Not pinned to amd64, so replicas that land on the arm64 workers end in ImagePullBackOff.
  all[2]?.workloads.push(agent, wl('Deployment', 'legacy-analytics', 'city', 'legacy-analytics:2.0', 2));

  const large = Math.max(0, Math.min(opts.largeClusters ?? 0, opts.clusters - all.length));
  for (let k = 1; k <= large; k++) {
    const region = REGIONS[k % 4] ?? 'north';
    const c = cluster(`dc-${region}-big-${k}`, `dc-${region}`, 'rke2', 'v1.31.4+rke2r1', dc(region), [
      pool(`dcb${k}-server`, 3, 'amd64', 'control-plane', '8', '32Gi'),
      pool(`dcb${k}-agent`, 60, 'amd64', 'worker', '32', '128Gi'),
    ]);
    c.workloads.push(
      agent,
      wl('Deployment', 'ingest-api', 'city', 'ingest-api:3.2', 120),
      wl('Deployment', 'mqtt-bridge', 'city', 'mqtt-bridge:2.1', 60),
      wl('StatefulSet', 'timeseries-db', 'city', 'timeseries-db:5.0', 12),
    );
    all.push(c);
  }

  const edges = opts.clusters - all.length;
  const siteCount = Math.max(1, Math.min(99, Math.ceil(edges / 3)));
  for (let j = 0; j < edges; j++) {
    const siteNo = (j % siteCount) + 1;
    const site = `b${String(siteNo).padStart(2, '0')}`;
    const name = `edge-${site}-${Math.floor(j / siteCount) + 1}`;
    const r = rnd();
    const labels = {
      env: r < 0.1 ? 'staging' : 'prod',
      tier: 'edge',
      region: REGIONS[siteNo % 4] ?? 'north',
    };
    const version = r > 0.85 ? 'v1.30.8+k3s1' : 'v1.31.4+k3s1';
    const memory = rnd() < 0.5 ? '4Gi' : '8Gi';
    const c = cluster(name, site, 'k3s', version, labels, [
      pool(`${name}-rpi`, 1, 'arm64', 'control-plane', '4', memory),
    ]);
    const bridge = wl('Deployment', 'mqtt-bridge', 'city', 'mqtt-bridge:2.1', 1);
    bridge.env = { BROKER_URL: 'tcp://mqtt.city.svc:1883', SITE: site };
    c.workloads.push(agent, wl('DaemonSet', 'sensor-collector', 'city', 'sensor-collector:1.4'), bridge);
    all.push(c);
  }
  return {
    name: `fleet-${opts.clusters}`,
    description: `Generated smart-city-like fleet of ${opts.clusters} clusters (seed ${opts.seed ?? 1}).`,
    images: FLEET_IMAGES.map((i) => ({ ...i, platforms: [...i.platforms] })),
    clusters: all.map((c) => structuredClone(c)),
  };
}

function cluster(
  name: string,
  site: string,
  distro: ClusterSpec['distro'],
  kubernetesVersion: string,
  labels: Record<string, string>,
  nodes: NodePoolSpec[],
): ClusterSpec {
  return { name, site, labels, kubernetesVersion, distro, nodes, workloads: [] };
}

function pool(
  namePrefix: string,
  count: number,
  architecture: NodePoolSpec['architecture'],
  role: NodePoolSpec['role'],
  cpu: string,
  memory: string,
): NodePoolSpec {
  return { namePrefix, count, architecture, role, cpu, memory, pods: '110' };
}

function wl(
  kind: WorkloadSpec['kind'],
  name: string,
  ns: string,
  image: string,
  replicas?: number,
): WorkloadSpec {
  const w: WorkloadSpec = { kind, name, namespace: ns, image: `registry.example/${image}` };
  if (replicas !== undefined) w.replicas = replicas;
  return w;
}

/** Small, fast, seedable PRNG; Math.random cannot be seeded and determinism is the point. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Problem {
  path: PropertyKey[];
  message: string;
}

function crossCheck(s: Scenario, origins: { spec: ClusterSpec; path: PropertyKey[] }[]): Problem[] {
  const problems: Problem[] = [];
  const add = (path: PropertyKey[], message: string): number => problems.push({ path, message });
  const images = new Set<string>();
  s.images.forEach((img, i) => {
    if (images.has(img.name)) add(['images', i, 'name'], 'duplicate image');
    images.add(img.name);
  });
  const clusterNames = new Set<string>();
  for (const { spec: c, path } of origins) {
    if (clusterNames.has(c.name)) add([...path, 'name'], `duplicate cluster name "${c.name}"`);
    clusterNames.add(c.name);
    const nodeNames = new Set<string>();
    c.nodes.forEach((pool, pi) => {
      const prefix = nodeNamePrefix(c, pool);
      for (let n = 1; n <= pool.count; n++) {
        const node = `${prefix}-${n}`;
        if (nodeNames.has(node)) {
          add([...path, 'nodes', pi], `node name "${node}" repeats; set namePrefix`);
          return;
        }
        nodeNames.add(node);
      }
    });
    const workloads = new Set<string>();
    c.workloads.forEach((w, wi) => {
      const at = [...path, 'workloads', wi];
      const key = `${w.kind}/${w.namespace}/${w.name}`;
      if (workloads.has(key)) add([...at, 'name'], `duplicate ${key}`);
      workloads.add(key);
      if (w.kind === 'DaemonSet' && w.replicas !== undefined)
        add([...at, 'replicas'], 'a DaemonSet has no replicas');
      if (!images.has(w.image)) add([...at, 'image'], 'image is not in the images catalogue');
    });
  }
  return problems;
}

function formatProblems(source: string, problems: Problem[], data: unknown): string {
  const lines = problems.map((p) => {
    const value = valueAt(data, p.path);
    const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
    return `  ${formatPath(p.path)}: ${p.message} (${got})`;
  });
  return `${source}: invalid scenario:\n${lines.join('\n')}`;
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const seg of path)
    out += typeof seg === 'number' ? `[${seg}]` : `${out === '' ? '' : '.'}${String(seg)}`;
  return out === '' ? '(root)' : out;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}
