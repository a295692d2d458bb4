import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateFleet,
  listBuiltinScenarios,
  loadScenario,
  parseScenario,
  parseScenarioYaml,
  type ClusterSpec,
  type Scenario,
} from '../../sim/scenario.js';

const archs = (c: ClusterSpec): string[] => [...new Set(c.nodes.map((n) => n.architecture))].sort();
const nodeCount = (c: ClusterSpec): number => c.nodes.reduce((sum, n) => sum + n.count, 0);

/** A minimal valid scenario document to break in tests. */
function minimal(): Record<string, unknown> {
  return {
    name: 'tiny',
    images: [{ name: 'registry.example/app:1.0', platforms: ['linux/amd64'] }],
    clusters: [
      {
        name: 'one',
        site: 's1',
        kubernetesVersion: 'v1.31.4+k3s1',
        distro: 'k3s',
        nodes: [{ count: 1, architecture: 'amd64', role: 'control-plane', cpu: 2, memory: '4Gi', pods: 110 }],
        workloads: [{ kind: 'Deployment', name: 'app', image: 'registry.example/app:1.0', replicas: 1 }],
      },
    ],
  };
}

describe('smart-city scenario', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await loadScenario('smart-city');
  });

  it('has the two data-centre clusters at dc-north and dc-south, x86 with several nodes', () => {
    const dc = s.clusters.filter((c) => c.labels['tier'] === 'datacenter');
    expect(dc.map((c) => c.site).sort()).toEqual(['dc-north', 'dc-south']);
    for (const c of dc) {
      expect(archs(c)).toEqual(['amd64']);
      expect(nodeCount(c)).toBeGreaterThanOrEqual(3);
      expect(['kubeadm', 'rke2']).toContain(c.distro);
    }
  });

  it('has exactly one mixed amd64+arm64 cluster', () => {
    const mixed = s.clusters.filter((c) => archs(c).length > 1);
    expect(mixed).toHaveLength(1);
    expect(archs(mixed[0] as ClusterSpec)).toEqual(['amd64', 'arm64']);
  });

  it('has 12 single-node arm64 k3s edge clusters, 3 at each of b12, b14, b21, b30', () => {
    const edge = s.clusters.filter((c) => c.labels['tier'] === 'edge');
    expect(edge).toHaveLength(12);
    expect(s.clusters).toHaveLength(15);
    for (const c of edge) {
      expect(c.distro).toBe('k3s');
      expect(archs(c)).toEqual(['arm64']);
      expect(nodeCount(c)).toBe(1);
      expect(c.name).toMatch(new RegExp(`^edge-${c.site}-[123]$`));
    }
    const perSite = new Map<string, number>();
    for (const c of edge) perSite.set(c.site, (perSite.get(c.site) ?? 0) + 1);
    expect(Object.fromEntries(perSite)).toEqual({ b12: 3, b14: 3, b21: 3, b30: 3 });
    expect(edge.map((c) => c.name)).toContain('edge-b12-1');
  });

  it('has multi-arch images, an amd64-only image on a data-centre cluster, and a broken one in the lab', () => {
    const platforms = new Map(s.images.map((i) => [i.name, i.platforms]));
    expect(platforms.get('registry.example/sensor-collector:1.4')).toEqual(['linux/amd64', 'linux/arm64']);
    const amd64Only = s.images.filter((i) => i.platforms.length === 1 && i.platforms[0] === 'linux/amd64');
    expect(amd64Only.map((i) => i.name)).toContain('registry.example/legacy-analytics:2.0');
    const dcNorth = s.clusters.find((c) => c.name === 'dc-north-1');
    expect(dcNorth?.workloads.some((w) => w.image === 'registry.example/legacy-analytics:2.0')).toBe(true);
    // The mixed cluster runs an amd64-only image without pinning it to amd64 nodes.
    const mixed = s.clusters.find((c) => archs(c).length > 1);
    const unpinned = mixed?.workloads.filter(
      (w) =>
        !platforms.get(w.image)?.includes('linux/arm64') &&
        w.nodeSelector?.['kubernetes.io/arch'] !== 'amd64',
    );
    expect(unpinned?.length).toBeGreaterThan(0);
  });

  it('is listed as a built-in scenario', async () => {
    expect(await listBuiltinScenarios()).toContain('smart-city');
  });
});

describe('scenario validation', () => {
  it('names the bad path and value in the error', () => {
    const doc = minimal();
    const cluster = (doc['clusters'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    (cluster['nodes'] as Record<string, unknown>[])[0] = {
      count: 1,
      architecture: 'x86',
      role: 'control-plane',
      cpu: 2,
      memory: '4Gi',
      pods: 110,
    };
    expect(() => parseScenario(doc, 'bad.yaml')).toThrow(/bad\.yaml/);
    expect(() => parseScenario(doc, 'bad.yaml')).toThrow(
      /clusters\[0\]\.nodes\[0\]\.architecture: .*\(got "x86"\)/,
    );
  });

  it('reports missing fields and bad quantities with their paths', () => {
    const doc = minimal();
    const cluster = (doc['clusters'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    delete cluster['distro'];
    (cluster['nodes'] as Record<string, unknown>[])[0] = {
      count: 1,
      architecture: 'amd64',
      role: 'worker',
      cpu: 2,
      memory: 'lots',
      pods: 110,
    };
    let message = '';
    try {
      parseScenario(doc);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toMatch(/clusters\[0\]\.distro: .*\(missing\)/);
    expect(message).toMatch(
      /clusters\[0\]\.nodes\[0\]\.memory: must be a Kubernetes quantity \(got "lots"\)/,
    );
  });

  it('rejects an image missing from the catalogue, DaemonSet replicas and duplicate clusters', () => {
    const doc = minimal();
    const clusters = doc['clusters'] as Record<string, unknown>[];
    const cluster = clusters[0] as Record<string, unknown>;
    cluster['workloads'] = [
      { kind: 'Deployment', name: 'a', image: 'registry.example/nope:1' },
      { kind: 'DaemonSet', name: 'b', image: 'registry.example/app:1.0', replicas: 2 },
    ];
    clusters.push(structuredClone(cluster));
    let message = '';
    try {
      parseScenario(doc);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toContain('clusters[0].workloads[0].image: image is not in the images catalogue');
    expect(message).toContain('"registry.example/nope:1"');
    expect(message).toContain('clusters[0].workloads[1].replicas: a DaemonSet has no replicas');
    expect(message).toContain('clusters[1].name: duplicate cluster name "one"');
  });

  it('coerces YAML numbers to quantity strings and fills defaults', () => {
    const s = parseScenario(minimal());
    const pool = s.clusters[0]?.nodes[0];
    expect(pool?.cpu).toBe('2');
    expect(pool?.pods).toBe('110');
    expect(s.clusters[0]?.workloads[0]?.namespace).toBe('default');
    expect(s.clusters[0]?.labels).toEqual({});
  });

  it('expands generators and reports YAML syntax errors with the source', () => {
    const s = parseScenarioYaml(
      [
        'name: gen',
        'images: []',
        'generators:',
        '  - namePattern: edge-{site}-{index}',
        '    sites: [b01, b02]',
        '    perSite: 2',
        '    template:',
        '      kubernetesVersion: v1.31.4+k3s1',
        '      distro: k3s',
        '      nodes: [{ count: 1, architecture: arm64, role: control-plane, cpu: 4, memory: 8Gi, pods: 110 }]',
      ].join('\n'),
    );
    expect(s.clusters.map((c) => `${c.name}@${c.site}`)).toEqual([
      'edge-b01-1@b01',
      'edge-b01-2@b01',
      'edge-b02-1@b02',
      'edge-b02-2@b02',
    ]);
    expect(() => parseScenarioYaml('name: [unclosed', 'broken.yaml')).toThrow(/broken\.yaml: invalid YAML/);
  });
});

describe('loadScenario', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a YAML file by path', async () => {
    const file = join(dir, 'tiny.yaml');
    await writeFile(file, JSON.stringify(minimal()));
    const s = await loadScenario(file);
    expect(s.name).toBe('tiny');
    expect(s.clusters.map((c) => c.name)).toEqual(['one']);
  });

  it('rejects an unknown built-in name, listing the known ones', async () => {
    await expect(loadScenario('no-such-scenario')).rejects.toThrow(/no-such-scenario.*smart-city/);
  });

  it('generates a fleet for fleet:N', async () => {
    const s = await loadScenario('fleet:40:7');
    expect(s.clusters).toHaveLength(40);
    expect(s).toEqual(generateFleet({ clusters: 40, seed: 7 }));
  });
});

describe('generateFleet', () => {
  it('makes 1,000 valid, uniquely named clusters, deterministically', () => {
    const a = generateFleet({ clusters: 1000, seed: 42 });
    const b = generateFleet({ clusters: 1000, seed: 42 });
    expect(a.clusters).toHaveLength(1000);
    expect(b).toEqual(a);
    expect(new Set(a.clusters.map((c) => c.name)).size).toBe(1000);
    expect(generateFleet({ clusters: 1000, seed: 43 }).clusters).not.toEqual(a.clusters);
    // The generator's output passes the same validation as hand-written scenarios.
    expect(parseScenario(a, 'generated').clusters).toHaveLength(1000);
  });

  it('mixes data-centre, mixed and arm64 edge clusters over b01..b99', () => {
    const s = generateFleet({ clusters: 1000 });
    const [dcN, dcS, lab, ...edge] = s.clusters;
    expect(dcN && archs(dcN)).toEqual(['amd64']);
    expect(dcS && archs(dcS)).toEqual(['amd64']);
    expect(lab && archs(lab)).toEqual(['amd64', 'arm64']);
    expect(edge.every((c) => archs(c).join() === 'arm64' && nodeCount(c) === 1 && c.distro === 'k3s')).toBe(
      true,
    );
    const sites = new Set(edge.map((c) => c.site));
    expect(sites.size).toBe(99);
    expect([...sites].every((x) => /^b\d\d$/.test(x))).toBe(true);
  });

  it('handles tiny fleets and rejects nonsense sizes', () => {
    expect(generateFleet({ clusters: 1 }).clusters.map((c) => c.name)).toEqual(['dc-north-1']);
    expect(generateFleet({ clusters: 5 }).clusters.map((c) => c.site)).toEqual([
      'dc-north',
      'dc-south',
      'lab',
      'b01',
      'b01',
    ]);
    expect(() => generateFleet({ clusters: 0 })).toThrow(/>= 1/);
  });
});
