import type { KubeObject, JsonObject } from './k8s-types.js';
import { isJsonObject } from './k8s-types.js';
import { BUILTIN_TYPES, type ResourceType, type SubresourceType, type Verb } from './resource-types.js';

/** A printer column from a CRD version's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** What the catalogue knows of a custom resource version besides its ResourceType. */
export interface CustomTypeInfo {
  /** The CRD's name (plural.group). */
  crdName: string;
  /** The version's openAPIV3Schema, when the CRD gives one. */
  schema: JsonObject | undefined;
  printerColumns: PrinterColumn[];
  /** selectableFields jsonPaths without the leading dot. */
  selectableFields: string[];
  /** True for the CRD's storage version. */
  storage: boolean;
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The resource types one cluster serves right now: the built-ins plus every version of every
 * established CRD. Discovery, OpenAPI and routing all read from here, so what is advertised is
 * exactly what is served.
 */
export class TypeCatalog {
  private readonly types = new Map<string, ResourceType>();
  private readonly custom = new Map<string, CustomTypeInfo>();
  /** Bumped on every change, so discovery/OpenAPI caches know to rebuild. */
  generation = 0;

  constructor() {
    for (const t of BUILTIN_TYPES) this.types.set(gvrKey(t.group, t.version, t.plural), t);
  }

  /** Looks a type up by group, version and plural resource name. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(gvrKey(group, version, plural));
  }

  /** Looks a type up by apiVersion and kind. */
  lookupKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    for (const t of this.types.values()) {
      if (t.group === group && t.version === version && t.kind === kind) return t;
    }
    return undefined;
  }

  /** The first type (any version) for a group and plural, used for storage-level operations. */
  lookupAnyVersion(group: string, plural: string): ResourceType | undefined {
    for (const t of this.types.values()) if (t.group === group && t.plural === plural) return t;
    return undefined;
  }

  /** Custom type details, or undefined for built-ins. */
  customInfo(t: ResourceType): CustomTypeInfo | undefined {
    return this.custom.get(gvrKey(t.group, t.version, t.plural));
  }

  /** All served types. */
  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Served group names (without the core group), sorted as kube-apiserver does: built-ins then CRD groups by name. */
  groups(): string[] {
    const set = new Set<string>();
    for (const t of this.types.values()) if (t.group !== '') set.add(t.group);
    return [...set].sort();
  }

  /** Served versions of a group, preferred (storage, else highest) first. */
  versionsOf(group: string): string[] {
    const versions = new Set<string>();
    let preferred: string | undefined;
    for (const [key, t] of this.types) {
      if (t.group !== group) continue;
      versions.add(t.version);
      if (this.custom.get(key)?.storage) preferred = t.version;
    }
    const sorted = [...versions].sort(compareKubeVersions);
    if (preferred) return [preferred, ...sorted.filter((v) => v !== preferred)];
    return sorted;
  }

  /** Types of one group/version. */
  typesOf(group: string, version: string): ResourceType[] {
    return this.all()
      .filter((t) => t.group === group && t.version === version)
      .sort((a, b) => (a.plural < b.plural ? -1 : 1));
  }

  /** Registers (or re-registers) every served version of a CRD. */
  registerCrd(crd: KubeObject): ResourceType[] {
    this.unregisterCrd(crd.metadata.name ?? '');
    const spec = isJsonObject(crd['spec']) ? crd['spec'] : {};
    const names = isJsonObject(spec['names']) ? spec['names'] : {};
    const group = String(spec['group'] ?? '');
    const plural = String(names['plural'] ?? '');
    const kind = String(names['kind'] ?? '');
    const namespaced = spec['scope'] !== 'Cluster';
    const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
    const added: ResourceType[] = [];
    for (const v of versions) {
      if (!isJsonObject(v) || v['served'] === false) continue;
      const version = String(v['name'] ?? '');
      const sub = isJsonObject(v['subresources']) ? v['subresources'] : {};
      const subresources: SubresourceType[] = [];
      if (isJsonObject(sub['scale']))
        subresources.push({
          name: 'scale',
          kind: 'Scale',
          group: 'autoscaling',
          version: 'v1',
          verbs: ['get', 'patch', 'update'],
        });
      if (sub['status'] !== undefined)
        subresources.push({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
      const schemaHolder = isJsonObject(v['schema']) ? v['schema'] : {};
      const schema = isJsonObject(schemaHolder['openAPIV3Schema'])
        ? schemaHolder['openAPIV3Schema']
        : undefined;
      const t: ResourceType = {
        group,
        version,
        kind,
        listKind: String(names['listKind'] ?? `${kind}List`),
        plural,
        singular: String(names['singular'] ?? kind.toLowerCase()),
        namespaced,
        shortNames: stringList(names['shortNames']),
        categories: stringList(names['categories']),
        verbs: ALL_VERBS,
        subresources,
        fieldSelectors: [],
        custom: true,
      };
      const columns = Array.isArray(v['additionalPrinterColumns']) ? v['additionalPrinterColumns'] : [];
      const selectable = Array.isArray(v['selectableFields']) ? v['selectableFields'] : [];
      const info: CustomTypeInfo = {
        crdName: crd.metadata.name ?? '',
        schema,
        printerColumns: columns.filter(isJsonObject).map(toPrinterColumn),
        selectableFields: selectable
          .filter(isJsonObject)
          .map((f) => String(f['jsonPath'] ?? '').replace(/^\./, ''))
          .filter((f) => f !== ''),
        storage: v['storage'] === true,
      };
      t.fieldSelectors = info.selectableFields;
      const key = gvrKey(group, version, plural);
      this.types.set(key, t);
      this.custom.set(key, info);
      added.push(t);
    }
    this.generation++;
    return added;
  }

  /** Stops serving a CRD's types. */
  unregisterCrd(crdName: string): void {
    let changed = false;
    for (const [key, info] of this.custom) {
      if (info.crdName !== crdName) continue;
      this.custom.delete(key);
      this.types.delete(key);
      changed = true;
    }
    if (changed) this.generation++;
  }

  /** Forgets every CRD (the datastore was wiped). */
  reset(): void {
    for (const info of [...this.custom.values()]) this.unregisterCrd(info.crdName);
  }
}

function gvrKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function toPrinterColumn(c: JsonObject): PrinterColumn {
  const col: PrinterColumn = {
    name: String(c['name'] ?? ''),
    type: String(c['type'] ?? 'string'),
    jsonPath: String(c['jsonPath'] ?? ''),
  };
  if (typeof c['description'] === 'string') col.description = c['description'];
  if (typeof c['priority'] === 'number') col.priority = c['priority'];
  if (typeof c['format'] === 'string') col.format = c['format'];
  return col;
}

/**
 * Orders Kubernetes versions as kube-apiserver's version priority does:
 * GA before beta before alpha, higher numbers first, non-matching names last alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (pa && pb) {
    if (pa.stage !== pb.stage) return pa.stage - pb.stage;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseKubeVersion(v: string): { major: number; stage: number; minor: number } | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
  return { major: Number(m[1]), stage, minor: Number(m[3] ?? 0) };
}
