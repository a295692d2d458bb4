import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isLoopback } from './http-util.js';
import { SimFleet } from './fleet.js';
import { generateFleet, loadScenario, type Scenario } from './scenario.js';

const USAGE = `Usage: fleetgraph sim [options]

Runs a fleet of simulated Kubernetes clusters in the foreground. When ready, prints one JSON
line on stdout: {"adminUrl", "kubeconfig", "clusters": [...], "images": [...]}.

Options:
  --scenario NAME|FILE   built-in scenario name (smart-city) or a scenario YAML file
                         (default: smart-city, unless --clusters is given)
  --clusters N           generate a smart-city-like fleet of N clusters instead
  --seed N               seed for --clusters (default 1)
  --large N              of the --clusters, N are large data-centre clusters (63 nodes,
                         ~255 pods each; default 0)
  --kubeconfig-out FILE  where to write the kubeconfig (default .fleetgraph/sim-kubeconfig.yaml)
  --host HOST            address the clusters and the admin API listen on (default 127.0.0.1)
  --admin-port PORT      port of the admin API (default: any free port)
  --admin-token TOKEN    require this bearer token on the admin API (required beyond loopback;
                         also FLEETGRAPH_SIM_ADMIN_TOKEN)
  --time-scale X         multiply controller delays by X (default 1; 0.1 is ten times faster)
  -h, --help             show this help
`;

/** Entry point of `fleetgraph sim`. Resolves when the fleet has stopped (SIGINT/SIGTERM). */
export async function runSimCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        clusters: { type: 'string' },
        seed: { type: 'string' },
        large: { type: 'string' },
        'kubeconfig-out': { type: 'string' },
        host: { type: 'string' },
        'admin-port': { type: 'string' },
        'admin-token': { type: 'string' },
        'time-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`fleetgraph sim: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const fail = (msg: string) => {
    process.stderr.write(`fleetgraph sim: ${msg}\n`);
    return 2;
  };
  const num = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min)
      throw new Error(`--${name} must be a number >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  let scenario: Scenario;
  let clusters: number | undefined;
  let timeScale: number | undefined;
  let adminPort: number | undefined;
  let seed: number | undefined;
  let large: number | undefined;
  try {
    clusters = num('clusters', args.clusters, 1);
    timeScale = num('time-scale', args['time-scale'], 0.001);
    adminPort = num('admin-port', args['admin-port'], 0);
    seed = num('seed', args.seed, 0);
    large = num('large', args.large, 0);
    if (large !== undefined && clusters === undefined) return fail('--large needs --clusters');
    if (clusters !== undefined && args.scenario !== undefined)
      return fail('give either --scenario or --clusters, not both');
    scenario =
      clusters !== undefined
        ? generateFleet({
            clusters,
            ...(seed !== undefined ? { seed } : {}),
            ...(large !== undefined ? { largeClusters: large } : {}),
          })
        : await loadScenario(args.scenario ?? 'smart-city');
  } catch (e) {
    return fail((e as Error).message);
  }
  const host = args.host ?? '127.0.0.1';
  const kubeconfigPath = resolve(args['kubeconfig-out'] ?? '.fleetgraph/sim-kubeconfig.yaml');
  const adminToken = args['admin-token'] ?? process.env['FLEETGRAPH_SIM_ADMIN_TOKEN'];
  if (!isLoopback(host) && !adminToken)
    return fail(
      `--host ${host} exposes the admin API beyond loopback: set --admin-token or FLEETGRAPH_SIM_ADMIN_TOKEN`,
    );
  const started = Date.now();
  let fleet: SimFleet;
  try {
    fleet = await SimFleet.start({
      scenario,
      host,
      kubeconfigPath,
      admin: {
        host,
        ...(adminPort !== undefined ? { port: adminPort } : {}),
        ...(adminToken ? { token: adminToken } : {}),
      },
      ...(timeScale !== undefined ? { timeScale } : {}),
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  process.stdout.write(
    JSON.stringify({
      adminUrl: fleet.adminUrl,
      kubeconfig: kubeconfigPath,
      clusters: fleet.info(),
      images: fleet.images.list(),
    }) + '\n',
  );
  process.stderr.write(
    `fleetgraph sim: ${fleet.clusters.length} clusters ready in ${Date.now() - started} ms; kubeconfig ${kubeconfigPath}; admin ${fleet.adminUrl ?? ''}\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await fleet.stop();
  return 0;
}
