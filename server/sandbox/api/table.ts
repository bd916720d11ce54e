/**
 * meta.k8s.io Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): built-in kinds use
 * kube-apiserver's printers (table-builtin.ts); custom resources use the CRD's
 * additionalPrinterColumns (or the default Age column), formatted as the apiextensions server does.
 */
import type { ResourceDef } from './registry';
import { PRINTERS, since, type Cell, type ColumnDefinition } from './table-builtin';

type Obj = Record<string, unknown>;

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: Cell[];
  object?: Obj;
}

const AGE_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const NAME_COL: ColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 };

interface CrdColumn {
  def: ColumnDefinition;
  path: Array<string | number>;
}

const crdColumnCache = new WeakMap<ResourceDef, Map<string, CrdColumn[]>>();

function crdColumns(r: ResourceDef, version: string): CrdColumn[] {
  let byVersion = crdColumnCache.get(r);
  if (!byVersion) crdColumnCache.set(r, (byVersion = new Map()));
  let cols = byVersion.get(version);
  if (!cols) {
    const pcs = r.printerColumns?.(version) ?? [];
    const list = pcs.length ? pcs : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: AGE_DESCRIPTION }];
    cols = list.map((c) => ({
      def: { name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 },
      path: parseJsonPath(c.jsonPath),
    }));
    byVersion.set(version, cols);
  }
  return cols;
}

/** `.spec.gateways`, `.status.conditions[0].type`, `.metadata['a.b']` (the simple JSONPath CRDs allow). */
export function parseJsonPath(p: string): Array<string | number> {
  const out: Array<string | number> = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/g;
  for (const m of p.replace(/^\{|\}$/g, '').matchAll(re)) out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3])!);
  return out;
}

function at(o: unknown, path: Array<string | number>): unknown {
  let cur = o;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** cellForJSONValue / jsonpath printing, as the apiextensions table convertor formats cells. */
function crdCell(type: string, v: unknown, now: Date): Cell {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'date':
      return typeof v === 'string' ? since(v, now) : null;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    default:
      return null;
  }
}

export function columnsFor(r: ResourceDef, version: string): ColumnDefinition[] {
  if (r.custom) return [NAME_COL, ...crdColumns(r, version).map((c) => c.def)];
  return PRINTERS[r.kind]?.columns ?? [NAME_COL, { name: 'Created At', type: 'date', format: '', description: AGE_DESCRIPTION, priority: 0 }];
}

export function cellsFor(r: ResourceDef, version: string, o: Obj, now: Date): Cell[] {
  const meta = (o['metadata'] ?? {}) as Obj;
  if (r.custom) return [String(meta['name'] ?? ''), ...crdColumns(r, version).map((c) => crdCell(c.def.type, at(o, c.path), now))];
  const p = PRINTERS[r.kind];
  if (p) return p.cells(o, now);
  return [String(meta['name'] ?? ''), String(meta['creationTimestamp'] ?? '')];
}

export function partialObjectMetadata(o: Obj, metaVersion: string): Obj {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${metaVersion}`, metadata: o['metadata'] };
}

/** One row; `o` must already carry the apiVersion of the request. */
export function rowFor(r: ResourceDef, version: string, o: Obj, include: IncludeObject, metaVersion: string, now: Date): TableRow {
  const row: TableRow = { cells: cellsFor(r, version, o, now) };
  if (include === 'Object') row.object = o;
  else if (include === 'Metadata') row.object = partialObjectMetadata(o, metaVersion);
  return row;
}

export function tableHead(r: ResourceDef, version: string, metaVersion: string, listMeta: Obj, withColumns = true): Obj {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${metaVersion}`,
    metadata: listMeta,
    columnDefinitions: withColumns ? columnsFor(r, version) : null,
  };
}

export function parseIncludeObject(v: string | null): IncludeObject {
  if (v === 'None' || v === 'Object') return v;
  return 'Metadata';
}
