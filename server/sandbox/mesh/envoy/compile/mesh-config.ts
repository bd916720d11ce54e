/**
 * MeshConfig as istiod reads it (ConfigMap `istio` in `istio-system`, key `mesh`, YAML), reduced to
 * the settings the gateway config depends on, and the file access log Istio builds from it
 * (pilot/pkg/model/telemetry_logging.go FileAccessLogFromMeshConfig).
 *
 * The default formats are Istio's EnvoyTextLogFormat / EnvoyJSONLogFormatIstio (istio/istio
 * @ 86c9f01f, Apache-2.0), as listed in the project's access-log fixtures.
 */
import { parse as parseYaml } from 'yaml';
import type { StoredObject } from '../../../api/store';
import { FILTER, RES, ROOT_NAMESPACE, TYPE } from '../constants';
import type { AccessLogConfig } from '../types';
import type { ObjectSource } from './source';

export const ISTIO_TEXT_LOG_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

export const ISTIO_JSON_LOG_FORMAT: Record<string, string> = {
  start_time: '%START_TIME%',
  route_name: '%ROUTE_NAME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER_RAW%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
};

export interface MeshSettings {
  accessLogFile: string;
  accessLogEncoding: 'TEXT' | 'JSON';
  accessLogFormat: string;
  /** mesh.connectTimeout (default 10s). */
  connectTimeout: string;
  /** mesh.defaultHttpRetryPolicy (VirtualService HTTPRetry shape), if set. */
  defaultHttpRetryPolicy?: { attempts?: number; retryOn?: string; perTryTimeout?: string };
  rootNamespace: string;
  /** Parse problems, reported by the compiler as diagnostics. */
  errors: string[];
}

export const DEFAULT_MESH: MeshSettings = {
  accessLogFile: '',
  accessLogEncoding: 'TEXT',
  accessLogFormat: '',
  connectTimeout: '10s',
  rootNamespace: ROOT_NAMESPACE,
  errors: [],
};

/** Parses the `mesh` YAML of the istio ConfigMap; unknown keys are ignored as istiod does. */
export function parseMeshConfig(yamlText: string | undefined): MeshSettings {
  if (!yamlText || !yamlText.trim()) return { ...DEFAULT_MESH, errors: [] };
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (err) {
    return { ...DEFAULT_MESH, errors: [`invalid mesh config: ${(err as Error).message}`] };
  }
  const m = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const str = (k: string, d: string) => (typeof m[k] === 'string' ? (m[k] as string) : d);
  const enc = str('accessLogEncoding', 'TEXT').toUpperCase();
  const retry = m.defaultHttpRetryPolicy;
  return {
    accessLogFile: str('accessLogFile', ''),
    accessLogEncoding: enc === 'JSON' ? 'JSON' : 'TEXT',
    accessLogFormat: str('accessLogFormat', ''),
    connectTimeout: str('connectTimeout', '10s'),
    defaultHttpRetryPolicy: retry && typeof retry === 'object' ? (retry as MeshSettings['defaultHttpRetryPolicy']) : undefined,
    rootNamespace: str('rootNamespace', ROOT_NAMESPACE),
    errors: [],
  };
}

export function meshSettingsFrom(source: ObjectSource): MeshSettings {
  const cm = source.list(RES.configMaps, ROOT_NAMESPACE).items.find((o: StoredObject) => o.metadata.name === 'istio');
  const data = (cm as { data?: Record<string, string> } | undefined)?.data;
  return parseMeshConfig(data?.mesh);
}

/** The access_log entries of a listener's HCM / tcp_proxy for this mesh config (empty: logging off). */
export function buildAccessLogs(mesh: MeshSettings): AccessLogConfig[] {
  if (!mesh.accessLogFile) return [];
  const typed: AccessLogConfig['typed_config'] = { '@type': TYPE.fileAccessLog, path: mesh.accessLogFile };
  if (mesh.accessLogEncoding === 'JSON') {
    let fmt: Record<string, unknown> = ISTIO_JSON_LOG_FORMAT;
    if (mesh.accessLogFormat) {
      try {
        const parsed = JSON.parse(mesh.accessLogFormat) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fmt = parsed as Record<string, unknown>;
      } catch {
        // istiod: "error parsing provided json log format, default log format will be used"
      }
    }
    typed.log_format = { json_format: { ...fmt }, json_format_options: {} };
  } else {
    let fmt = mesh.accessLogFormat || ISTIO_TEXT_LOG_FORMAT;
    if (!fmt.endsWith('\n')) fmt += '\n';
    typed.log_format = { text_format_source: { inline_string: fmt } };
  }
  return [{ name: FILTER.fileAccessLog, typed_config: typed }];
}
