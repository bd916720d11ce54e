'use client';
/**
 * The VirtualService form: the hosts it serves, the Gateways it binds (and `mesh` for
 * sidecars), and its HTTP, TCP and TLS routes in order.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
import { useEditor } from './editor-context';
import { Section, smallButton } from './fields';
import { HttpRouteFields } from './http-route-fields';
import { L4RouteFields } from './l4-route-fields';
import { StringListField } from './list-fields';
import { MetadataFields } from './metadata-fields';
import { getIn } from './object-path';
import { OrderedList } from './ordered-list';
import { destinationLabel, SplitSlider } from './split-slider';

type Json = Record<string, unknown>;

export function routeLabel(route: Json, i: number): string {
  return typeof route.name === 'string' && route.name ? `"${route.name}"` : `#${i + 1}`;
}

function matchSummary(m: Json): string {
  const parts: string[] = [];
  const uri = (m.uri ?? {}) as Json;
  for (const k of ['exact', 'prefix', 'regex']) if (typeof uri[k] === 'string') parts.push(`uri ${k} ${uri[k]}`);
  const method = (m.method ?? {}) as Json;
  if (typeof method.exact === 'string') parts.push(method.exact);
  const headers = Object.keys((m.headers ?? {}) as Json);
  if (headers.length) parts.push(`headers ${headers.join(',')}`);
  if (typeof m.port === 'number') parts.push(`port ${m.port}`);
  return parts.join(' ∧ ') || 'any';
}

export function httpRouteSummary(route: Json, namespace?: string): string {
  const matches = (route.match as Json[] | undefined) ?? [];
  const when = matches.length ? matches.map(matchSummary).join(' ∨ ') : 'every request';
  const dests = (route.route as Json[] | undefined) ?? [];
  const to = route.redirect
    ? `redirect ${String((route.redirect as Json).uri ?? (route.redirect as Json).authority ?? '')}`
    : route.directResponse
      ? `direct response ${String((route.directResponse as Json).status ?? '')}`
      : dests.map((d) => `${destinationLabel(d, namespace)}${dests.length > 1 ? ` ${typeof d.weight === 'number' ? d.weight : 0}%` : ''}`).join(', ') || 'no destination';
  return `${when} → ${to}`;
}

function l4Summary(route: Json, namespace?: string): string {
  const dests = (route.route as Json[] | undefined) ?? [];
  const matches = (route.match as Json[] | undefined) ?? [];
  const when = matches.map((m) => [m.port ? `port ${m.port}` : '', Array.isArray(m.sniHosts) ? `sni ${m.sniHosts.join(',')}` : ''].filter(Boolean).join(' ')).filter(Boolean).join(' ∨ ') || 'every connection';
  return `${when} → ${dests.map((d) => destinationLabel(d, namespace)).join(', ') || 'no destination'}`;
}

export function VirtualServiceForm() {
  const { draft, cluster, set, readOnly } = useEditor();
  const ns = draft.metadata.namespace ?? '';
  const tcp = getIn(draft, ['spec', 'tcp']);
  const tls = getIn(draft, ['spec', 'tls']);
  return (
    <div className="space-y-3">
      <Section title="VirtualService">
        <MetadataFields />
      </Section>
      <Section title="Hosts and gateways" path={['spec']}>
        <div className="grid grid-cols-2 gap-3">
          <StringListField path={['spec', 'hosts']} label="Hosts" placeholder="app.example.com" addLabel="Add host" hint="Host names clients use (Host header / SNI), or Service names for mesh traffic." />
          <StringListField
            path={['spec', 'gateways']}
            label="Gateways"
            placeholder="istio-system/default-gateway"
            list={cluster.gatewayRefs(ns)}
            addLabel="Add gateway"
            hint="`namespace/name` of a Gateway, or `mesh` for sidecars. None means `mesh`."
          />
        </div>
      </Section>
      <TrafficSplits />
      <Section title="HTTP routes" subtitle="evaluated in order; the first match wins">
        <OrderedList
          path={['spec', 'http']}
          noun="HTTP route"
          itemLabel={routeLabel}
          summary={(r) => httpRouteSummary(r, ns)}
          renderItem={(i) => <HttpRouteFields path={['spec', 'http', i]} label={routeLabel((getIn(draft, ['spec', 'http', i]) ?? {}) as Json, i)} />}
          newItem={() => ({ name: '', match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: '' } }] })}
          addLabel="Add HTTP route"
          testId="http-routes"
        />
      </Section>
      {Array.isArray(tcp) ? (
        <Section title="TCP routes" subtitle="opaque TCP, by port">
          <OrderedList
            path={['spec', 'tcp']}
            noun="TCP route"
            itemLabel={(_, i) => `#${i + 1}`}
            summary={(r) => l4Summary(r, ns)}
            renderItem={(i) => <L4RouteFields path={['spec', 'tcp', i]} label={`tcp #${i + 1}`} tls={false} />}
            newItem={() => ({ match: [{ port: 3306 }], route: [{ destination: { host: '' } }] })}
            addLabel="Add TCP route"
          />
        </Section>
      ) : null}
      {Array.isArray(tls) ? (
        <Section title="TLS routes" subtitle="TLS passthrough, by SNI">
          <OrderedList
            path={['spec', 'tls']}
            noun="TLS route"
            itemLabel={(_, i) => `#${i + 1}`}
            summary={(r) => l4Summary(r, ns)}
            renderItem={(i) => <L4RouteFields path={['spec', 'tls', i]} label={`tls #${i + 1}`} tls />}
            newItem={() => ({ match: [{ port: 443, sniHosts: [''] }], route: [{ destination: { host: '' } }] })}
            addLabel="Add TLS route"
          />
        </Section>
      ) : null}
      {!readOnly && (!Array.isArray(tcp) || !Array.isArray(tls)) ? (
        <div className="flex gap-2">
          {!Array.isArray(tcp) ? (
            <button type="button" className={smallButton} onClick={() => set(['spec', 'tcp'], [{ match: [{ port: 3306 }], route: [{ destination: { host: '' } }] }])}>
              + Add TCP route
            </button>
          ) : null}
          {!Array.isArray(tls) ? (
            <button type="button" className={smallButton} onClick={() => set(['spec', 'tls'], [{ match: [{ port: 443, sniHosts: [''] }], route: [{ destination: { host: '' } }] }])}>
              + Add TLS route
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** Every weighted route's split at the top of the form, where a split change starts. */
function TrafficSplits() {
  const { draft } = useEditor();
  const weighted = (['http', 'tcp', 'tls'] as const).flatMap((kind) =>
    ((getIn(draft, ['spec', kind]) as Json[] | undefined) ?? [])
      .map((r, i) => ({ kind, i, r }))
      .filter(({ r }) => Array.isArray(r.route) && r.route.length >= 2),
  );
  if (weighted.length === 0) return null;
  return (
    <Section title="Traffic splits" subtitle="weighted routes; the same split as in each route below">
      <div className="space-y-3">
        {weighted.map(({ kind, i, r }) => (
          <div key={`${kind}-${i}`}>
            <div className="mb-1 text-xs text-slate-500">
              {kind.toUpperCase()} route {routeLabel(r, i)}
            </div>
            <SplitSlider path={['spec', kind, i, 'route']} name={routeLabel(r, i)} testId="split-summary" />
          </div>
        ))}
      </div>
    </Section>
  );
}
