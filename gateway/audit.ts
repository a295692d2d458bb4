/**
 * The audit trail: one entry per mutation with who, what, on which target, the input with
 * secrets redacted, and the outcome. Secrets never reach the audit log: {@link redact} runs
 * on every input before it is stored.
 */
import { toFleetError } from './errors.js';
import type { AuditEntry, AuditOutcome, FleetStore, JsonValue } from './store/types.js';

/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are secrets, compared lowercased without '-' and '_', so `client-key-data`,
 * `clientKeyData` and `client_key_data` all match. `yaml` is a whole kubeconfig.
 */
const SECRET_KEYS = new Set([
  'token',
  'bearertoken',
  'password',
  'clientkeydata',
  'keydata',
  'idtoken',
  'refreshtoken',
  'accesstoken',
  'clientsecret',
  'secret',
  'authorization',
  'credentialsencrypted',
  'yaml',
]);
/**
 * Keys whose object or list value holds only secrets (except `name`s): exec env, auth-provider
 * config. A plain string under such a key (a label `env: prod`) is not one.
 */
const ALL_VALUES_SECRET_KEYS = new Set(['env', 'config']);

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/**
 * A JSON copy of value with secrets replaced by `[REDACTED]`: tokens, passwords, private keys,
 * kubeconfig text, exec env values and auth-provider config values. Dates become ISO strings,
 * Buffers their length, undefined fields are dropped.
 */
export function redact(value: unknown): JsonValue {
  return redactValue(value, false, new Set());
}

function redactValue(value: unknown, allSecret: boolean, seen: Set<object>): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return allSecret ? REDACTED : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return `[${typeof value}]`;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactValue(v, allSecret, seen));
    const out: Record<string, JsonValue> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const k = normalizeKey(key);
      if (SECRET_KEYS.has(k)) out[key] = REDACTED;
      else if (allSecret && k === 'name') out[key] = redactValue(v, false, seen);
      else {
        const container = typeof v === 'object' && v !== null && ALL_VALUES_SECRET_KEYS.has(k);
        out[key] = redactValue(v, allSecret || container, seen);
      }
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** One mutation to audit. */
export interface AuditRecord {
  /** Who did it (user or service account name; `system` for the gateway itself). */
  actor: string;
  /** What was done, e.g. `cluster.register`. */
  action: string;
  /** What it was done to, e.g. `{ type: 'cluster', name: 'dc-1' }`. */
  target: unknown;
  /** The request input; redacted before storing. */
  input: unknown;
  outcome: AuditOutcome;
  /** The failure, for outcome `failure`: its code and message are stored (INTERNAL text is not). */
  error?: unknown;
}

/** Appends an audit entry with the input redacted and the error reduced to code and message. */
export async function recordAudit(store: FleetStore, record: AuditRecord): Promise<AuditEntry> {
  const error = record.error === undefined ? undefined : toFleetError(record.error);
  return store.appendAudit({
    actor: record.actor,
    action: record.action,
    target: redact(record.target),
    input: redact(record.input),
    outcome: record.outcome,
    ...(error !== undefined ? { errorCode: error.code, errorMessage: error.message } : {}),
  });
}

/**
 * Runs a mutation and records its audit entry: success with the input, or failure with the
 * error's code and message (a failure to audit a failure is not allowed to hide the error).
 */
export async function auditedMutation<T>(
  store: FleetStore,
  entry: Pick<AuditRecord, 'actor' | 'action' | 'target' | 'input'>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    const out = await fn();
    await recordAudit(store, { ...entry, outcome: 'success' });
    return out;
  } catch (e) {
    await recordAudit(store, { ...entry, outcome: 'failure', error: e }).catch(() => undefined);
    throw e;
  }
}
