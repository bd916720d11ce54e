/**
 * Access-log settings of Istio's mesh config (ConfigMap `istio` in `istio-system`, key `mesh`):
 * `accessLogFile` (empty: access logging off), `accessLogEncoding`, `accessLogFormat`; and the
 * exact change that turns logging on, for the Logs page's confirmation.
 */
import { parse, stringify } from 'yaml';
import { formatFromMeshConfig, type CompiledFormat } from '../accesslog/format';

export interface MeshAccessLog {
  /** false when `accessLogFile` is empty or missing (and no Telemetry API provider is known). */
  enabled: boolean;
  file?: string;
  encoding?: 'TEXT' | 'JSON';
  format?: string;
  /** Where the settings came from, for the UI. */
  source: 'configmap' | 'missing';
  /** Why the mesh config could not be read, when it could not. */
  error?: string;
}

export interface ConfigMapLike {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

export function meshAccessLog(cm: ConfigMapLike | undefined): MeshAccessLog {
  if (!cm) return { enabled: false, source: 'missing' };
  const text = cm.data?.['mesh'] ?? '';
  let mesh: Record<string, unknown> = {};
  try {
    const v = parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) mesh = v as Record<string, unknown>;
  } catch (err) {
    return { enabled: false, source: 'configmap', error: `the mesh key is not valid YAML: ${(err as Error).message}` };
  }
  const file = typeof mesh['accessLogFile'] === 'string' ? mesh['accessLogFile'] : undefined;
  const encoding = mesh['accessLogEncoding'] === 'JSON' ? 'JSON' : mesh['accessLogEncoding'] === 'TEXT' ? 'TEXT' : undefined;
  const format = typeof mesh['accessLogFormat'] === 'string' && mesh['accessLogFormat'] ? mesh['accessLogFormat'] : undefined;
  return { enabled: !!file, source: 'configmap', ...(file ? { file } : {}), ...(encoding ? { encoding } : {}), ...(format ? { format } : {}) };
}

/** The format the gateways write with these settings; undefined: auto-detect Istio's defaults. */
export function accessLogFormat(s: MeshAccessLog): CompiledFormat | undefined {
  if (!s.format && s.encoding !== 'JSON') return undefined;
  try {
    return formatFromMeshConfig(s.encoding, s.format);
  } catch {
    return undefined;
  }
}

/** The ConfigMap's `mesh` value with `accessLogFile: /dev/stdout` (everything else kept). */
export function enableAccessLogMesh(meshText: string): { before: string; after: string } {
  const doc = parse(meshText || '{}') as Record<string, unknown> | null;
  const obj = doc && typeof doc === 'object' ? { ...doc } : {};
  obj['accessLogFile'] = '/dev/stdout';
  return { before: meshText, after: stringify(obj, { lineWidth: 0 }).trimEnd() };
}
