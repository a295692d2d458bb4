/**
 * Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (what `kubectl get` renders).
 * Built-in kinds use ports of kube-apiserver's printers; custom resources use their CRD's
 * additionalPrinterColumns, evaluated like apiextensions-apiserver's tableconvertor.
 */
import { evalJsonPath } from './jsonpath.js';
import { isJsonObject, type Json, type JsonObject, type KubeObject } from './k8s-types.js';
import { DEFAULT_PRINTER, APPS_PRINTERS } from './kinds/printers-apps.js';
import { CORE_PRINTERS } from './kinds/printers-core.js';
import { podPrinter } from './kinds/printers-pod.js';
import {
  AGE_DESC,
  ago,
  col,
  NAME_COLUMN,
  parseTime,
  humanDuration,
  type ColumnDefinition,
  type Printer,
} from './kinds/print-util.js';
import type { ResourceType } from './resource-types.js';

export { humanDuration } from './kinds/print-util.js';
export type { ColumnDefinition } from './kinds/print-util.js';

/** A CRD version's additionalPrinterColumns entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string | undefined;
  priority?: number | undefined;
  format?: string | undefined;
}

/** Options for {@link toTable}. */
export interface TableOptions {
  /** TableOptions.includeObject; defaults to Metadata (PartialObjectMetadata per row). */
  includeObject?: 'None' | 'Metadata' | 'Object' | undefined;
  /** The server clock, for Age columns. */
  now: Date;
  /** The list's (or single object's) resourceVersion. */
  resourceVersion: string;
  continue?: string | undefined;
  remainingItemCount?: number | undefined;
  /** additionalPrinterColumns of the served CRD version (custom resources only). */
  customColumns?: PrinterColumn[] | undefined;
}

const BUILTIN_PRINTERS: Record<string, Printer> = { ...CORE_PRINTERS, '/Pod': podPrinter, ...APPS_PRINTERS };

/** Go's fmt.Print of a decoded JSON value, as jsonpath.PrintResults renders non-strings. */
function goPrint(v: Json): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (isJsonObject(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goPrint(v[k] ?? null)}`)
      .join(' ')}]`;
  return String(v);
}

/** tableconvertor.cellForJSONValue (and the string special case before it). */
function customCell(type: string, value: Json, now: Date): Json {
  switch (type) {
    case 'string':
      return goPrint(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = parseTime(value);
      if (t === undefined) return Number.isNaN(Date.parse(value)) ? '<invalid>' : '<unknown>';
      return humanDuration(now.getTime() - t);
    }
  }
  return null;
}

/** The printer for a custom resource: Name plus the CRD's columns, or Name and Age when it has none. */
function customPrinter(columns: PrinterColumn[] | undefined): Printer {
  const cols: PrinterColumn[] =
    columns && columns.length > 0
      ? columns
      : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: AGE_DESC }];
  return {
    columns: [
      NAME_COLUMN,
      ...cols.map((c) =>
        col(
          c.name,
          c.type,
          c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
          c.priority ?? 0,
          c.format ?? '',
        ),
      ),
    ],
    row(o, now) {
      const cells: Json[] = [o.metadata.name ?? ''];
      for (const c of cols) {
        let results: Json[];
        try {
          results = evalJsonPath(o, c.jsonPath);
        } catch {
          results = [];
        }
        const first = results[0];
        cells.push(first === undefined ? null : customCell(c.type, first, now));
      }
      return { cells };
    },
  };
}

function printerFor(type: ResourceType, customColumns: PrinterColumn[] | undefined): Printer {
  if (type.custom) return customPrinter(customColumns);
  return BUILTIN_PRINTERS[`${type.group}/${type.kind}`] ?? DEFAULT_PRINTER;
}

/** The columns a type prints (for discovery or tests). */
export function tableColumns(type: ResourceType, customColumns?: PrinterColumn[]): ColumnDefinition[] {
  return printerFor(type, customColumns).columns;
}

function rowObject(o: KubeObject, include: TableOptions['includeObject']): Json {
  if (include === 'None') return null;
  if (include === 'Object') return o as unknown as JsonObject;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata as unknown as JsonObject,
  };
}

/** Builds the meta.k8s.io/v1 Table for objects of a type, wide columns included as the server does. */
export function toTable(type: ResourceType, objects: KubeObject[], opts: TableOptions): JsonObject {
  const printer = printerFor(type, opts.customColumns);
  const metadata: JsonObject = { resourceVersion: opts.resourceVersion };
  if (opts.continue) metadata['continue'] = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata['remainingItemCount'] = opts.remainingItemCount;
  const rows: Json[] = objects.map((o) => {
    const printed = printer.row(o, opts.now);
    const row: JsonObject = { cells: printed.cells };
    if (printed.conditions) row['conditions'] = printed.conditions;
    row['object'] = rowObject(o, opts.includeObject);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

/** Age of an object as the Age column prints it. */
export function objectAge(o: KubeObject, now: Date): string {
  return ago(o.metadata.creationTimestamp, now);
}
