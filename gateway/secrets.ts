/**
 * Encryption of credential blobs at rest (AES-256-GCM). The key comes from
 * FLEETGRAPH_SECRET_KEY or from a key file the gateway generates once in its data dir; the
 * key file must be readable by its owner only.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { internal, validationFailed } from './errors.js';

/** Environment variable holding the key: 32 bytes as base64 or hex. */
export const SECRET_KEY_ENV = 'FLEETGRAPH_SECRET_KEY';
/** File name of the generated key inside the data dir. */
export const SECRET_KEY_FILE = 'secret.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** Encrypts and decrypts small blobs with one key; sealed values are printable strings. */
export interface SecretBox {
  /**
   * Seals plaintext as `v1:<iv>:<tag>:<ciphertext>` (base64 parts). `context` is bound as
   * associated data: decrypting with a different context fails, so a sealed value cannot be
   * moved to another row.
   */
  encrypt(plaintext: Buffer | string, context?: string): string;
  /** Opens a value sealed by encrypt with the same key and context; throws a FleetError otherwise. */
  decrypt(sealed: string, context?: string): Buffer;
  /** decrypt, as UTF-8 text. */
  decryptString(sealed: string, context?: string): string;
  /** Where the key came from, for start-up logs. */
  readonly keySource: 'env' | 'file' | 'given';
}

/** Options for {@link loadSecretBox}. */
export interface LoadSecretBoxOptions {
  /** Data dir that holds (or will hold) `secret.key`. */
  dataDir: string;
  /** Environment to read FLEETGRAPH_SECRET_KEY from. @default process.env */
  env?: Record<string, string | undefined>;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Parses a key given as 64 hex digits or base64 (standard or URL-safe) of 32 bytes; `source`
 * names where it came from in the error. The message never includes the key itself.
 */
export function parseSecretKey(text: string, source: string): Buffer {
  const t = text.trim();
  if (HEX_KEY.test(t)) return Buffer.from(t, 'hex');
  if (BASE64_KEY.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
    throw validationFailed(
      `${source} decodes (as base64) to ${key.length} bytes; expected a key of exactly ${KEY_BYTES} bytes, ` +
        `given as 64 hex digits or 44 base64 characters (e.g. the output of \`openssl rand -base64 32\`)`,
      { source, receivedBytes: key.length },
    );
  }
  throw validationFailed(
    `${source} is neither hex nor base64 (${t.length} characters received); expected a key of exactly ` +
      `${KEY_BYTES} bytes, given as 64 hex digits or 44 base64 characters (e.g. the output of \`openssl rand -base64 32\`)`,
    { source, receivedLength: t.length },
  );
}

/** A SecretBox over a 32-byte key. */
export function createSecretBox(key: Buffer, keySource: SecretBox['keySource'] = 'given'): SecretBox {
  if (key.length !== KEY_BYTES) {
    throw validationFailed(`secret key has ${key.length} bytes; expected exactly ${KEY_BYTES}`);
  }
  const k = Buffer.from(key);
  const decrypt = (sealed: string, context?: string): Buffer => {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== FORMAT) {
      const version = parts.length > 1 ? parts[0] : undefined;
      throw internal(
        version !== undefined && version !== FORMAT
          ? `cannot decrypt a sealed value of format ${JSON.stringify(version)}; this gateway reads format "${FORMAT}"`
          : `cannot decrypt: the value is not in the sealed format "${FORMAT}:<iv>:<tag>:<ciphertext>"`,
      );
    }
    const iv = Buffer.from(parts[1] ?? '', 'base64');
    const tag = Buffer.from(parts[2] ?? '', 'base64');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw internal(
        `cannot decrypt: sealed value has a ${iv.length}-byte IV and ${tag.length}-byte tag; expected ${IV_BYTES} and ${TAG_BYTES}`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', k, iv);
      decipher.setAuthTag(tag);
      if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (e) {
      throw internal(
        `cannot decrypt a sealed value: it was sealed with a different key (was ${SECRET_KEY_ENV} or ` +
          `${SECRET_KEY_FILE} in the data dir changed?), for another record, or modified since`,
        e,
      );
    }
  };
  return {
    keySource,
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
      const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
    },
    decrypt,
    decryptString(sealed, context) {
      return decrypt(sealed, context).toString('utf8');
    },
  };
}

/**
 * The gateway's SecretBox: the key from FLEETGRAPH_SECRET_KEY when set, else from
 * `<dataDir>/secret.key`, generated (mode 0600) on first use. Refuses a key file that the
 * group or others can read, and a malformed key from either source.
 */
export async function loadSecretBox(options: LoadSecretBoxOptions): Promise<SecretBox> {
  const env = options.env ?? process.env;
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return createSecretBox(parseSecretKey(fromEnv, SECRET_KEY_ENV), 'env');
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, SECRET_KEY_FILE);
  const created = await createKeyFile(path);
  if (created) return createSecretBox(created, 'file');
  return createSecretBox(await readKeyFile(path), 'file');
}

/** Writes a fresh key to path unless the file exists; returns the key, or undefined when it existed. */
async function createKeyFile(path: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw e;
  }
  try {
    const key = randomBytes(KEY_BYTES);
    // The umask may only remove bits, but be explicit in case the file system ignored the mode.
    await chmod(path, 0o600);
    await handle.writeFile(`${key.toString('base64')}\n`, 'utf8');
    await handle.sync();
    return key;
  } finally {
    await handle.close();
  }
}

async function readKeyFile(path: string): Promise<Buffer> {
  const st = await stat(path);
  if (!st.isFile()) {
    throw validationFailed(`key file ${path} is not a regular file; expected a file holding a 32-byte key`, {
      path,
    });
  }
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw validationFailed(
      `key file ${path} has mode ${mode}, readable or writable by group or others; expected 0600 ` +
        `(fix with \`chmod 600 ${path}\`, or set ${SECRET_KEY_ENV})`,
      { path, mode },
    );
  }
  return parseSecretKey(await readFile(path, 'utf8'), `key file ${path}`);
}
