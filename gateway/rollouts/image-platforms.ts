/**
 * Which platforms (os/arch[/variant]) an image supports, and the check that refuses a
 * rollout whose image would not run on the targeted clusters' nodes.
 *
 * Platforms come from the image catalogue when it lists the image (operator-declared facts,
 * also what air-gapped sites rely on), else from the image's registry over the OCI
 * distribution API: the image index (or Docker manifest list) names a platform per manifest;
 * a single manifest's config blob names its own. Anonymous pulls, with the Bearer token
 * challenge public registries use; registries named insecure are spoken to over plain HTTP.
 * Answers are cached for 10 minutes.
 */
import { parse as parseYaml } from 'yaml';
import { FleetError, validationFailed } from '../errors.js';
import { architectureFromKube, ErrorCode, type Architecture } from '../vocabulary.js';

/** An image and its platforms, e.g. { name: 'registry.example/app:1.0', platforms: ['linux/amd64'] }. */
export interface CatalogueImage {
  name: string;
  platforms: string[];
}

/** The images of a catalogue file: a YAML (or JSON) list of { name, platforms }, or { images: [...] }. */
export function parseImageCatalogue(text: string, where: string): CatalogueImage[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw validationFailed(
      `image catalogue ${where} is not YAML: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const list = Array.isArray(doc) ? doc : (doc as { images?: unknown } | null)?.images;
  if (!Array.isArray(list)) {
    throw validationFailed(
      `image catalogue ${where} has no list of images; expected [{ name, platforms: [os/arch] }]`,
    );
  }
  return list.map((entry, i) => {
    const e = entry as { name?: unknown; platforms?: unknown };
    const platforms = Array.isArray(e.platforms) ? e.platforms : [];
    if (
      typeof e.name !== 'string' ||
      e.name === '' ||
      platforms.length === 0 ||
      !platforms.every((p) => typeof p === 'string' && /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p))
    ) {
      throw validationFailed(
        `image catalogue ${where}, entry ${i + 1}: expected { name: "<image>", platforms: ["linux/amd64", ...] }`,
      );
    }
    return { name: e.name, platforms: platforms as string[] };
  });
}

/** What to do with an image whose platforms cannot be learned. */
export type UnknownPlatformPolicy = 'warn' | 'refuse';

/** Options of the image platform lookups. */
export interface ImagePlatformOptions {
  /** Images with their platforms, or a function that knows them (demo mode asks the simulator). */
  catalogue?: readonly CatalogueImage[] | ((image: string) => readonly string[] | undefined);
  /** Registries (host[:port]) spoken to over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** @default 'warn' */
  unknownPolicy?: UnknownPlatformPolicy;
  /** Deadline of each registry request, in ms. @default 5000 */
  timeoutMs?: number;
}

/** Where an image's platforms came from. */
export interface ImagePlatforms {
  platforms: string[];
  source: 'catalogue' | 'registry';
}

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const CACHE_MS = 10 * 60_000;

/** An image reference split into registry, repository and tag or digest. */
export interface ImageReference {
  registry: string;
  repository: string;
  reference: string;
}

/** Parses `[registry/]repository[:tag][@digest]` as Docker does (docker.io and library/ by default). */
export function parseImageReference(image: string): ImageReference {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag = 'latest';
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === 'docker.io') {
    registry = 'registry-1.docker.io';
    if (!path.includes('/')) path = `library/${path}`;
  }
  return { registry, repository: path, reference: digest ?? tag };
}

/** The architecture a platform string names (linux/arm64/v8 → ARM64), undefined for none. */
export function platformArchitecture(platform: string): Architecture | undefined {
  const [, arch] = platform.split('/');
  return architectureFromKube(arch);
}

/** Looks up image platforms: catalogue, else registry. */
export class ImagePlatformLookup {
  private readonly catalogue: (image: string) => readonly string[] | undefined;
  private readonly insecure: ReadonlySet<string>;
  private readonly cache = new Map<string, { at: number; value: ImagePlatforms | undefined }>();
  private readonly timeoutMs: number;
  readonly unknownPolicy: UnknownPlatformPolicy;

  constructor(options: ImagePlatformOptions = {}) {
    const c = options.catalogue ?? [];
    if (typeof c === 'function') this.catalogue = c;
    else {
      const byName = new Map(c.map((i) => [i.name, [...i.platforms]]));
      this.catalogue = (image) => byName.get(image);
    }
    this.insecure = new Set(options.insecureRegistries ?? []);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.unknownPolicy = options.unknownPolicy ?? 'warn';
  }

  /** The image's platforms, or undefined with the reason when they cannot be learned. */
  async platformsOf(image: string): Promise<ImagePlatforms | { unknown: string }> {
    const listed = this.catalogue(image);
    if (listed) return { platforms: [...listed], source: 'catalogue' };
    const cached = this.cache.get(image);
    if (cached && Date.now() - cached.at < CACHE_MS && cached.value) return cached.value;
    try {
      const platforms = await this.fromRegistry(parseImageReference(image));
      const value: ImagePlatforms = { platforms, source: 'registry' };
      this.cache.set(image, { at: Date.now(), value });
      return value;
    } catch (e) {
      return { unknown: e instanceof Error ? e.message : String(e) };
    }
  }

  private async fromRegistry(ref: ImageReference): Promise<string[]> {
    const base = `${this.insecure.has(ref.registry) ? 'http' : 'https'}://${ref.registry}/v2/${ref.repository}`;
    const manifest = await this.getJson(`${base}/manifests/${ref.reference}`, [
      ...INDEX_TYPES,
      ...MANIFEST_TYPES,
    ]);
    const manifests = manifest['manifests'];
    if (Array.isArray(manifests)) {
      const out: string[] = [];
      for (const m of manifests) {
        const p = (m as { platform?: { os?: string; architecture?: string; variant?: string } }).platform;
        if (!p?.os || !p.architecture || p.os === 'unknown') continue;
        out.push([p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/'));
      }
      return [...new Set(out)];
    }
    const config = (manifest['config'] as { digest?: string } | undefined)?.digest;
    if (!config) throw new Error(`the manifest of ${ref.repository}:${ref.reference} names no config`);
    const c = await this.getJson(`${base}/blobs/${config}`, ['application/json', '*/*']);
    const os = typeof c['os'] === 'string' ? c['os'] : 'linux';
    const arch = typeof c['architecture'] === 'string' ? c['architecture'] : undefined;
    if (!arch)
      throw new Error(`the image config of ${ref.repository}:${ref.reference} names no architecture`);
    return [
      [os, arch, typeof c['variant'] === 'string' ? c['variant'] : undefined].filter(Boolean).join('/'),
    ];
  }

  /** GET with the Accept types, answering a Bearer challenge anonymously once. */
  private async getJson(url: string, accept: string[]): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { accept: accept.join(', ') };
    let res = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    if (res.status === 401) {
      const token = await this.token(res.headers.get('www-authenticate'));
      await res.body?.cancel();
      if (token) {
        res = await fetch(url, {
          headers: { ...headers, authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      }
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`${new URL(url).host} answered ${res.status} for ${new URL(url).pathname}`);
    }
    return (await res.json()) as Record<string, unknown>;
  }

  private async token(challenge: string | null): Promise<string | undefined> {
    if (!challenge?.toLowerCase().startsWith('bearer ')) return undefined;
    const params = new Map<string, string>();
    for (const m of challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params.set(m[1] ?? '', m[2] ?? '');
    const realm = params.get('realm');
    if (!realm) return undefined;
    const url = new URL(realm);
    for (const k of ['service', 'scope']) {
      const v = params.get(k);
      if (v) url.searchParams.set(k, v);
    }
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  }
}

/** What the check found. */
export interface PlatformCheckResult {
  warnings: string[];
}

/**
 * Checks every image against the architectures each cluster needs. Throws
 * IMAGE_PLATFORM_MISSING naming the image, its platforms and the clusters that would break
 * (unless force, which turns that into warnings); an image whose platforms cannot be learned
 * is a warning, or with the refuse policy, IMAGE_PLATFORM_MISSING too.
 */
export async function checkImagePlatforms(
  lookup: ImagePlatformLookup,
  images: readonly string[],
  needs: ReadonlyMap<string, readonly Architecture[]>,
  force: boolean,
): Promise<PlatformCheckResult> {
  const warnings: string[] = [];
  for (const image of [...new Set(images)]) {
    const found = await lookup.platformsOf(image);
    if ('unknown' in found) {
      const text = `the platforms of image ${image} could not be learned (${found.unknown})`;
      if (lookup.unknownPolicy === 'refuse' && !force) {
        throw new FleetError(
          ErrorCode.IMAGE_PLATFORM_MISSING,
          `${text}; add it to the image catalogue or pass force: true`,
          {
            image,
          },
        );
      }
      warnings.push(text);
      continue;
    }
    const supported = new Set(found.platforms.map(platformArchitecture).filter((a) => a !== undefined));
    const broken = [...needs]
      .map(([cluster, archs]) => ({ cluster, missing: archs.filter((a) => !supported.has(a)) }))
      .filter((b) => b.missing.length > 0);
    if (broken.length === 0) continue;
    const list = broken.map((b) => `${b.cluster} (${b.missing.join(', ')})`);
    const text = `image ${image} has platforms ${found.platforms.join(', ')} (from the ${found.source}); it would not run on ${broken.length} cluster(s): ${list.slice(0, 20).join(', ')}${list.length > 20 ? ', …' : ''}`;
    if (!force) {
      throw new FleetError(
        ErrorCode.IMAGE_PLATFORM_MISSING,
        `${text}; target other clusters, or pass force: true`,
        {
          image,
          platforms: found.platforms,
          clusters: broken.map((b) => ({ cluster: b.cluster, missing: b.missing })),
        },
      );
    }
    warnings.push(`${text} (forced)`);
  }
  return { warnings };
}
