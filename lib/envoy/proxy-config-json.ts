/**
 * `istioctl proxy-config routes|clusters|listeners|endpoints -o json`: istioctl unmarshals each
 * resource into its Go proto and prints the list with protojson (lowerCamelCase field names, map
 * and Struct keys sorted) re-indented by encoding/json with four spaces (which also escapes
 * `<`, `>` and `&`). Envoy's config_dump already lists fields in proto order, so converting names
 * and sorting maps reproduces that output.
 *
 * Limits: field names are converted by rule, so a map field this module does not know would have
 * its keys camelCased; the known ones are Envoy's metadata, per-filter config and Struct fields.
 */
import type { ConfigDumpModel } from './config-dump';
import { filteredClusters, sortedEndpointAssignments, sortedRouteConfigs, type ClusterFilter, type EndpointFilter } from './proxy-config';
import { type ListenerFilter } from './proxy-config-listeners';
import { listenerType } from './proxy-config-listeners';
import { ProxyConfigError, sectionMissing } from './proxy-config-errors';
import { compareGoStrings } from '../format/go-sort';
import { jsonName, MAP_OF_MESSAGE_FIELDS, STRUCT_FIELDS } from './proto-names';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export { jsonName };

function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort(compareGoStrings);
}

/** A Struct (or Value) as protojson prints it: same content, object keys sorted. */
function structValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structValue);
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(v)) out[k] = structValue(v[k]);
  return out;
}

const STRUCT_ANY_TYPES = new Set(['type.googleapis.com/google.protobuf.Struct', 'type.googleapis.com/google.protobuf.Value', 'type.googleapis.com/google.protobuf.ListValue']);

/** One proto message (snake_case, as Envoy prints it) → protojson form. */
export function toProtoJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toProtoJson);
  if (!isObj(v)) return v;
  const type = typeof v['@type'] === 'string' ? v['@type'] : undefined;
  if (type !== undefined && STRUCT_ANY_TYPES.has(type)) return { '@type': type, value: structValue(v['value']) };
  const typedStruct = type !== undefined && type.endsWith('.TypedStruct');
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === '@type') {
      out[k] = val;
      continue;
    }
    const name = jsonName(k);
    if (STRUCT_FIELDS.has(k) || (typedStruct && k === 'value')) out[name] = structValue(val);
    else if (MAP_OF_MESSAGE_FIELDS.has(k) && isObj(val)) {
      const m: Record<string, unknown> = {};
      for (const mk of sortedKeys(val)) m[mk] = toProtoJson(val[mk]);
      out[name] = m;
    } else out[name] = toProtoJson(val);
  }
  return out;
}

function withoutType(v: Record<string, unknown>): Record<string, unknown> {
  const { ['@type']: _t, ...rest } = v;
  return rest;
}

/** encoding/json's MarshalIndent(…, "", "    ") of the list, plus fmt.Fprintln's newline. */
export function goJsonIndent(value: unknown): string {
  const text = JSON.stringify(value, null, 4) ?? 'null';
  return `${text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

export function renderRoutesJson(model: ConfigDumpModel, filter: { name?: string } = {}): string {
  const routes = sortedRouteConfigs(model).filter((r) => !filter.name || filter.name === r.name);
  return goJsonIndent(routes.map((r) => toProtoJson(withoutType(r.raw))));
}

export function renderClustersJson(model: ConfigDumpModel, filter: ClusterFilter = {}): string {
  return goJsonIndent(filteredClusters(model, filter).map((c) => toProtoJson(withoutType(c.raw))));
}

export function renderListenersJson(model: ConfigDumpModel, filter: ListenerFilter = {}): string {
  if (!model.sections.includes('listeners')) throw new ProxyConfigError(`listener dump: ${sectionMissing('listeners')}`);
  const active = model.listeners.filter((l) => l.state === 'active');
  if (active.length === 0) throw new ProxyConfigError('no listeners found');
  const kept = active.filter((l) => {
    if (!filter.address && !filter.port && !filter.type) return true;
    const addrs = [...l.raw.additional_addresses?.map((a) => a.address?.socket_address?.address ?? '') ?? [], l.address];
    if (filter.address && !addrs.some((a) => a.toLowerCase() === filter.address!.toLowerCase())) return false;
    if (filter.port && l.port !== filter.port) return false;
    if (filter.type && listenerType(l.raw).toLowerCase() !== filter.type.toLowerCase()) return false;
    return true;
  });
  return goJsonIndent(kept.map((l) => toProtoJson(withoutType(l.raw))));
}

export function renderEndpointsJson(model: ConfigDumpModel, filter: EndpointFilter = {}): string {
  return goJsonIndent(sortedEndpointAssignments(model, filter).map((c) => toProtoJson(withoutType(c))));
}
