/**
 * Per-cluster credentials for simulated API servers: a private CA, a server certificate it
 * signs, and a bearer token.
 *
 * Certificates are DER-encoded here rather than with @peculiar/x509: that library spends
 * ~6 ms per credential set in its generic ASN.1 schema code (about 6 s for 1,000 clusters,
 * the whole start-up budget) and needs a global Reflect polyfill, whereas the two fixed
 * certificate shapes below encode in microseconds and sign with node:crypto. The encoding
 * is strict DER with the extensions kubeadm/k3s certificates carry, so Go's crypto/x509
 * (kubectl) and OpenSSL (node:tls) both verify it.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

/** Credentials one simulated cluster serves with and hands to its clients. */
export interface ClusterCredentials {
  /** PEM of the cluster's self-signed CA; clients pin it as certificate-authority-data. */
  caCertPem: string;
  /** PEM of the serving certificate (CN kube-apiserver) signed by the CA. */
  serverCertPem: string;
  /** PKCS#8 PEM of the serving certificate's private key (ECDSA P-256). */
  serverKeyPem: string;
  /** Bearer token the cluster accepts. */
  token: string;
}

/** Options for {@link createClusterCredentials}. */
export interface ClusterCredentialsOptions {
  /** SANs (IP literals or DNS names) added to the standard ones; default 127.0.0.1, localhost. */
  hosts?: string[];
}

/** Back-dating absorbs clock skew between this process and a client on another host or VM. */
const BACKDATE_MS = 5 * 60 * 1000;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** The in-cluster names a real kube-apiserver certificate always carries. */
const STANDARD_DNS = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
const STANDARD_IPS = ['127.0.0.1', '::1'];

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** RFC 5280 KeyUsage bit numbers. */
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/** Mint a fresh CA, server certificate and bearer token for one simulated cluster. */
export async function createClusterCredentials(
  clusterName: string,
  opts: ClusterCredentialsOptions = {},
): Promise<ClusterCredentials> {
  const hosts = opts.hosts ?? ['127.0.0.1', 'localhost'];
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const serverSpki = server.publicKey.export({ type: 'spki', format: 'der' });
  const caKeyId = keyIdentifier(caSpki);
  const caName = name(`${clusterName}-ca`);

  const caCert = signCertificate(ca.privateKey, {
    issuer: caName,
    subject: caName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * YEAR_MS),
    spki: caSpki,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      extension(OID.keyUsage, true, keyUsage([KU.digitalSignature, KU.keyCertSign, KU.cRLSign])),
      extension(OID.subjectKeyId, false, octets(caKeyId)),
    ],
  });
  const serverCert = signCertificate(ca.privateKey, {
    issuer: caName,
    subject: name('kube-apiserver'),
    notBefore,
    notAfter: new Date(notBefore.getTime() + YEAR_MS),
    spki: serverSpki,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, keyUsage([KU.digitalSignature, KU.keyEncipherment])),
      extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, subjectAltNames(hosts)),
      extension(OID.subjectKeyId, false, octets(keyIdentifier(serverSpki))),
      extension(OID.authorityKeyId, false, seq(tlv(0x80, caKeyId))),
    ],
  });

  return {
    caCertPem: toPem(caCert, 'CERTIFICATE'),
    serverCertPem: toPem(serverCert, 'CERTIFICATE'),
    serverKeyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    token: randomToken(),
  };
}

/** A random bearer token: 256 bits, base64url, the shape kubeconfig tokens usually have. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

interface CertificateFields {
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Buffer[];
}

function signCertificate(signer: KeyObject, f: CertificateFields): Buffer {
  const sigAlg = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(randomSerial()),
    sigAlg,
    f.issuer,
    seq(time(f.notBefore), time(f.notAfter)),
    f.subject,
    f.spki,
    tlv(0xa3, seq(...f.extensions)),
  );
  // node:crypto emits the DER ECDSA-Sig-Value that X.509 signatures carry.
  const signature = sign('sha256', tbs, signer);
  return seq(tbs, sigAlg, bitString(signature));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  // A P-256 SPKI ends with the 65-byte uncompressed point, which is the BIT STRING payload.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

function subjectAltNames(hosts: string[]): Buffer {
  const dns = new Set(STANDARD_DNS);
  const ips = new Set(STANDARD_IPS);
  for (const raw of hosts) {
    const h = raw.replace(/^\[(.*)\]$/, '$1');
    if (isIP(h) !== 0) ips.add(h);
    else if (h !== '') dns.add(h.toLowerCase());
  }
  return seq(
    ...[...dns].map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
    ...[...ips].map((ip) => tlv(0x87, ipBytes(ip))),
  );
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const head = v4 ? ip.slice(0, ip.length - (v4[1]?.length ?? 0)) + '0:0' : ip;
  const [left = '', right] = head.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  if (v4?.[1]) Buffer.from(v4[1].split('.').map(Number)).copy(out, 12);
  return out;
}

/** Positive, minimally encoded: a set second-highest bit rules out a leading zero octet. */
function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x40;
  return b;
}

function name(commonName: string): Buffer {
  return seq(tlv(0x31, seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // DER forbids encoding the default (critical FALSE), and Go's parser is strict about it.
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyUsage(bits: number[]): Buffer {
  // Every usage we set is in the first octet (bits 0-7); DER drops trailing zero bits.
  const byte = bits.reduce((m, b) => m | (0x80 >> b), 0);
  let unused = 0;
  while (unused < 7 && ((byte >> unused) & 1) === 0) unused++;
  return tlv(0x03, Buffer.from([unused, byte]));
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(magnitude: Buffer): Buffer {
  return tlv(0x02, (magnitude[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude);
}

function bool(v: boolean): Buffer {
  return tlv(0x01, Buffer.from([v ? 0xff : 0]));
}

function octets(v: Buffer): Buffer {
  return tlv(0x04, v);
}

function bitString(v: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), v]));
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function tlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  let len: number[];
  if (n < 0x80) len = [n];
  else if (n < 0x100) len = [0x81, n];
  else len = [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), value]);
}

function toPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
