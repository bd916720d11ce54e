'use client';
/**
 * Route destinations: the Service (picked from the cluster's Services), its port (from the
 * Service's ports), the subset (from the DestinationRules of that host) and the weight. With
 * two or more destinations the split slider sits on top and keeps the weights at 100.
 */
import { cn } from '@/components/ui/cn';
import { useEditor } from './editor-context';
import { FieldIssues, NumberField, SelectField, TextField, smallButton } from './fields';
import { getIn, pathString, setIn, type Path } from './object-path';
import { SPLIT_COLORS, SplitSlider } from './split-slider';
import { weightsOf } from '@/lib/editing/split';

type Json = Record<string, unknown>;

/** host, port and subset of one Destination (route destinations, mirrors). */
export function DestinationInputs({ path, compact }: { path: Path; compact?: boolean }) {
  const { draft, cluster } = useEditor();
  const ns = draft.metadata.namespace ?? '';
  const dest = (getIn(draft, path) ?? {}) as Json;
  const host = typeof dest.host === 'string' ? dest.host : '';
  const svc = host ? cluster.service(host, ns) : undefined;
  const ports = cluster.servicePorts(svc);
  const subsets = host ? cluster.subsets(host, ns) : [];
  const hostHint = !host ? undefined : svc ? `Service ${svc.metadata.namespace}/${svc.metadata.name}` : 'not a Service of the cluster (ServiceEntry or external host?)';
  return (
    <div className={cn('grid gap-2', compact ? 'grid-cols-[1fr_8rem_8rem]' : 'grid-cols-[1fr_9rem_9rem]')} data-field={pathString(path)}>
      <TextField path={[...path, 'host']} label="Service (host)" list={cluster.hostSuggestions(ns)} placeholder="reviews" mono hint={hostHint} />
      {ports.length > 0 ? (
        <SelectField
          path={[...path, 'port', 'number']}
          label="Port"
          options={ports.map((p) => ({ value: String(p.port), label: `${p.port}${p.name ? ` (${p.name})` : ''}` }))}
          unsetLabel={ports.length === 1 ? `(only port ${ports[0]!.port})` : '(not set)'}
          numeric
        />
      ) : (
        <NumberField path={[...path, 'port', 'number']} label="Port" min={1} max={65535} />
      )}
      <TextField
        path={[...path, 'subset']}
        label="Subset"
        list={subsets.map((s) => s.name)}
        mono
        placeholder={subsets.length ? subsets.map((s) => s.name).join(', ') : 'none defined'}
      />
      <FieldIssues path={path} />
    </div>
  );
}

export function DestinationList({ path, routeName }: { path: Path; routeName: string }) {
  const { draft, set, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const dests = (Array.isArray(raw) ? raw : []) as Json[];
  const ws = weightsOf(dests);
  const add = () =>
    update((d) => {
      let next = setIn(d, path, [...dests, { destination: { host: (dests[0]?.destination as Json | undefined)?.host ?? '' }, weight: 0 }]);
      if (dests.length === 1 && typeof dests[0]!.weight !== 'number') next = setIn(next, [...path, 0, 'weight'], 100);
      return next;
    });
  return (
    <div className="space-y-2" data-field={pathString(path)}>
      <div className="text-xs font-medium text-slate-600 dark:text-slate-400">Destinations</div>
      <FieldIssues path={path} />
      {dests.length >= 2 ? <SplitSlider path={path} name={routeName} /> : null}
      <ul className="space-y-2">
        {dests.map((_, j) => (
          <li key={j} className="flex items-start gap-2" data-field={pathString([...path, j])} data-testid="destination-row">
            <span className={cn('mt-6 inline-block h-2.5 w-2.5 shrink-0 rounded-full', dests.length >= 2 ? SPLIT_COLORS[j % SPLIT_COLORS.length] : 'bg-transparent')} aria-hidden />
            <div className="min-w-0 flex-1">
              <DestinationInputs path={[...path, j, 'destination']} compact />
            </div>
            <div className="w-20 shrink-0">
              <NumberField path={[...path, j, 'weight']} label="Weight" min={0} max={100} placeholder={dests.length === 1 ? '100' : '0'} />
            </div>
            {!readOnly ? (
              <button
                type="button"
                className={cn(smallButton, 'mt-5')}
                aria-label={`Remove destination ${j + 1} of route ${routeName}`}
                onClick={() => set(path, dests.length === 1 ? undefined : dests.filter((__, k) => k !== j))}
              >
                ✕
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {dests.length >= 2 && ws.some((w) => w < 0) ? <p className="text-xs text-red-700">Weights cannot be negative.</p> : null}
      {!readOnly ? (
        <button type="button" className={smallButton} onClick={add}>
          + Add destination
        </button>
      ) : null}
    </div>
  );
}
