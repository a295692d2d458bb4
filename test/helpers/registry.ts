/**
 * A real OCI registry for tests: Debian's docker-registry (the CNCF distribution registry)
 * on a free loopback port with a temp storage dir, and a small pusher for the images tests
 * need (single-platform images and multi-platform image indexes), over the registry API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './gateway-process.js';

/** A running registry. */
export interface TestRegistry {
  /** host:port, as image references name it. */
  host: string;
  /** Pushes an image of one platform (os/arch[/variant]) under repository:tag; returns its manifest digest. */
  pushImage(repository: string, tag: string, platform: string): Promise<string>;
  /** Pushes one image per platform and an OCI image index over them under repository:tag. */
  pushIndex(repository: string, tag: string, platforms: string[]): Promise<void>;
  stop(): Promise<void>;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

function digestOf(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Starts docker-registry; fails clearly when it is not installed (CI installs it: .ci/run). */
export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) =>
      reject(
        new Error(
          `cannot start docker-registry (${e.message}); install Debian's docker-registry package (.ci/run does)`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`docker-registry exited (${code}): ${stderr.slice(-400)}`)),
    );
  });
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`http://${host}/v2/`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`docker-registry did not answer on ${host}: ${stderr.slice(-400)}`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);

  const pushBlob = async (repository: string, body: Buffer): Promise<string> => {
    const digest = digestOf(body);
    const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw new Error(`blob upload start: ${start.status}`);
    const url = new URL(location, `http://${host}`);
    url.searchParams.set('digest', digest);
    const put = await fetch(url, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return digest;
  };
  const pushManifest = async (repository: string, reference: string, type: string, body: Buffer) => {
    const res = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      body,
      headers: { 'content-type': type },
    });
    if (res.status !== 201) throw new Error(`manifest push: ${res.status} ${await res.text()}`);
  };
  const manifestFor = async (repository: string, platform: string): Promise<Buffer> => {
    const [os, architecture, variant] = platform.split('/');
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os,
        ...(variant ? { variant } : {}),
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    );
    const layer = randomBytes(64);
    const configDigest = await pushBlob(repository, config);
    const layerDigest = await pushBlob(repository, layer);
    return Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: layerDigest,
            size: layer.length,
          },
        ],
      }),
    );
  };

  return {
    host,
    async pushImage(repository, tag, platform) {
      const manifest = await manifestFor(repository, platform);
      await pushManifest(repository, tag, OCI_MANIFEST, manifest);
      return digestOf(manifest);
    },
    async pushIndex(repository, tag, platforms) {
      const entries = [];
      for (const p of platforms) {
        const manifest = await manifestFor(repository, p);
        const digest = digestOf(manifest);
        await pushManifest(repository, digest, OCI_MANIFEST, manifest);
        const [os, architecture, variant] = p.split('/');
        entries.push({
          mediaType: OCI_MANIFEST,
          digest,
          size: manifest.length,
          platform: { os, architecture, ...(variant ? { variant } : {}) },
        });
      }
      const index = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }),
      );
      await pushManifest(repository, tag, OCI_INDEX, index);
    },
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
