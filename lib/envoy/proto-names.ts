/**
 * Proto JSON field names. Envoy's admin prints the original snake_case names; protobuf's JSON
 * mapping (and istioctl's `-o json`, and some test data) uses lowerCamelCase. Keys inside
 * google.protobuf.Struct values and map fields are data, not field names, and are never renamed.
 */

/** Fields whose value is a Struct (or a map of Structs): keys below them are data. */
export const STRUCT_FIELDS: ReadonlySet<string> = new Set(['filter_metadata', 'json_format', 'per_filter_config', 'static_layer']);
/** map<string, message> fields: their keys are data, their values are messages. */
export const MAP_OF_MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  'typed_filter_metadata',
  'typed_per_filter_config',
  'typed_extension_protocol_options',
  'extension_protocol_options',
]);
/** `metadata` is a Struct under these parents (elsewhere it is core.v3.Metadata). */
const STRUCT_METADATA_PARENTS: ReadonlySet<string> = new Set(['node', 'user_agent_build_version']);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** protoc's JSON name: `load_balancing_weight` → `loadBalancingWeight`. */
export function jsonName(field: string): string {
  let out = '';
  let upper = false;
  for (const ch of field) {
    if (ch === '_') upper = true;
    else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else out += ch;
  }
  return out;
}

const LOWER_CAMEL = /^[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*$/;

/** `loadBalancingWeight` → `load_balancing_weight`; other keys unchanged. */
export function snakeName(key: string): string {
  if (!LOWER_CAMEL.test(key)) return key;
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isTypedStruct(o: Record<string, unknown>): boolean {
  return typeof o['@type'] === 'string' && o['@type'].endsWith('.TypedStruct');
}

/** Rewrites lowerCamelCase field names to snake_case, leaving Struct and map keys alone. */
export function toSnakeCaseFields(value: unknown, parent = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => toSnakeCaseFields(v, parent));
  if (!isObj(value)) return value;
  const typedStruct = isTypedStruct(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = snakeName(k);
    if (STRUCT_FIELDS.has(name) || (typedStruct && name === 'value') || (name === 'metadata' && STRUCT_METADATA_PARENTS.has(parent))) out[name] = v;
    else if (MAP_OF_MESSAGE_FIELDS.has(name) && isObj(v)) out[name] = Object.fromEntries(Object.entries(v).map(([mk, mv]) => [mk, toSnakeCaseFields(mv, '')]));
    else out[name] = toSnakeCaseFields(v, name);
  }
  return out;
}

/** True when an admin section (or its first levels) uses lowerCamelCase field names. */
export function hasCamelCaseFields(value: unknown, depth = 3): boolean {
  if (depth < 0) return false;
  if (Array.isArray(value)) return value.slice(0, 4).some((v) => hasCamelCaseFields(v, depth - 1));
  if (!isObj(value)) return false;
  for (const [k, v] of Object.entries(value)) {
    if (LOWER_CAMEL.test(k)) return true;
    if (STRUCT_FIELDS.has(k) || k === 'metadata') continue;
    if (hasCamelCaseFields(v, depth - 1)) return true;
  }
  return false;
}
