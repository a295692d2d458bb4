/**
 * Relay-style pages over fleet lists: a total, stable order (ties broken by cluster,
 * namespace, name) and opaque keyset cursors, so paging stays stable while objects come and
 * go: a cursor names a position in the order, not an offset.
 */
import { limitExceeded, validationFailed } from '../errors.js';

/** Sort field of a list. */
export type OrderField = 'CLUSTER' | 'NAME' | 'SITE' | 'CREATED_AT';
/** Sort direction. */
export type OrderDirection = 'ASC' | 'DESC';

/** How a list is sorted. */
export interface OrderBy {
  field: OrderField;
  direction: OrderDirection;
}

/** The fields sort keys are made of. */
export interface SortFields {
  cluster: string;
  site: string;
  namespace: string;
  name: string;
  createdAt: string | null;
}

/** What a caller asks of a page. */
export interface PageRequest {
  first?: number | null | undefined;
  after?: string | null | undefined;
  orderBy?: Partial<OrderBy> | null | undefined;
}

/** One page. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** Page size limits. */
export const PAGE_LIMITS = {
  /** @default 100 */
  defaultSize: 100,
  /** Largest `first` accepted. */
  maxSize: 1000,
} as const;

const DEFAULT_ORDER: OrderBy = { field: 'CLUSTER', direction: 'ASC' };

/** Validates `first`, returning the page size. */
export function pageSize(first: number | null | undefined, max: number = PAGE_LIMITS.maxSize): number {
  if (first === undefined || first === null) return PAGE_LIMITS.defaultSize;
  if (!Number.isInteger(first) || first < 0) {
    throw validationFailed(`first is ${first}; expected an integer from 0 to ${max}`, { field: 'first' });
  }
  if (first > max) {
    throw limitExceeded(
      `first is ${first}; pages hold at most ${max} items, follow pageInfo.endCursor for more`,
      {
        field: 'first',
        max,
      },
    );
  }
  return first;
}

/**
 * One page of `items`, sorted as asked. `list` names the list so a cursor of another list
 * (or another order) is refused rather than misread. Items of a CLUSTER ASC order may come
 * presorted (`presorted`), sparing the sort.
 */
export function paginate<T>(
  list: string,
  items: readonly T[],
  fields: (item: T) => SortFields,
  req: PageRequest,
  presorted = false,
): Page<T> {
  const order: OrderBy = { ...DEFAULT_ORDER, ...stripNullish(req.orderBy ?? {}) };
  const size = pageSize(req.first);
  const keyed = items.map((item) => ({ item, key: sortKey(fields(item), order.field) }));
  const sign = order.direction === 'ASC' ? 1 : -1;
  if (!(presorted && order.field === 'CLUSTER' && order.direction === 'ASC')) {
    keyed.sort((a, b) => sign * compareKeys(a.key, b.key));
  }
  let start = 0;
  if (req.after !== undefined && req.after !== null) {
    const after = decodeCursor(req.after, list, order);
    start = firstAfter(keyed, after, sign);
  }
  const slice = keyed.slice(start, start + size);
  const edges = slice.map(({ item, key }) => ({ cursor: encodeCursor(list, order, key), node: item }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + size < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: keyed.length,
  };
}

function sortKey(f: SortFields, field: OrderField): string[] {
  switch (field) {
    case 'CLUSTER':
      return [f.cluster, f.namespace, f.name];
    case 'NAME':
      return [f.name, f.namespace, f.cluster];
    case 'SITE':
      return [f.site, f.cluster, f.namespace, f.name];
    case 'CREATED_AT':
      return [f.createdAt ?? '', f.cluster, f.namespace, f.name];
  }
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Index of the first item strictly after `key` in the (signed) order; binary search. */
function firstAfter(keyed: readonly { key: string[] }[], key: string[], sign: number): number {
  let lo = 0;
  let hi = keyed.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyed[mid]?.key ?? [];
    if (sign * compareKeys(k, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface CursorBody {
  l: string;
  o: string;
  k: string[];
}

function encodeCursor(list: string, order: OrderBy, key: string[]): string {
  const body: CursorBody = { l: list, o: `${order.field}:${order.direction}`, k: key };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(cursor: string, list: string, order: OrderBy): string[] {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    body = undefined;
  }
  const b = body as Partial<CursorBody> | undefined;
  const valid =
    typeof b === 'object' &&
    b !== null &&
    typeof b.l === 'string' &&
    typeof b.o === 'string' &&
    Array.isArray(b.k) &&
    b.k.every((x) => typeof x === 'string');
  if (!valid) {
    throw validationFailed(
      `after ${JSON.stringify(cursor)} is not a cursor; pass a pageInfo.endCursor or edges[].cursor value`,
      {
        field: 'after',
      },
    );
  }
  const expectedOrder = `${order.field}:${order.direction}`;
  if (b.l !== list || b.o !== expectedOrder) {
    throw validationFailed(
      `after is a cursor of ${b.l} ordered by ${b.o}, but this is ${list} ordered by ${expectedOrder}; pass a cursor from the same list and order`,
      { field: 'after' },
    );
  }
  return b.k as string[];
}

function stripNullish<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
