/**
 * API tokens. Callers present `Authorization: Bearer <token>` on HTTP or
 * `{ authorization: "Bearer <token>" }` (or `{ token }`) as graphql-ws connectionParams.
 * Tokens come from FLEETGRAPH_TOKEN (actor name "token") and/or a tokens file
 * (YAML map of actor name to token). With no token configured, only loopback callers are
 * served, as actor "local"; the server refuses to listen elsewhere without tokens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { unauthenticated, validationFailed } from '../errors.js';

/** Actor of unauthenticated loopback callers. */
export const LOCAL_ACTOR = 'local';
/** Shortest token accepted. */
const MIN_TOKEN_LENGTH = 16;

/** Who a token belongs to. */
interface TokenEntry {
  actor: string;
  digest: Buffer;
}

/** Checks presented tokens; constant time per configured token. */
export class TokenAuth {
  private readonly entries: TokenEntry[];

  constructor(tokens: ReadonlyMap<string, string>) {
    this.entries = [...tokens].map(([actor, token]) => ({ actor, digest: digest(token) }));
  }

  /** True when at least one token is configured (then every caller must present one). */
  get required(): boolean {
    return this.entries.length > 0;
  }

  /** The actor of a presented credential (`Bearer x` or a bare token); UNAUTHENTICATED when it matches none. */
  authenticate(presented: string | undefined): string {
    if (!this.required) return LOCAL_ACTOR;
    if (presented === undefined || presented.trim() === '') {
      throw unauthenticated(
        'an API token is required: send "Authorization: Bearer <token>" (HTTP) or connectionParams { authorization: "Bearer <token>" } (WebSocket)',
      );
    }
    const token = presented.replace(/^Bearer\s+/i, '').trim();
    const d = digest(token);
    let actor: string | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d) && actor === undefined) actor = e.actor;
    if (actor === undefined) throw unauthenticated('the API token is not valid');
    return actor;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Reads tokens from FLEETGRAPH_TOKEN and an optional tokens file (YAML `name: token`, mode 0600). */
export async function loadTokens(options: {
  token?: string;
  tokensFile?: string;
}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (options.token !== undefined && options.token !== '')
    out.set('token', checkToken(options.token, 'FLEETGRAPH_TOKEN'));
  if (options.tokensFile !== undefined) {
    const path = options.tokensFile;
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) throw validationFailed(`tokens file ${path} does not exist or is not a file`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw validationFailed(
        `tokens file ${path} is readable by group or others; expected mode 0600 (chmod 600 ${path})`,
      );
    }
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(path, 'utf8'));
    } catch (e) {
      throw validationFailed(
        `tokens file ${path} is not valid YAML: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw validationFailed(
        `tokens file ${path} must be a YAML map of actor name to token, e.g. "ci: <token>"`,
      );
    }
    for (const [actor, token] of Object.entries(doc)) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,62}$/.test(actor)) {
        throw validationFailed(
          `tokens file ${path}: actor name ${JSON.stringify(actor)} is invalid; expected letters, digits, '.', '_', '@', '-'`,
        );
      }
      if (typeof token !== 'string')
        throw validationFailed(`tokens file ${path}: the token of ${actor} must be a string`);
      out.set(actor, checkToken(token, `tokens file ${path} (${actor})`));
    }
  }
  return out;
}

function checkToken(token: string, where: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw validationFailed(
      `${where}: tokens must be at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  return token;
}
