'use client';
/**
 * The match blocks of an HTTP route (HTTPMatchRequest). Conditions inside one block are ANDed;
 * blocks are ORed. No block at all matches every request.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
import { cn } from '@/components/ui/cn';
import { useEditor } from './editor-context';
import { CheckboxField, More, NumberField, TextField, smallButton, useSetCount } from './fields';
import { StringListField, StringMatchField, StringMatchMapField } from './list-fields';
import { getIn, pathString, type Path } from './object-path';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

export function HttpMatchList({ path, routeLabel }: { path: Path; routeLabel: string }) {
  const { draft, set, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const matches = (Array.isArray(raw) ? raw : []) as Record<string, unknown>[];
  return (
    <div className="space-y-2" data-field={pathString(path)}>
      <div className="flex items-center gap-2 text-xs">
        <span className="font-medium text-slate-600 dark:text-slate-400">Match</span>
        <span className="text-slate-500">{matches.length === 0 ? 'every request (no match block)' : matches.length === 1 ? 'requests matching this block' : 'requests matching any block'}</span>
      </div>
      {matches.map((_, j) => (
        <div key={j} className="rounded border border-slate-200 p-2 dark:border-slate-800" data-field={pathString([...path, j])} data-testid="match-block">
          <div className="mb-1 flex items-center gap-2 text-xs text-slate-500">
            <span>
              {j > 0 ? 'or ' : ''}block {j + 1}
            </span>
            {!readOnly ? (
              <button
                type="button"
                className={cn(smallButton, 'ml-auto')}
                aria-label={`Remove match block ${j + 1} of route ${routeLabel}`}
                onClick={() => set(path, matches.length === 1 ? undefined : matches.filter((__, k) => k !== j))}
              >
                Remove block
              </button>
            ) : null}
          </div>
          <HttpMatchBlock path={[...path, j]} />
        </div>
      ))}
      {!readOnly ? (
        <button type="button" className={smallButton} onClick={() => set(path, [...matches, { uri: { prefix: '/' } }])}>
          + Add match block
        </button>
      ) : null}
    </div>
  );
}

const MORE_CONDITIONS = ['name', 'authority', 'scheme', 'port', 'queryParams', 'withoutHeaders', 'gateways', 'sourceNamespace', 'statPrefix'];

function HttpMatchBlock({ path }: { path: Path }) {
  const advanced = useSetCount(path, MORE_CONDITIONS);
  return (
    <div className="space-y-2">
      <div className="grid grid-cols-[1fr_12rem] gap-2">
        <StringMatchField path={[...path, 'uri']} label="URI" placeholder="/api" />
        <MethodField path={[...path, 'method']} />
      </div>
      <CheckboxField path={[...path, 'ignoreUriCase']} label="Ignore URI case" />
      <StringMatchMapField path={[...path, 'headers']} label="Headers" addLabel="Add header condition" />
      <More title="More conditions" path={path} setCount={advanced} keys={MORE_CONDITIONS}>
        <div className="grid grid-cols-2 gap-2">
          <TextField path={[...path, 'name']} label="Match name (for logs)" mono />
          <NumberField path={[...path, 'port']} label="Port" min={1} max={65535} />
        </div>
        <StringMatchField path={[...path, 'authority']} label="Authority (Host)" placeholder="app.example.com" />
        <StringMatchField path={[...path, 'scheme']} label="Scheme" placeholder="https" />
        <StringMatchMapField path={[...path, 'queryParams']} label="Query parameters" addLabel="Add query parameter" />
        <StringMatchMapField path={[...path, 'withoutHeaders']} label="Without headers" addLabel="Add header that must be absent" />
        <StringListField path={[...path, 'gateways']} label="Only from gateways" addLabel="Add gateway" />
        <TextField path={[...path, 'sourceNamespace']} label="Source namespace" mono />
      </More>
    </div>
  );
}

function MethodField({ path }: { path: Path }) {
  const { draft } = useEditor();
  const m = (getIn(draft, path) ?? {}) as Record<string, unknown>;
  // Methods are nearly always exact; a regex or prefix method keeps the generic editor.
  if (typeof m.regex === 'string' || typeof m.prefix === 'string') return <StringMatchField path={path} label="Method" />;
  return <TextField path={[...path, 'exact']} label="Method" list={METHODS} placeholder="any" mono />;
}
