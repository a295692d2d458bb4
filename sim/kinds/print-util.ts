/**
 * Helpers shared by the server-side printers: Kubernetes' HumanDuration, timestamp ages and
 * TableColumnDefinition construction with the descriptions kube-apiserver sends.
 */
import type { Json, JsonObject, KubeObject } from '../k8s-types.js';

/** meta.k8s.io/v1 TableColumnDefinition. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** One printed row: cells in column order, plus TableRowConditions for finished pods. */
export interface PrintedRow {
  cells: Json[];
  conditions?: JsonObject[];
}

/** A kind's printer: its columns and how to print one object (always including wide cells). */
export interface Printer {
  columns: ColumnDefinition[];
  row(o: KubeObject, now: Date): PrintedRow;
}

/** A column definition; priority 1 columns are shown by `-o wide` only. */
export function col(
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): ColumnDefinition {
  return { name, type, format, description, priority };
}

/** metav1.ObjectMeta{}.SwaggerDoc()["name"]. */
export const NAME_DESC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]. */
export const AGE_DESC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The Name column every printer starts with. */
export const NAME_COLUMN = col('Name', 'string', NAME_DESC, 0, 'name');
/** The Age column. */
export const AGE_COLUMN = col('Age', 'string', AGE_DESC);

/** Containers/Images wide columns shared by workload printers. */
export const CONTAINERS_COLUMN = col('Containers', 'string', 'Names of each container in the template.', 1);
/** See {@link CONTAINERS_COLUMN}. */
export const IMAGES_COLUMN = col(
  'Images',
  'string',
  'Images referenced by each container in the template.',
  1,
);

/**
 * k8s.io/apimachinery/pkg/util/duration.HumanDuration: ~2-3 significant figures,
 * e.g. 45s, 119s, 2m, 5m30s, 3h, 2d4h, 400d, 3y20d.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Milliseconds since the epoch for an RFC 3339 timestamp; undefined when absent, zero or invalid. */
export function parseTime(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '' || ts.startsWith('0001-01-01')) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** translateTimestampSince: HumanDuration of now - ts, "<unknown>" for a zero timestamp. */
export function ago(ts: unknown, now: Date): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** RFC 3339 in UTC at second precision, as metav1.Time marshals. */
export function rfc3339(ts: unknown): string {
  const t = parseTime(ts);
  return t === undefined ? '' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** labels.FormatLabels: sorted k=v pairs, "<none>" when empty. */
export function formatLabels(m: Record<string, string>): string {
  const s = Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k] ?? ''}`)
    .join(',');
  return s || '<none>';
}
