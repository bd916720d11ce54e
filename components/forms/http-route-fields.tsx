'use client';
/**
 * One HTTP route (HTTPRoute): name, match blocks, where it goes (destinations with weights, or
 * a redirect, or a direct response), and what it does on the way (rewrite, timeout, retries,
 * fault injection, mirroring, headers, CORS).
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
import { useEditor } from './editor-context';
import { CheckboxField, More, NumberField, SelectField, TextField, useSetCount } from './fields';
import { DestinationInputs, DestinationList } from './destination-fields';
import { HttpMatchList } from './http-match-fields';
import { KeyValueField, StringListField, StringMatchField } from './list-fields';
import { getIn, type Path } from './object-path';

export function HttpRouteFields({ path, label }: { path: Path; label: string }) {
  const { draft } = useEditor();
  const route = (getIn(draft, path) ?? {}) as Record<string, unknown>;
  const hasRedirect = route.redirect !== undefined;
  const hasDirect = route.directResponse !== undefined;
  return (
    <>
      <div className="grid grid-cols-[1fr_8rem] gap-2">
        <TextField path={[...path, 'name']} label="Route name" placeholder="reviews-v2" mono />
        <TextField path={[...path, 'timeout']} label="Timeout" placeholder="15s" mono />
      </div>
      <HttpMatchList path={[...path, 'match']} routeLabel={label} />
      {hasDirect ? (
        <p className="rounded bg-slate-100 px-2 py-1 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          This route answers directly (directResponse status {String((route.directResponse as Record<string, unknown>).status ?? '?')}); edit it in the YAML pane.
        </p>
      ) : null}
      {!hasRedirect && !hasDirect ? <DestinationList path={[...path, 'route']} routeName={label} /> : null}
      <div className="flex flex-wrap items-start gap-1.5">
        {!hasDirect ? <RedirectFields path={[...path, 'redirect']} open={hasRedirect} /> : null}
        <RewriteFields path={[...path, 'rewrite']} />
        <RetriesFields path={[...path, 'retries']} />
        <FaultFields path={[...path, 'fault']} />
        <MirrorFields path={path} />
        <HeadersFields path={[...path, 'headers']} />
        <CorsFields path={[...path, 'corsPolicy']} />
      </div>
    </>
  );
}

function RedirectFields({ path, open }: { path: Path; open: boolean }) {
  return (
    <More title="Redirect (instead of destinations)" path={path} setCount={useSetCount(path)} defaultOpen={open}>
      <div className="grid grid-cols-3 gap-2">
        <TextField path={[...path, 'uri']} label="URI" placeholder="/new-path" mono />
        <TextField path={[...path, 'authority']} label="Authority" placeholder="new.example.com" mono />
        <TextField path={[...path, 'scheme']} label="Scheme" placeholder="https" mono />
        <NumberField path={[...path, 'port']} label="Port" min={1} max={65535} />
        <SelectField path={[...path, 'derivePort']} label="Derive port" options={['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']} />
        <NumberField path={[...path, 'redirectCode']} label="Status code" placeholder="301" min={300} max={399} />
      </div>
      <p className="text-xs text-slate-500">A route with a redirect has no destinations; remove every redirect field to route again.</p>
    </More>
  );
}

function RewriteFields({ path }: { path: Path }) {
  return (
    <More title="Rewrite" path={path} setCount={useSetCount(path)}>
      <div className="grid grid-cols-2 gap-2">
        <TextField path={[...path, 'uri']} label="URI prefix becomes" placeholder="/" mono />
        <TextField path={[...path, 'authority']} label="Authority" mono />
        <TextField path={[...path, 'uriRegexRewrite', 'match']} label="Regex rewrite: match" mono />
        <TextField path={[...path, 'uriRegexRewrite', 'rewrite']} label="Regex rewrite: rewrite" placeholder="/\1" mono />
      </div>
    </More>
  );
}

function RetriesFields({ path }: { path: Path }) {
  return (
    <More title="Retries" path={path} setCount={useSetCount(path)}>
      <div className="grid grid-cols-3 gap-2">
        <NumberField path={[...path, 'attempts']} label="Attempts" min={0} />
        <TextField path={[...path, 'perTryTimeout']} label="Per-try timeout" placeholder="2s" mono />
        <TextField path={[...path, 'backoff']} label="Backoff" placeholder="25ms" mono />
      </div>
      <TextField path={[...path, 'retryOn']} label="Retry on" placeholder="5xx,gateway-error,connect-failure,refused-stream" mono />
      <CheckboxField path={[...path, 'retryRemoteLocalities']} label="Retry in other localities" />
    </More>
  );
}

function FaultFields({ path }: { path: Path }) {
  return (
    <More title="Fault injection" path={path} setCount={useSetCount(path)}>
      <div className="grid grid-cols-2 gap-2">
        <TextField path={[...path, 'delay', 'fixedDelay']} label="Delay" placeholder="5s" mono />
        <NumberField path={[...path, 'delay', 'percentage', 'value']} label="Delay: % of requests" min={0} max={100} step={0.1} />
        <NumberField path={[...path, 'abort', 'httpStatus']} label="Abort with HTTP status" placeholder="503" min={200} max={599} />
        <NumberField path={[...path, 'abort', 'percentage', 'value']} label="Abort: % of requests" min={0} max={100} step={0.1} />
      </div>
    </More>
  );
}

function MirrorFields({ path }: { path: Path }) {
  const { draft } = useEditor();
  const route = (getIn(draft, path) ?? {}) as Record<string, unknown>;
  const count = (route.mirror ? 1 : 0) + (route.mirrorPercentage ? 1 : 0);
  return (
    <More title="Mirror" path={[...path, 'mirror']} setCount={count}>
      <DestinationInputs path={[...path, 'mirror']} />
      <div className="w-48">
        <NumberField path={[...path, 'mirrorPercentage', 'value']} label="Mirror % of requests" min={0} max={100} step={0.1} />
      </div>
      {Array.isArray(route.mirrors) ? <p className="text-xs text-slate-500">This route also has `mirrors` ({(route.mirrors as unknown[]).length}); edit them in the YAML pane.</p> : null}
    </More>
  );
}

function HeadersFields({ path }: { path: Path }) {
  return (
    <More title="Headers" path={path} setCount={useSetCount(path)}>
      <div className="grid grid-cols-2 gap-3">
        <div className="space-y-2">
          <div className="text-xs font-semibold text-slate-500">Request</div>
          <KeyValueField path={[...path, 'request', 'set']} label="Set" keyPlaceholder="header" addLabel="Set header" />
          <KeyValueField path={[...path, 'request', 'add']} label="Add" keyPlaceholder="header" addLabel="Add header" />
          <StringListField path={[...path, 'request', 'remove']} label="Remove" addLabel="Remove header" />
        </div>
        <div className="space-y-2">
          <div className="text-xs font-semibold text-slate-500">Response</div>
          <KeyValueField path={[...path, 'response', 'set']} label="Set" keyPlaceholder="header" addLabel="Set header" />
          <KeyValueField path={[...path, 'response', 'add']} label="Add" keyPlaceholder="header" addLabel="Add header" />
          <StringListField path={[...path, 'response', 'remove']} label="Remove" addLabel="Remove header" />
        </div>
      </div>
    </More>
  );
}

function CorsFields({ path }: { path: Path }) {
  const { draft, set, readOnly } = useEditor();
  const origins = (getIn(draft, [...path, 'allowOrigins']) as unknown[] | undefined) ?? [];
  return (
    <More title="CORS policy" path={path} setCount={useSetCount(path)}>
      <div className="space-y-1" data-field="allowOrigins">
        <div className="text-xs font-medium text-slate-600 dark:text-slate-400">Allowed origins</div>
        {origins.map((_, k) => (
          <div key={k} className="flex items-end gap-1">
            <div className="flex-1">
              <StringMatchField path={[...path, 'allowOrigins', k]} label={`Origin ${k + 1}`} placeholder="https://app.example.com" />
            </div>
            {!readOnly ? (
              <button type="button" className="mb-1 text-xs text-slate-500" aria-label={`Remove origin ${k + 1}`} onClick={() => set([...path, 'allowOrigins'], origins.length === 1 ? undefined : origins.filter((__, j) => j !== k))}>
                ✕
              </button>
            ) : null}
          </div>
        ))}
        {!readOnly ? (
          <button type="button" className="text-xs text-sky-700 underline dark:text-sky-400" onClick={() => set([...path, 'allowOrigins'], [...origins, { exact: '' }])}>
            + Add origin
          </button>
        ) : null}
      </div>
      <div className="grid grid-cols-3 gap-2">
        <StringListField path={[...path, 'allowMethods']} label="Allow methods" addLabel="Add method" />
        <StringListField path={[...path, 'allowHeaders']} label="Allow headers" addLabel="Add header" />
        <StringListField path={[...path, 'exposeHeaders']} label="Expose headers" addLabel="Add header" />
      </div>
      <div className="grid grid-cols-2 gap-2">
        <TextField path={[...path, 'maxAge']} label="Max age" placeholder="24h" mono />
        <CheckboxField path={[...path, 'allowCredentials']} label="Allow credentials" />
      </div>
    </More>
  );
}
