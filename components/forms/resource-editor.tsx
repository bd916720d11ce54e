'use client';
/**
 * The editor page of one Gateway, VirtualService or DestinationRule (or a new one): the form and
 * the YAML pane over one draft, validation as you type, and the apply bar (diff, server dry-run,
 * apply) with the 409 path. Read-only, with the reason, when the user may not write it.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { checkAccess } from '@/components/data/api';
import { useClusterObjects } from '@/components/data/use-resources';
import { useConnectionState } from '@/components/data/use-stream';
import { applyFix, proposeFix, type ProposedFix } from '@/lib/analysis/fixes';
import { withSuppression } from '@/lib/analysis/suppress';
import type { KubeObject as AnalysisObject } from '@/lib/analysis/types';
import { KINDS, type KubeObject } from '@/components/resources/kinds';
import { ApplyBar } from './apply-bar';
import { ClusterIndex } from './cluster-index';
import { DestinationRuleForm } from './destination-rule-form';
import { EditorBanners } from './editor-banners';
import { EditorContext, type EditorContextValue } from './editor-context';
import { EditorHeader } from './editor-header';
import { FindingsList } from './findings-list';
import { GatewayForm } from './gateway-form';
import { setIn, type Path } from './object-path';
import { prefillFix } from './prefill';
import { useApplyPipeline } from './use-apply';
import { useEditSession, type SessionTarget } from './use-edit-session';
import { indexIssues, validateDraft, type Issue } from './validation';
import { VirtualServiceForm } from './virtual-service-form';
import { YamlPane } from './yaml-pane';
import type { YamlError } from './yaml-text';

const FORMS = { gateways: GatewayForm, virtualservices: VirtualServiceForm, destinationrules: DestinationRuleForm };

export function ResourceEditor({ target, justCreated }: { target: SessionTarget; justCreated?: boolean }) {
  const info = KINDS[target.plural];
  const session = useEditSession(target);
  const { objects, loaded } = useClusterObjects();
  const cluster = useMemo(() => new ClusterIndex(objects), [objects]);
  const pipeline = useApplyPipeline(target.plural, session);
  const [yamlError, setYamlError] = useState<YamlError | undefined>();
  const [now] = useState(() => Date.now());

  const draft = session.state?.draft;
  const ns = draft?.metadata.namespace ?? (target.mode === 'edit' ? target.namespace : target.namespace);
  const verb = target.mode === 'edit' ? 'update' : 'create';
  const access = useQuery({
    queryKey: ['gatescope', 'access', verb, target.plural, ns, target.mode === 'edit' ? target.name : ''],
    queryFn: () => checkAccess({ verb, plural: target.plural, namespace: ns, name: target.mode === 'edit' ? target.name : undefined }),
    enabled: !!ns,
    staleTime: 60_000,
  });
  const readOnly = access.data?.allowed === false;

  const deferred = useDeferredValue(draft);
  const issues = useMemo(
    () => (deferred && loaded ? validateDraft(deferred, { cluster: objects, creating: session.creating, now }) : []),
    [deferred, objects, loaded, session.creating, now],
  );
  const allIssues = useMemo(() => {
    // A server cause the local check already shows (same field, same message) is not repeated.
    const local = new Set(issues.map((i) => `${i.path}\u0000${i.message}`));
    return [...pipeline.serverIssues.filter((i) => !local.has(`${i.path}\u0000${i.message}`)), ...issues];
  }, [pipeline.serverIssues, issues]);
  const indexed = useMemo(() => indexIssues(allIssues), [allIssues]);

  // Prefilled fixes, computed over the cluster with the draft in place of the stored object.
  const router = useRouter();
  const { context } = useConnectionState();
  const fixes = useMemo(() => {
    const m = new Map<Issue, ProposedFix>();
    if (!deferred) return m;
    const same = (o: KubeObject) => o.kind === deferred.kind && o.metadata.namespace === deferred.metadata.namespace && o.metadata.name === deferred.metadata.name;
    const snapshot = [...objects.filter((o) => !same(o)), deferred] as unknown as AnalysisObject[];
    for (const i of issues) {
      const fix = i.finding ? proposeFix(i.finding, snapshot) : undefined;
      if (fix) m.set(i, fix);
    }
    return m;
  }, [issues, objects, deferred]);
  const [fixError, setFixError] = useState<string | undefined>();
  const onFix = useCallback(
    (fix: ProposedFix) => {
      setFixError(undefined);
      const d = session.state?.draft;
      if (d && fix.target.kind === d.kind && fix.target.namespace === (d.metadata.namespace ?? '') && fix.target.name === d.metadata.name) {
        const next = applyFix(d, fix);
        if (next) session.setDraft(next);
        else setFixError('The draft changed since the finding: the fix no longer applies.');
        return;
      }
      // Another object (the DestinationRule that lacks the subset): its editor, prefilled. This
      // draft stays in storage and is here when the user comes back.
      const r = prefillFix(context ?? '', fix, objects, Date.now());
      if ('error' in r) setFixError(r.error);
      else router.push(r.href);
    },
    [session, context, objects, router],
  );

  const { setDraft } = session;
  const set = useCallback(
    (path: Path, value: unknown) => {
      setYamlError(undefined);
      setDraft((d) => setIn(d, path, value));
    },
    [setDraft],
  );
  const update = useCallback(
    (fn: (d: KubeObject) => KubeObject) => {
      setYamlError(undefined);
      setDraft(fn);
    },
    [setDraft],
  );

  const ctx: EditorContextValue | null = useMemo(
    () => (draft ? { draft, set, update, issues: indexed, readOnly, creating: session.creating, cluster } : null),
    [draft, set, update, indexed, readOnly, session.creating, cluster],
  );

  if (session.notFound && justCreated) {
    // The create answered before the watch delivered the new object to this page.
    return <p className="animate-pulse p-6 text-sm text-slate-500">Created; waiting for the cluster&apos;s watch to deliver it…</p>;
  }
  if (session.notFound) {
    const what = target.mode === 'edit' ? `${info.kind} ${target.namespace}/${target.name}` : `the ${info.kind} to clone`;
    return (
      <div className="mx-auto max-w-3xl p-6" data-testid="not-found">
        <h1 className="text-lg font-semibold">Not found</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          {what} does not exist in the cluster (or no longer does).{' '}
          <Link href={`/${target.plural}`} className="text-sky-700 underline dark:text-sky-400">
            Back to {info.title}
          </Link>
        </p>
      </div>
    );
  }
  if (!session.state || !ctx) {
    return <p className="p-6 text-sm text-slate-500 animate-pulse">Loading {info.kind} from the cluster…</p>;
  }

  const Form = FORMS[target.plural];
  return (
    <EditorContext.Provider value={ctx}>
      <div className="flex h-[calc(100vh-41px)] flex-col" data-testid="resource-editor" data-kind={info.kind}>
        <EditorHeader target={target} session={session} readOnly={readOnly} />
        <EditorBanners
          session={session}
          pipeline={pipeline}
          access={access.data}
          accessError={access.error ? (access.error as Error).message : undefined}
          yamlError={yamlError}
          justCreated={justCreated}
        />
        <div className="grid min-h-0 flex-1 grid-cols-[minmax(0,1fr)_minmax(380px,42%)]">
          <div className="min-h-0 overflow-y-auto bg-slate-50 p-4 dark:bg-slate-950" data-testid="form">
            <fieldset disabled={readOnly} className="min-w-0">
              <legend className="sr-only">{info.kind} form</legend>
              <Form />
            </fieldset>
          </div>
          <div className="flex min-h-0 flex-col border-l border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <div className="min-h-0 flex-[3]">
              <YamlPane
                draft={session.state.draft}
                onDraft={(d) => session.setDraft(d)}
                onError={setYamlError}
                readOnly={readOnly}
                constraints={{ kind: info.kind, fixedName: target.mode === 'edit' ? { name: target.name, namespace: target.namespace } : undefined }}
              />
            </div>
            <div className="flex min-h-0 flex-[2] flex-col border-t border-slate-200 dark:border-slate-800">
              {fixError ? (
                <p role="alert" className="border-b border-red-200 bg-red-50 px-3 py-1 text-xs text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
                  {fixError}
                </p>
              ) : null}
              <FindingsList issues={allIssues} validating={deferred !== draft || !loaded} fixes={readOnly ? undefined : fixes}
                onFix={onFix}
                onSuppress={readOnly ? undefined : (code, reason) => update((d) => withSuppression(d, code, reason))}
              />
            </div>
          </div>
        </div>
        <ApplyBar session={session} pipeline={pipeline} issues={allIssues} readOnly={readOnly} readOnlyReason={access.data?.reason} yamlError={yamlError} validating={deferred !== draft || !loaded} />
      </div>
    </EditorContext.Provider>
  );
}
