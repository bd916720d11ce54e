'use client';
/**
 * The Gateway form: the workload it configures (selector picked from the labels of gateway
 * pods), and its servers: port, hosts and TLS.
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 */
import { useState } from 'react';
import { cn } from '@/components/ui/cn';
import { selectorMatches } from './cluster-index';
import { useEditor } from './editor-context';
import { CheckboxField, More, NumberField, Section, SelectField, TextField, smallButton, useSetCount } from './fields';
import { LabelPicker } from './label-picker';
import { StringListField } from './list-fields';
import { MetadataFields } from './metadata-fields';
import { getIn, moveIn, setIn, type Path } from './object-path';

export const SERVER_PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'HTTP2', 'MONGO', 'TCP', 'TLS'];
export const GATEWAY_TLS_MODES = ['SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'ISTIO_MUTUAL', 'AUTO_PASSTHROUGH', 'OPTIONAL_MUTUAL'];
const TLS_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];

type Json = Record<string, unknown>;
const ADVANCED = ['bind', 'defaultEndpoint', 'name'];

/** The Services in front of the pods a selector picks (their ports are the ports a server can use). */
function useGatewayServices(selector: Record<string, string>) {
  const { cluster } = useEditor();
  const pods = cluster.podsMatching(selector);
  return cluster.services.filter((s) => {
    const sel = (s.spec?.selector ?? {}) as Record<string, string>;
    return Object.keys(sel).length > 0 && pods.some((p) => p.namespace === s.metadata.namespace && selectorMatches(sel, p.labels));
  });
}

export function GatewayForm() {
  const { draft, set, update, readOnly, cluster } = useEditor();
  const selector = (getIn(draft, ['spec', 'selector']) ?? {}) as Record<string, string>;
  const servers = (getIn(draft, ['spec', 'servers']) as unknown[] | undefined) ?? [];
  const services = useGatewayServices(selector);
  const pods = cluster.podsMatching(selector);
  const podNamespaces = [...new Set(pods.map((p) => p.namespace))];
  const ports = services.flatMap((s) => cluster.servicePorts(s).map((p) => ({ ...p, svc: `${s.metadata.namespace}/${s.metadata.name}`, nodePort: portNode(s, p.port) })));
  return (
    <div className="space-y-3">
      <Section title="Gateway">
        <MetadataFields />
      </Section>
      <Section title="Workload selector" path={['spec', 'selector']} subtitle="the gateway pods this Gateway configures">
        <LabelPicker path={['spec', 'selector']} label="Selector labels" candidates={cluster.gatewayPods()} candidatesLabel="gateway pods" scope={cluster.pods} />
        {ports.length > 0 ? (
          <p className="mt-2 text-xs text-slate-500" data-testid="gateway-service-ports">
            Ports of {[...new Set(ports.map((p) => p.svc))].join(', ')}:{' '}
            {ports.map((p) => `${p.port}${p.name ? ` (${p.name}${p.nodePort ? `, NodePort ${p.nodePort}` : ''})` : ''}`).join(', ')}. A server&apos;s port must be one of them.
          </p>
        ) : null}
      </Section>
      {servers.map((_, i) => (
        <ServerFields
          key={i}
          index={i}
          count={servers.length}
          portSuggestions={ports.map((p) => String(p.port))}
          secretNamespaces={podNamespaces}
          onRemove={() => set(['spec', 'servers'], servers.filter((__, j) => j !== i))}
          onMove={(to) => update((d) => moveIn(d, ['spec', 'servers'], i, to))}
        />
      ))}
      {!readOnly ? (
        <button
          type="button"
          className={cn(smallButton, 'px-3 py-1 text-sm')}
          onClick={() => set(['spec', 'servers'], [...servers, { port: { number: 80, name: `http-${servers.length + 1}`, protocol: 'HTTP' }, hosts: [''] }])}
        >
          + Add server
        </button>
      ) : null}
    </div>
  );
}

function portNode(svc: { spec?: Json }, port: number): number | undefined {
  const p = ((svc.spec?.ports as Json[] | undefined) ?? []).find((x) => x.port === port);
  return typeof p?.nodePort === 'number' ? p.nodePort : undefined;
}

function ServerFields({
  index,
  count,
  portSuggestions,
  secretNamespaces,
  onRemove,
  onMove,
}: {
  index: number;
  count: number;
  portSuggestions: string[];
  secretNamespaces: string[];
  onRemove(): void;
  onMove(to: number): void;
}) {
  const { draft, readOnly } = useEditor();
  const path: Path = ['spec', 'servers', index];
  const server = (getIn(draft, path) ?? {}) as Json;
  const port = (server.port ?? {}) as Json;
  const protocol = String(port.protocol ?? '');
  const tlsCapable = ['HTTPS', 'TLS'].includes(protocol) || server.tls !== undefined;
  const title = `Server ${index + 1}`;
  return (
    <Section
      title={title}
      path={path}
      subtitle={`${port.number ?? '?'}/${protocol || '?'} · ${((server.hosts as string[] | undefined) ?? []).join(', ')}`}
      actions={
        !readOnly ? (
          <>
            <button type="button" className={smallButton} aria-label={`Move ${title} up`} disabled={index === 0} onClick={() => onMove(index - 1)}>
              ↑
            </button>
            <button type="button" className={smallButton} aria-label={`Move ${title} down`} disabled={index === count - 1} onClick={() => onMove(index + 1)}>
              ↓
            </button>
            <button type="button" className={smallButton} aria-label={`Remove ${title}`} onClick={onRemove}>
              Remove
            </button>
          </>
        ) : null
      }
    >
      <div className="grid grid-cols-[7rem_1fr_9rem] gap-2">
        <NumberField path={[...path, 'port', 'number']} label="Port number" list={portSuggestions} min={1} max={65535} />
        <TextField path={[...path, 'port', 'name']} label="Port name" placeholder="http" mono />
        <SelectField path={[...path, 'port', 'protocol']} label="Protocol" options={SERVER_PROTOCOLS} />
      </div>
      <div className="mt-2">
        <StringListField path={[...path, 'hosts']} label="Hosts" placeholder="app.example.com or ns/*.example.com" addLabel="Add host" />
      </div>
      {protocol === 'HTTP' ? (
        <div className="mt-2">
          <CheckboxField path={[...path, 'tls', 'httpsRedirect']} label="Redirect HTTP to HTTPS (301)" />
        </div>
      ) : null}
      {tlsCapable ? <TlsFields path={[...path, 'tls']} secretNamespaces={secretNamespaces} /> : null}
      <div className="mt-2">
        <More title="Advanced" path={path} setCount={useSetCount(path, ADVANCED)} keys={ADVANCED}>
          <div className="grid grid-cols-3 gap-2">
            <TextField path={[...path, 'name']} label="Server name" mono />
            <TextField path={[...path, 'bind']} label="Bind address" placeholder="0.0.0.0" mono />
            <NumberField path={[...path, 'port', 'targetPort']} label="Target port (deprecated)" />
          </div>
        </More>
      </div>
    </Section>
  );
}

function TlsFields({ path, secretNamespaces }: { path: Path; secretNamespaces: string[] }) {
  const { draft, cluster, update, readOnly } = useEditor();
  const tls = (getIn(draft, path) ?? {}) as Json;
  const mode = String(tls.mode ?? '');
  const hasFiles = ['serverCertificate', 'privateKey', 'caCertificates'].some((k) => typeof tls[k] === 'string');
  const [chosen, setChosen] = useState<'secret' | 'files'>(hasFiles && !tls.credentialName ? 'files' : 'secret');
  const source = typeof tls.credentialName === 'string' ? 'secret' : hasFiles ? 'files' : chosen;
  const needsCert = ['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode);
  const secrets = cluster
    .tlsSecrets()
    .filter((s) => secretNamespaces.length === 0 || secretNamespaces.includes(s.metadata.namespace ?? ''))
    .map((s) => s.metadata.name);
  const switchTo = (next: 'secret' | 'files') => {
    setChosen(next);
    update((d) => {
      const cur = { ...((getIn(d, path) ?? {}) as Json) };
      if (next === 'secret') for (const k of ['serverCertificate', 'privateKey', 'caCertificates']) delete cur[k];
      else delete cur.credentialName;
      return setInTls(d, path, cur);
    });
  };
  return (
    <div className="mt-2 space-y-2 rounded border border-slate-200 p-2 dark:border-slate-800" data-field="tls">
      <div className="grid grid-cols-3 gap-2">
        <SelectField path={[...path, 'mode']} label="TLS mode" options={GATEWAY_TLS_MODES} />
        <SelectField path={[...path, 'minProtocolVersion']} label="Min TLS version" options={TLS_VERSIONS} />
        <SelectField path={[...path, 'maxProtocolVersion']} label="Max TLS version" options={TLS_VERSIONS} />
      </div>
      {needsCert || tls.credentialName !== undefined || hasFiles ? (
        <>
          <fieldset className="flex items-center gap-4 text-xs" disabled={readOnly}>
            <legend className="sr-only">Certificate source</legend>
            <span className="font-medium text-slate-600 dark:text-slate-400">Certificate from</span>
            <label className="flex items-center gap-1">
              <input type="radio" checked={source === 'secret'} onChange={() => switchTo('secret')} /> a Kubernetes Secret (credentialName)
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" checked={source === 'files'} onChange={() => switchTo('files')} /> files mounted in the gateway pods
            </label>
          </fieldset>
          {source === 'secret' ? (
            <TextField
              path={[...path, 'credentialName']}
              label="credentialName"
              list={secrets}
              mono
              hint={secrets.length ? `TLS Secrets in ${secretNamespaces.join(', ') || 'the cluster'}: ${secrets.join(', ')}` : 'No TLS Secret found where the gateway pods run.'}
            />
          ) : (
            <div className="grid grid-cols-1 gap-2">
              <TextField path={[...path, 'serverCertificate']} label="serverCertificate" placeholder="/etc/istio/ingressgateway-certs/tls.crt" mono />
              <TextField path={[...path, 'privateKey']} label="privateKey" placeholder="/etc/istio/ingressgateway-certs/tls.key" mono />
              <TextField path={[...path, 'caCertificates']} label="caCertificates" placeholder="/etc/istio/ingressgateway-ca-certs/ca.crt" mono />
            </div>
          )}
        </>
      ) : null}
      {mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL' ? (
        <StringListField path={[...path, 'subjectAltNames']} label="Subject alternative names accepted from clients" addLabel="Add SAN" />
      ) : null}
    </div>
  );
}

function setInTls<T>(d: T, path: Path, tls: Json): T {
  return setIn(d, path, Object.keys(tls).length ? tls : undefined);
}
