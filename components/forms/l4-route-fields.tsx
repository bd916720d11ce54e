'use client';
/**
 * TCP routes (TCPRoute) and TLS routes (TLSRoute, SNI-based passthrough): match blocks on port,
 * SNI hosts, gateways and subnets, and weighted destinations.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 */
import { cn } from '@/components/ui/cn';
import { DestinationList } from './destination-fields';
import { useEditor } from './editor-context';
import { NumberField, smallButton } from './fields';
import { StringListField } from './list-fields';
import { getIn, pathString, type Path } from './object-path';

export function L4RouteFields({ path, label, tls }: { path: Path; label: string; tls: boolean }) {
  const { draft, set, readOnly } = useEditor();
  const raw = getIn(draft, [...path, 'match']);
  const matches = (Array.isArray(raw) ? raw : []) as Record<string, unknown>[];
  return (
    <>
      <div className="space-y-2" data-field={pathString([...path, 'match'])}>
        <div className="text-xs font-medium text-slate-600 dark:text-slate-400">Match {matches.length === 0 ? '(every connection)' : ''}</div>
        {matches.map((_, j) => {
          const m: Path = [...path, 'match', j];
          return (
            <div key={j} className="space-y-2 rounded border border-slate-200 p-2 dark:border-slate-800" data-field={pathString(m)}>
              <div className="flex items-center text-xs text-slate-500">
                {j > 0 ? 'or ' : ''}block {j + 1}
                {!readOnly ? (
                  <button type="button" className={cn(smallButton, 'ml-auto')} onClick={() => set([...path, 'match'], matches.length === 1 ? undefined : matches.filter((__, k) => k !== j))}>
                    Remove block
                  </button>
                ) : null}
              </div>
              <div className="grid grid-cols-[8rem_1fr] gap-2">
                <NumberField path={[...m, 'port']} label="Port" min={1} max={65535} />
                {tls ? <StringListField path={[...m, 'sniHosts']} label="SNI hosts" addLabel="Add SNI host" /> : <StringListField path={[...m, 'destinationSubnets']} label="Destination subnets" addLabel="Add subnet" />}
              </div>
              <StringListField path={[...m, 'gateways']} label="Only from gateways" addLabel="Add gateway" />
            </div>
          );
        })}
        {!readOnly ? (
          <button type="button" className={smallButton} onClick={() => set([...path, 'match'], [...matches, tls ? { port: 443, sniHosts: [''] } : { port: 3306 }])}>
            + Add match block
          </button>
        ) : null}
      </div>
      <DestinationList path={[...path, 'route']} routeName={label} />
    </>
  );
}
