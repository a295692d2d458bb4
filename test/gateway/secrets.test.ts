import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../gateway/errors.js';
import { createSecretBox, loadSecretBox, parseSecretKey, SECRET_KEY_ENV } from '../../gateway/secrets.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function caught(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetError) return e;
    throw e;
  }
  throw new Error('expected a FleetError, but nothing was thrown');
}

describe('secret box', () => {
  it('round-trips text and bytes, and seals the same plaintext differently each time', () => {
    const box = createSecretBox(randomBytes(32));
    const a = box.encrypt('token-abc');
    const b = box.encrypt('token-abc');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('token-abc');
    expect(box.decryptString(a)).toBe('token-abc');
    const bytes = randomBytes(100);
    expect(box.decrypt(box.encrypt(bytes)).equals(bytes)).toBe(true);
  });

  it('refuses to decrypt with a different key and does not reveal the plaintext', () => {
    const sealed = createSecretBox(randomBytes(32)).encrypt('very-secret-token');
    const err = caught(() => createSecretBox(randomBytes(32)).decrypt(sealed));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/different key/);
    expect(err.message).not.toContain('very-secret-token');
  });

  it('refuses to open a value sealed for another context', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.encrypt('x', 'cluster/a');
    expect(box.decryptString(sealed, 'cluster/a')).toBe('x');
    expect(() => box.decrypt(sealed, 'cluster/b')).toThrow(/for another record/);
  });

  it('names an unknown sealed format instead of failing obscurely', () => {
    const box = createSecretBox(randomBytes(32));
    expect(() => box.decrypt('v9:a:b:c')).toThrow(/format "v9"/);
    expect(() => box.decrypt('plain text')).toThrow(/not in the sealed format/);
  });
});

describe('secret key', () => {
  it('accepts a key as hex or base64 and both decrypt the same values', () => {
    const key = randomBytes(32);
    const fromHex = createSecretBox(parseSecretKey(key.toString('hex'), 'test'));
    const fromB64 = createSecretBox(parseSecretKey(key.toString('base64'), 'test'));
    expect(fromB64.decryptString(fromHex.encrypt('same'))).toBe('same');
  });

  it('rejects a key of the wrong length from the environment with a message naming the variable', async () => {
    const env = { [SECRET_KEY_ENV]: randomBytes(16).toString('base64') };
    const err = await loadSecretBox({ dataDir: dir, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('VALIDATION_FAILED');
    expect((err as FleetError).message).toMatch(
      /FLEETGRAPH_SECRET_KEY decodes \(as base64\) to 16 bytes.*exactly 32 bytes/,
    );
  });

  it('rejects a key that is neither hex nor base64 without echoing it', async () => {
    const env = { [SECRET_KEY_ENV]: 'not a key!!' };
    const err = await loadSecretBox({ dataDir: dir, env }).catch((e: unknown) => e);
    expect((err as FleetError).message).toMatch(
      /FLEETGRAPH_SECRET_KEY is neither hex nor base64 \(11 characters received\)/,
    );
    expect((err as FleetError).message).not.toContain('not a key');
  });

  it('uses the key from the environment and writes no key file', async () => {
    const key = randomBytes(32);
    const box = await loadSecretBox({ dataDir: dir, env: { [SECRET_KEY_ENV]: key.toString('hex') } });
    expect(box.keySource).toBe('env');
    expect(createSecretBox(key).decryptString(box.encrypt('hello'))).toBe('hello');
    await expect(stat(join(dir, 'secret.key'))).rejects.toThrow(/ENOENT/);
  });

  it('generates a key file with mode 0600 and reuses it on the next start', async () => {
    const dataDir = join(dir, 'data');
    const first = await loadSecretBox({ dataDir, env: {} });
    expect(first.keySource).toBe('file');
    const st = await stat(join(dataDir, 'secret.key'));
    expect(st.mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(join(dataDir, 'secret.key'), 'utf8')).trim(), 'base64')).toHaveLength(
      32,
    );
    const second = await loadSecretBox({ dataDir, env: {} });
    expect(second.decryptString(first.encrypt('persisted'))).toBe('persisted');
  });

  it('refuses a key file that group or others can read, saying how to fix it', async () => {
    await loadSecretBox({ dataDir: dir, env: {} });
    await chmod(join(dir, 'secret.key'), 0o644);
    const err = await loadSecretBox({ dataDir: dir, env: {} }).catch((e: unknown) => e);
    expect((err as FleetError).code).toBe('VALIDATION_FAILED');
    expect((err as FleetError).message).toMatch(/has mode 0644.*expected 0600.*chmod 600/);
  });

  it('refuses a key file with malformed contents', async () => {
    await writeFile(join(dir, 'secret.key'), 'short\n', { mode: 0o600 });
    await expect(loadSecretBox({ dataDir: dir, env: {} })).rejects.toThrow(
      /key file .*secret\.key.*exactly 32 bytes/,
    );
  });
});
