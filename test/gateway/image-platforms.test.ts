/**
 * Image platforms read from a real registry (Debian's docker-registry) over the OCI
 * distribution API: a multi-platform image index, a single-platform image (its config
 * blob), a missing image; the catalogue first; and the check that refuses an image
 * lacking a platform the targeted nodes need, unless forced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFleetError } from '../../gateway/errors.js';
import {
  checkImagePlatforms,
  ImagePlatformLookup,
  parseImageCatalogue,
  parseImageReference,
  platformArchitecture,
} from '../../gateway/rollouts/image-platforms.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';

let registry: TestRegistry;

beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.pushIndex('city/sensor-api', '2.4', ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']);
  await registry.pushImage('city/legacy', '2.0', 'linux/amd64');
}, 30_000);

afterAll(async () => {
  await registry?.stop();
});

describe('image references', () => {
  it('splits registry, repository and reference as Docker does', () => {
    expect(parseImageReference('nginx')).toEqual({
      registry: 'registry-1.docker.io',
      repository: 'library/nginx',
      reference: 'latest',
    });
    expect(parseImageReference('127.0.0.1:5000/city/app:1.2')).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'city/app',
      reference: '1.2',
    });
    expect(parseImageReference('ghcr.io/org/app@sha256:abc')).toMatchObject({ reference: 'sha256:abc' });
    expect(platformArchitecture('linux/arm64/v8')).toBe('ARM64');
    expect(platformArchitecture('linux/arm/v7')).toBe('ARM');
  });
});

describe('image catalogue files', () => {
  it('reads a YAML list of images and platforms, and says what is wrong with a bad one', () => {
    expect(
      parseImageCatalogue(
        'images:\n  - name: reg/app:1\n    platforms: [linux/amd64, linux/arm/v7]\n',
        'c.yaml',
      ),
    ).toEqual([{ name: 'reg/app:1', platforms: ['linux/amd64', 'linux/arm/v7'] }]);
    expect(() => parseImageCatalogue('- name: reg/app:1\n  platforms: [amd64]\n', 'c.yaml')).toThrow(
      /c.yaml, entry 1: expected \{ name: "<image>", platforms: \["linux\/amd64", ...\] \}/,
    );
    expect(() => parseImageCatalogue('x: 1', 'c.yaml')).toThrow(/has no list of images/);
  });
});

describe('registry lookups', () => {
  const lookup = () => new ImagePlatformLookup({ insecureRegistries: [registry.host] });

  it('reads the platforms of an image index', async () => {
    expect(await lookup().platformsOf(`${registry.host}/city/sensor-api:2.4`)).toEqual({
      platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'],
      source: 'registry',
    });
  });

  it('reads the platform of a single image from its config', async () => {
    expect(await lookup().platformsOf(`${registry.host}/city/legacy:2.0`)).toEqual({
      platforms: ['linux/amd64'],
      source: 'registry',
    });
  });

  it('reports an image the registry does not have as unknown, with the reason', async () => {
    const r = await lookup().platformsOf(`${registry.host}/city/nope:1.0`);
    expect(r).toMatchObject({ unknown: expect.stringMatching(/answered 404/) });
  });

  it('takes the catalogue first', async () => {
    const l = new ImagePlatformLookup({
      insecureRegistries: [registry.host],
      catalogue: [{ name: `${registry.host}/city/legacy:2.0`, platforms: ['linux/amd64', 'linux/arm64'] }],
    });
    expect(await l.platformsOf(`${registry.host}/city/legacy:2.0`)).toMatchObject({ source: 'catalogue' });
  });
});

describe('the platform check', () => {
  const needs = new Map([
    ['dc-1', ['AMD64' as const]],
    ['edge-1', ['ARM64' as const]],
    ['lab', ['AMD64' as const, 'ARM64' as const]],
  ]);

  it('passes an image with every needed platform', async () => {
    const l = new ImagePlatformLookup({ insecureRegistries: [registry.host] });
    expect(await checkImagePlatforms(l, [`${registry.host}/city/sensor-api:2.4`], needs, false)).toEqual({
      warnings: [],
    });
  });

  it('refuses an amd64-only image for arm64 clusters with IMAGE_PLATFORM_MISSING naming them, unless forced', async () => {
    const l = new ImagePlatformLookup({ insecureRegistries: [registry.host] });
    const image = `${registry.host}/city/legacy:2.0`;
    const e = await checkImagePlatforms(l, [image], needs, false).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isFleetError(e) && e.code).toBe('IMAGE_PLATFORM_MISSING');
    expect(isFleetError(e) && e.details).toMatchObject({
      image,
      platforms: ['linux/amd64'],
      clusters: [
        { cluster: 'edge-1', missing: ['ARM64'] },
        { cluster: 'lab', missing: ['ARM64'] },
      ],
    });
    const forced = await checkImagePlatforms(l, [image], needs, true);
    expect(forced.warnings[0]).toMatch(
      /would not run on 2 cluster\(s\): edge-1 \(ARM64\), lab \(ARM64\) \(forced\)/,
    );
  });

  it('warns about an image whose platforms cannot be learned, or refuses it with the refuse policy', async () => {
    const image = `${registry.host}/city/nope:1.0`;
    const warn = new ImagePlatformLookup({ insecureRegistries: [registry.host] });
    expect((await checkImagePlatforms(warn, [image], needs, false)).warnings[0]).toMatch(
      /could not be learned/,
    );
    const refuse = new ImagePlatformLookup({ insecureRegistries: [registry.host], unknownPolicy: 'refuse' });
    const e = await checkImagePlatforms(refuse, [image], needs, false).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isFleetError(e) && e.code).toBe('IMAGE_PLATFORM_MISSING');
  });
});
