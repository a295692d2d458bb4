/**
 * Writes the kubeconfig a simulated fleet hands to its clients: one cluster, user and context
 * per simulated cluster, each named after the cluster, with the cluster's site and labels in
 * a `fleetgraph` context extension (kubeconfig's standard `extensions` list, which kubectl
 * and client-go preserve but ignore).
 */
import { stringify } from 'yaml';

/** One simulated cluster as it appears in the kubeconfig. */
export interface KubeconfigEntry {
  /** Cluster, user and context name. */
  name: string;
  /** API server URL, e.g. https://127.0.0.1:40001. */
  server: string;
  /** PEM of the cluster CA (written base64-encoded as certificate-authority-data). */
  caCertPem: string;
  /** Bearer token for the cluster's user. */
  token: string;
  /** Site the cluster runs at, carried in the fleetgraph extension. */
  site?: string;
  /** Cluster labels, carried in the fleetgraph extension. */
  labels?: Record<string, string>;
  /** Default namespace of the context. */
  namespace?: string;
}

/** Options for {@link buildKubeconfig}. */
export interface KubeconfigOptions {
  /** Context to make current; defaults to the first entry. */
  currentContext?: string;
}

/** Name of the context extension that carries fleet metadata. */
export const FLEETGRAPH_EXTENSION = 'fleetgraph';

/** Render a kubeconfig (YAML) for the given clusters; throws on duplicate or empty names. */
export function buildKubeconfig(entries: readonly KubeconfigEntry[], opts: KubeconfigOptions = {}): string {
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.name === '') throw new Error('kubeconfig entry has an empty name');
    if (seen.has(e.name)) throw new Error(`kubeconfig entry name "${e.name}" is used twice`);
    seen.add(e.name);
  }
  const current = opts.currentContext ?? entries[0]?.name ?? '';
  if (opts.currentContext !== undefined && !seen.has(opts.currentContext)) {
    throw new Error(`currentContext "${opts.currentContext}" is not one of the entries`);
  }

  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: {
        server: e.server,
        'certificate-authority-data': Buffer.from(e.caCertPem, 'utf8').toString('base64'),
      },
    })),
    users: entries.map((e) => ({ name: e.name, user: { token: e.token } })),
    contexts: entries.map((e) => ({
      name: e.name,
      context: {
        cluster: e.name,
        user: e.name,
        ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
        extensions: [
          {
            name: FLEETGRAPH_EXTENSION,
            extension: {
              ...(e.site !== undefined ? { site: e.site } : {}),
              labels: e.labels ?? {},
            },
          },
        ],
      },
    })),
    'current-context': current,
  };
  // lineWidth 0 keeps each base64 CA on one line instead of folding it; 1,000 entries
  // stringify in ~0.1-0.2 s.
  return stringify(doc, { lineWidth: 0 });
}
