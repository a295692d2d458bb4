import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterCredentials, type ClusterCredentials } from '../../sim/tls.js';

const run = promisify(execFile);

/** GET path over TLS trusting only `ca`; resolves with status and body or rejects on TLS failure. */
function get(
  port: number,
  ca: string,
  path: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('createClusterCredentials', () => {
  let a: ClusterCredentials;
  let b: ClusterCredentials;
  let server: Server;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([createClusterCredentials('alpha'), createClusterCredentials('beta')]);
    dir = await mkdtemp(join(tmpdir(), 'sim-tls-'));
    server = createServer({ cert: a.serverCertPem, key: a.serverKeyPem }, (req, res) => {
      if (req.headers.authorization !== `Bearer ${a.token}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.4+k3s1', platform: 'linux/arm64' }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a CA and a server certificate with the standard API server names and usages', () => {
    const ca = new X509Certificate(a.caCertPem);
    const cert = new X509Certificate(a.serverCertPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=alpha-ca');
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe('CN=kube-apiserver');
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    for (const san of [
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
    ]) {
      expect(cert.subjectAltName?.split(', ')).toContain(san);
    }
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // Back-dated so a slightly skewed client clock still accepts it.
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now() - 60_000);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600_000);
  });

  it('adds extra hosts as DNS or IP SANs', async () => {
    const c = await createClusterCredentials('gamma', { hosts: ['10.0.0.7', 'fd00::7', 'api.example'] });
    const sans = new X509Certificate(c.serverCertPem).subjectAltName?.split(', ') ?? [];
    expect(sans).toEqual(
      expect.arrayContaining(['DNS:api.example', 'IP Address:10.0.0.7', 'IP Address:FD00:0:0:0:0:0:0:7']),
    );
  });

  it('issues distinct random tokens and distinct CAs per cluster', () => {
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.caCertPem).not.toBe(b.caCertPem);
  });

  it('is accepted by the Node TLS client with the cluster CA', async () => {
    const res = await get(port, a.caCertPem, '/version', a.token);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ gitVersion: 'v1.31.4+k3s1' });
  });

  it("is rejected by the Node TLS client trusting another cluster's CA", async () => {
    await expect(get(port, b.caCertPem, '/version', a.token)).rejects.toThrow(/certificate/i);
  });

  it('is accepted by Go TLS (kubectl) and rejected with the wrong CA', async () => {
    const caA = join(dir, 'a.crt');
    const caB = join(dir, 'b.crt');
    const empty = join(dir, 'empty-kubeconfig');
    await Promise.all([writeFile(caA, a.caCertPem), writeFile(caB, b.caCertPem), writeFile(empty, '')]);
    const args = (ca: string): string[] => [
      '--kubeconfig',
      empty,
      '--server',
      `https://127.0.0.1:${port}`,
      '--certificate-authority',
      ca,
      '--token',
      a.token,
      'get',
      '--raw',
      '/version',
    ];
    const ok = await run('kubectl', args(caA), { timeout: 20_000 });
    expect(JSON.parse(ok.stdout)).toMatchObject({ gitVersion: 'v1.31.4+k3s1' });
    await expect(run('kubectl', args(caB), { timeout: 20_000 })).rejects.toThrow(/x509|certificate/i);
  });

  it('mints 1,000 credential sets quickly', async () => {
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: 1000 }, (_, i) => createClusterCredentials(`c${i}`)));
    const ms = performance.now() - t0;
    console.log(`1,000 credential sets: ${ms.toFixed(0)} ms`);
    expect(new Set(all.map((c) => c.token)).size).toBe(1000);
    // Measured ~0.6 s on 2 cores; the bound leaves room for a loaded CI machine.
    expect(ms).toBeLessThan(5000);
  });
});
