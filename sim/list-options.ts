import { badRequest, expired, timeout } from './errors.js';
import type { KubeObject } from './k8s-types.js';
import type { ResourceType } from './resource-types.js';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelector,
  type LabelSelector,
} from './selectors.js';
import { RevisionCompactedError, type ObjectStore } from './store.js';

/** Parsed list/watch query parameters. */
export interface ListOptions {
  namespace: string | undefined;
  labelSelector: LabelSelector | undefined;
  fieldSelector: FieldSelector | undefined;
  limit: number | undefined;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  resourceVersionMatch: 'NotOlderThan' | 'Exact' | undefined;
  /** watch only */
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
}

/** A page of a list, with the metadata the List object carries. */
export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continueToken: string | undefined;
  remainingItemCount: number | undefined;
}

/** Parses list and watch query parameters for a type, with the apiserver's validation. */
export function parseListOptions(
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): ListOptions {
  const limitRaw = query.get('limit');
  let limit: number | undefined;
  if (limitRaw !== null && limitRaw !== '') {
    limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 0)
      throw badRequest(`invalid limit: ${JSON.stringify(limitRaw)}: must be a non-negative integer`);
    if (limit === 0) limit = undefined;
  }
  const rvm = query.get('resourceVersionMatch') ?? '';
  if (rvm !== '' && rvm !== 'NotOlderThan' && rvm !== 'Exact')
    throw badRequest(
      `resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`,
    );
  const rv = query.get('resourceVersion') ?? undefined;
  const sieRaw = query.get('sendInitialEvents');
  if (sieRaw !== null && rvm !== 'NotOlderThan')
    throw badRequest(
      'sendInitialEvents: Forbidden: sendInitialEvents is forbidden unless resourceVersionMatch is "NotOlderThan"',
    );
  // A watch-list (sendInitialEvents) may ask NotOlderThan the latest by leaving resourceVersion empty.
  if (rvm !== '' && (rv === undefined || rv === '') && sieRaw === null)
    throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  const timeoutRaw = query.get('timeoutSeconds');
  const sie = query.get('sendInitialEvents');
  const cont = query.get('continue') ?? undefined;
  if (cont && rv !== undefined && rv !== '')
    throw badRequest('specifying resource version is not allowed when using continue');
  const ls = query.get('labelSelector');
  const fs = query.get('fieldSelector');
  return {
    namespace,
    labelSelector: ls ? parseLabelSelector(ls) : undefined,
    fieldSelector: fs ? parseFieldSelector(fs, type) : undefined,
    limit,
    continueToken: cont || undefined,
    resourceVersion: rv,
    resourceVersionMatch: rvm === '' ? undefined : rvm,
    allowWatchBookmarks: isTrue(query.get('allowWatchBookmarks')),
    sendInitialEvents: sie === null ? undefined : isTrue(sie),
    timeoutSeconds: timeoutRaw !== null && timeoutRaw !== '' ? Number(timeoutRaw) : undefined,
  };
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** True when obj passes the label and field selectors. */
export function matchesListOptions(
  obj: KubeObject,
  opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
): boolean {
  if (opts.labelSelector && !matchesLabels(opts.labelSelector, obj.metadata.labels)) return false;
  if (opts.fieldSelector && !matchesFields(opts.fieldSelector, obj)) return false;
  return true;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof t === 'object' && t !== null && 'rv' in t && 'start' in t) {
      const { rv, start } = t as { rv: unknown; start: unknown };
      if (typeof rv === 'number' && typeof start === 'string') return { v: 'meta.k8s.io/v1', rv, start };
    }
  } catch {
    // fall through to the error below: a token that is not ours is a client error
  }
  throw badRequest(`continue key is not valid: ${token}`);
}

/** Parses a resourceVersion query value (must be a non-negative integer, like etcd revisions). */
export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

/**
 * Lists with Kubernetes' resourceVersion and paging semantics: a continue token pins the
 * revision of the first page so every page comes from one consistent snapshot.
 */
export function listPage(store: ObjectStore, key: string, opts: ListOptions): ListPage {
  let atRv = store.currentRevision;
  let startAfter = '';
  if (opts.continueToken) {
    const tok = decodeContinue(opts.continueToken);
    atRv = tok.rv;
    startAfter = tok.start;
  } else if (
    opts.resourceVersion !== undefined &&
    opts.resourceVersion !== '' &&
    opts.resourceVersion !== '0'
  ) {
    const rv = parseResourceVersion(opts.resourceVersion);
    if (opts.resourceVersionMatch === 'Exact') atRv = rv;
    else if (rv > store.currentRevision)
      throw timeout(`Too large resource version: ${rv}, current: ${store.currentRevision}`, [
        { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
      ]);
  }
  let all: KubeObject[];
  try {
    all = store.listAt(key, atRv, opts.namespace);
  } catch (e) {
    if (e instanceof RevisionCompactedError) {
      if (opts.continueToken)
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      throw expired(`The resourceVersion for the provided list is too old.`);
    }
    throw e;
  }
  const items: KubeObject[] = [];
  let i = 0;
  if (startAfter) {
    while (i < all.length && sortKey(all[i]) <= startAfter) i++;
  }
  const limit = opts.limit;
  for (; i < all.length; i++) {
    const obj = all[i];
    if (!obj || !matchesListOptions(obj, opts)) continue;
    if (limit !== undefined && items.length >= limit) break;
    items.push(obj);
  }
  let continueToken: string | undefined;
  let remainingItemCount: number | undefined;
  if (limit !== undefined && i < all.length) {
    const last = items[items.length - 1];
    if (last) {
      continueToken = encodeContinue(atRv, sortKey(last));
      // Kubernetes only reports a remaining count when no selector forces a filter pass.
      if (!opts.labelSelector && !opts.fieldSelector) remainingItemCount = all.length - i;
    }
  }
  return { items, resourceVersion: String(atRv), continueToken, remainingItemCount };
}

function sortKey(obj: KubeObject | undefined): string {
  if (!obj) return '';
  return `${obj.metadata.namespace ?? ''}\u0000${obj.metadata.name ?? ''}`;
}
