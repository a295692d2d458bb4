/**
 * GraphQL arguments to service inputs: GraphQL spells "absent" as null or undefined, the
 * services as an absent property (exactOptionalPropertyTypes), so nulls are dropped once here.
 */

/** T with every nullable property made optional and non-null, recursively. */
export type Clean<T> = T extends readonly (infer U)[]
  ? Clean<U>[]
  : T extends Date
    ? T
    : T extends Record<string, unknown>
      ? { [K in keyof T as null extends T[K] ? never : K]: Clean<T[K]> } & {
          [K in keyof T as null extends T[K] ? K : never]?: Clean<Exclude<T[K], null | undefined>>;
        }
      : T;

/** Drops null and undefined properties of plain objects, recursively (arrays and Dates kept). */
export function clean<T>(value: T): Clean<T> {
  return dropNulls(value) as Clean<T>;
}

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v !== 'object' || v === null || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
  return out;
}
