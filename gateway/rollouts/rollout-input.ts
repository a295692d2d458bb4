/**
 * Rollout inputs validated once, at the edge: Deployment names, manifests (JSON or YAML,
 * a Deployment plus optional Service and ConfigMap), typed Deployment fields, images and
 * replica counts. Messages quote what was received and say what is expected.
 */
import { parseAllDocuments } from 'yaml';
import { validationFailed } from '../errors.js';
import type { RolloutAction } from './types.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A namespace name (DNS label, at most 63 characters). */
export function parseNamespace(value: string, field = 'namespace'): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw validationFailed(
      `${field} ${JSON.stringify(value)} is invalid; expected a DNS label: lowercase letters, digits and '-', at most 63 characters`,
      { field, value },
    );
  }
  return value;
}

/** An object name (DNS subdomain, at most 253 characters). */
export function parseObjectName(value: string, field = 'name'): string {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw validationFailed(
      `${field} ${JSON.stringify(value)} is invalid; expected a DNS subdomain: lowercase letters, digits, '-' and '.', at most 253 characters`,
      { field, value },
    );
  }
  return value;
}

/** A replica count. */
export function parseReplicas(value: number, field = 'replicas'): number {
  if (!Number.isInteger(value) || value < 0 || value > 10_000) {
    throw validationFailed(`${field} is ${JSON.stringify(value)}; expected an integer from 0 to 10000`, {
      field,
      value,
    });
  }
  return value;
}

/** An image reference (no spaces, no uppercase in the repository). */
export function parseImage(value: string, field = 'image'): string {
  if (value === '' || /\s/.test(value) || value.length > 1024 || /[A-Z]/.test(value.split(/[:@]/)[0] ?? '')) {
    throw validationFailed(
      `${field} ${JSON.stringify(value)} is not an image reference; expected e.g. "registry.example/app:1.2" or "app@sha256:…"`,
      { field, value },
    );
  }
  return value;
}

/** Typed fields of a Deployment to apply. */
export interface DeploymentFields {
  name: string;
  namespace: string;
  image: string;
  replicas?: number;
  /** Container name. @default the Deployment's name */
  container?: string;
  env?: { name: string; value: string }[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  nodeSelector?: Record<string, string>;
  labels?: Record<string, string>;
}

/** The Deployment object for typed fields (app=<name> selects its pods). */
export function deploymentFromFields(f: DeploymentFields): Record<string, unknown> {
  const name = parseObjectName(f.name, 'deployment.name');
  const namespace = parseNamespace(f.namespace, 'deployment.namespace');
  const image = parseImage(f.image, 'deployment.image');
  const labels = { app: name, ...(f.labels ?? {}) };
  for (const p of f.ports ?? []) {
    if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
      throw validationFailed(
        `deployment.ports containerPort ${JSON.stringify(p.containerPort)} is invalid; expected 1 to 65535`,
        { field: 'deployment.ports', value: p.containerPort },
      );
    }
  }
  const container: Record<string, unknown> = { name: f.container ?? name, image };
  if (f.env && f.env.length > 0) container['env'] = f.env.map((e) => ({ name: e.name, value: e.value }));
  if (f.ports && f.ports.length > 0) container['ports'] = f.ports;
  if (f.resources) container['resources'] = f.resources;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: parseReplicas(f.replicas ?? 1, 'deployment.replicas'),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: { containers: [container], ...(f.nodeSelector ? { nodeSelector: f.nodeSelector } : {}) },
      },
    },
  };
}

const KINDS: Record<string, string> = { Deployment: 'apps/v1', Service: 'v1', ConfigMap: 'v1' };

/**
 * The objects of a manifest (JSON, or YAML with one or more documents): exactly one
 * Deployment, plus optional Services and ConfigMaps, all in one namespace.
 */
export function parseManifest(text: string): {
  namespace: string;
  name: string;
  objects: Record<string, unknown>[];
} {
  let docs: unknown[];
  try {
    docs = parseAllDocuments(text).map((d) => {
      if (d.errors.length > 0) throw d.errors[0] ?? new Error('invalid YAML');
      return d.toJSON() as unknown;
    });
  } catch (e) {
    throw validationFailed(
      `manifest is not valid JSON or YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); expected a Deployment manifest`,
      { field: 'manifest' },
    );
  }
  const objects = docs.filter((d) => d !== null && d !== undefined);
  const out: Record<string, unknown>[] = [];
  let namespace: string | undefined;
  let deployment: string | undefined;
  for (const [i, doc] of objects.entries()) {
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      throw validationFailed(`manifest document ${i + 1} is not an object; expected Kubernetes objects`, {
        field: 'manifest',
      });
    }
    const o = doc as Record<string, unknown>;
    const kind = String(o['kind'] ?? '');
    const apiVersion = KINDS[kind];
    if (apiVersion === undefined || o['apiVersion'] !== apiVersion) {
      throw validationFailed(
        `manifest document ${i + 1} is ${JSON.stringify(o['apiVersion'])} ${JSON.stringify(o['kind'])}; expected apps/v1 Deployment, v1 Service or v1 ConfigMap`,
        { field: 'manifest', kind: o['kind'] ?? null },
      );
    }
    const meta = (typeof o['metadata'] === 'object' && o['metadata'] !== null ? o['metadata'] : {}) as Record<
      string,
      unknown
    >;
    const name = parseObjectName(String(meta['name'] ?? ''), `manifest ${kind} metadata.name`);
    const ns = parseNamespace(String(meta['namespace'] ?? 'default'), `manifest ${kind} metadata.namespace`);
    if (namespace !== undefined && ns !== namespace) {
      throw validationFailed(
        `manifest objects are in namespaces ${namespace} and ${ns}; expected one namespace`,
        { field: 'manifest' },
      );
    }
    namespace = ns;
    if (kind === 'Deployment') {
      if (deployment !== undefined) {
        throw validationFailed('manifest has more than one Deployment; expected exactly one', {
          field: 'manifest',
        });
      }
      deployment = name;
    }
    out.push({ ...o, metadata: { ...meta, namespace: ns } });
  }
  if (deployment === undefined || namespace === undefined) {
    throw validationFailed('manifest has no Deployment; expected exactly one apps/v1 Deployment', {
      field: 'manifest',
    });
  }
  // The Deployment first: its answer carries the generation the step waits for.
  out.sort((a, b) => (a['kind'] === 'Deployment' ? -1 : b['kind'] === 'Deployment' ? 1 : 0));
  return { namespace, name: deployment, objects: out };
}

/** The action of setDeploymentImage, validated. */
export function setImageAction(images: { container: string; image: string }[]): RolloutAction {
  if (images.length === 0) {
    throw validationFailed('images is empty; expected at least one { container, image }', {
      field: 'images',
    });
  }
  const seen = new Set<string>();
  for (const i of images) {
    if (i.container === '' || seen.has(i.container)) {
      throw validationFailed(
        `images names container ${JSON.stringify(i.container)} ${i.container === '' ? '(empty)' : 'twice'}; expected each container once`,
        { field: 'images' },
      );
    }
    seen.add(i.container);
    parseImage(i.image, `images[${i.container}].image`);
  }
  return { type: 'SET_IMAGE', images };
}
