'use client';
/**
 * A TrafficPolicy (DestinationRule top level, or one subset's): load balancing, connection
 * pool, outlier detection and TLS to the upstream. Port-level settings, locality and tunnel
 * settings are edited in the YAML pane (kept on the round trip).
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy
 */
import { useEditor } from './editor-context';
import { CheckboxField, More, NumberField, SelectField, TextField, useSetCount } from './fields';
import { StringListField } from './list-fields';
import { getIn, type Path } from './object-path';

const LB_SIMPLE = ['ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'UNSPECIFIED'];
const CLIENT_TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];
const H2_UPGRADE = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'];

export function TrafficPolicyFields({ path, defaultOpen }: { path: Path; defaultOpen?: boolean }) {
  const { draft } = useEditor();
  const tp = (getIn(draft, path) ?? {}) as Record<string, unknown>;
  const portLevel = Array.isArray(tp.portLevelSettings) ? tp.portLevelSettings.length : 0;
  return (
    <div className="flex flex-wrap items-start gap-1.5">
      <LoadBalancerFields path={[...path, 'loadBalancer']} open={defaultOpen} />
      <ConnectionPoolFields path={[...path, 'connectionPool']} />
      <OutlierFields path={[...path, 'outlierDetection']} />
      <ClientTlsFields path={[...path, 'tls']} />
      {portLevel ? <p className="w-full text-xs text-slate-500">{portLevel} port-level setting{portLevel > 1 ? 's' : ''} (portLevelSettings): edit in the YAML pane.</p> : null}
    </div>
  );
}

function LoadBalancerFields({ path, open }: { path: Path; open?: boolean }) {
  const { draft } = useEditor();
  const lb = (getIn(draft, path) ?? {}) as Record<string, unknown>;
  const hash = (lb.consistentHash ?? {}) as Record<string, unknown>;
  return (
    <More title="Load balancer" path={path} setCount={useSetCount(path)} defaultOpen={open}>
      <div className="grid grid-cols-2 gap-2">
        <SelectField
          path={[...path, 'simple']}
          label="Algorithm"
          options={LB_SIMPLE}
          unsetLabel={lb.consistentHash ? '(consistent hash below)' : '(default: LEAST_REQUEST)'}
        />
        <TextField path={[...path, 'warmupDurationSecs']} label="Warm-up duration" placeholder="60s" mono />
      </div>
      {lb.simple === undefined ? (
        <div className="space-y-2 rounded border border-dashed border-slate-300 p-2 dark:border-slate-700">
          <div className="text-xs font-medium text-slate-600 dark:text-slate-400">Consistent hash (sticky sessions), instead of an algorithm</div>
          <div className="grid grid-cols-3 gap-2">
            <TextField path={[...path, 'consistentHash', 'httpHeaderName']} label="Hash on header" mono />
            <TextField path={[...path, 'consistentHash', 'httpQueryParameterName']} label="Hash on query parameter" mono />
            <TextField path={[...path, 'consistentHash', 'httpCookie', 'name']} label="Hash on cookie" mono />
          </div>
          {hash.httpCookie ? (
            <div className="grid grid-cols-3 gap-2">
              <TextField path={[...path, 'consistentHash', 'httpCookie', 'path']} label="Cookie path" mono />
              <TextField path={[...path, 'consistentHash', 'httpCookie', 'ttl']} label="Cookie TTL" placeholder="0s" mono />
            </div>
          ) : null}
          <CheckboxField path={[...path, 'consistentHash', 'useSourceIp']} label="Hash on the client's source IP" />
        </div>
      ) : null}
    </More>
  );
}

function ConnectionPoolFields({ path }: { path: Path }) {
  return (
    <More title="Connection pool" path={path} setCount={useSetCount(path)}>
      <div className="text-xs font-semibold text-slate-500">TCP</div>
      <div className="grid grid-cols-3 gap-2">
        <NumberField path={[...path, 'tcp', 'maxConnections']} label="Max connections" min={0} />
        <TextField path={[...path, 'tcp', 'connectTimeout']} label="Connect timeout" placeholder="10s" mono />
        <TextField path={[...path, 'tcp', 'idleTimeout']} label="Idle timeout" placeholder="1h" mono />
      </div>
      <div className="text-xs font-semibold text-slate-500">HTTP</div>
      <div className="grid grid-cols-3 gap-2">
        <NumberField path={[...path, 'http', 'http1MaxPendingRequests']} label="Max pending requests" min={0} />
        <NumberField path={[...path, 'http', 'http2MaxRequests']} label="Max requests" min={0} />
        <NumberField path={[...path, 'http', 'maxRequestsPerConnection']} label="Max requests per connection" min={0} />
        <NumberField path={[...path, 'http', 'maxRetries']} label="Max concurrent retries" min={0} />
        <TextField path={[...path, 'http', 'idleTimeout']} label="Idle timeout" placeholder="1h" mono />
        <SelectField path={[...path, 'http', 'h2UpgradePolicy']} label="HTTP/2 upgrade" options={H2_UPGRADE} />
      </div>
    </More>
  );
}

function OutlierFields({ path }: { path: Path }) {
  return (
    <More title="Outlier detection" path={path} setCount={useSetCount(path)}>
      <div className="grid grid-cols-3 gap-2">
        <NumberField path={[...path, 'consecutive5xxErrors']} label="Consecutive 5xx errors" min={0} />
        <NumberField path={[...path, 'consecutiveGatewayErrors']} label="Consecutive gateway errors" min={0} />
        <TextField path={[...path, 'interval']} label="Interval" placeholder="10s" mono />
        <TextField path={[...path, 'baseEjectionTime']} label="Base ejection time" placeholder="30s" mono />
        <NumberField path={[...path, 'maxEjectionPercent']} label="Max ejection %" min={0} max={100} />
        <NumberField path={[...path, 'minHealthPercent']} label="Min health %" min={0} max={100} />
      </div>
    </More>
  );
}

function ClientTlsFields({ path }: { path: Path }) {
  const { draft } = useEditor();
  const mode = String(getIn(draft, [...path, 'mode']) ?? '');
  return (
    <More title="TLS to the upstream" path={path} setCount={useSetCount(path)}>
      <div className="grid grid-cols-2 gap-2">
        <SelectField path={[...path, 'mode']} label="Mode" options={CLIENT_TLS_MODES} />
        <TextField path={[...path, 'sni']} label="SNI" mono />
      </div>
      {mode === 'SIMPLE' || mode === 'MUTUAL' ? (
        <>
          <TextField path={[...path, 'credentialName']} label="credentialName (Secret with the client certificate / CA)" mono />
          <div className="grid grid-cols-3 gap-2">
            <TextField path={[...path, 'clientCertificate']} label="clientCertificate" mono />
            <TextField path={[...path, 'privateKey']} label="privateKey" mono />
            <TextField path={[...path, 'caCertificates']} label="caCertificates" mono />
          </div>
          <StringListField path={[...path, 'subjectAltNames']} label="Subject alternative names to verify" addLabel="Add SAN" />
          <CheckboxField path={[...path, 'insecureSkipVerify']} label="Skip verifying the server certificate (insecure)" />
        </>
      ) : null}
    </More>
  );
}
