'use client';
/**
 * The DestinationRule form: the host it applies to, its traffic policy, and its subsets (labels
 * picked from the labels of the Service's pods, with a live count of the pods each selects).
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
import { useEditor } from './editor-context';
import { FieldIssues, More, Section, TextField, smallButton, useSetCount } from './fields';
import { LabelPicker } from './label-picker';
import { StringListField } from './list-fields';
import { MetadataFields } from './metadata-fields';
import { fqdn } from './cluster-index';
import { getIn } from './object-path';
import { TrafficPolicyFields } from './traffic-policy-fields';

type Json = Record<string, unknown>;

export function DestinationRuleForm() {
  const { draft, cluster, set, readOnly } = useEditor();
  const ns = draft.metadata.namespace ?? '';
  const host = String(getIn(draft, ['spec', 'host']) ?? '');
  const svc = host ? cluster.service(host, ns) : undefined;
  const svcPods = cluster.servicePods(svc);
  const subsets = (getIn(draft, ['spec', 'subsets']) as Json[] | undefined) ?? [];
  const others = host
    ? cluster.destinationRules.filter(
        (dr) =>
          typeof dr.spec?.host === 'string' &&
          fqdn(dr.spec.host, dr.metadata.namespace ?? '') === fqdn(host, ns) &&
          !(dr.metadata.namespace === ns && dr.metadata.name === draft.metadata.name),
      )
    : [];
  const hostSuggestions = cluster.services.map((s) => `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`).sort();
  return (
    <div className="space-y-3">
      <Section title="DestinationRule">
        <MetadataFields />
        <div className="mt-2">
          <TextField
            path={['spec', 'host']}
            label="Host"
            list={hostSuggestions}
            placeholder="reviews.default.svc.cluster.local"
            mono
            hint={!host ? 'The Service (or ServiceEntry host) this rule applies to.' : svc ? `Service ${svc.metadata.namespace}/${svc.metadata.name}: ${svcPods.length} pod${svcPods.length === 1 ? '' : 's'}` : 'Not a Service of the cluster.'}
          />
          {others.length ? (
            <p className="mt-1 text-xs text-amber-800 dark:text-amber-300" data-testid="other-rules">
              Also for this host: {others.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).join(', ')}. Istio merges rules of one namespace (subsets of both apply; the
              first rule&apos;s traffic policy wins) — keep subset names distinct.
            </p>
          ) : null}
        </div>
      </Section>
      <Section title="Traffic policy" path={['spec', 'trafficPolicy']} subtitle="for every subset, unless the subset overrides it">
        <TrafficPolicyFields path={['spec', 'trafficPolicy']} />
      </Section>
      <Section title="Subsets" path={['spec', 'subsets']} subtitle={svc ? `versions of ${svc.metadata.name}, by pod labels` : undefined}>
        <div className="space-y-2">
          {subsets.map((s, i) => (
            <SubsetFields key={i} index={i} name={String(s.name ?? '')} candidates={svcPods} onRemove={() => set(['spec', 'subsets'], subsets.filter((_, j) => j !== i))} />
          ))}
          {!readOnly ? (
            <button type="button" className={smallButton} onClick={() => set(['spec', 'subsets'], [...subsets, { name: `v${subsets.length + 1}`, labels: {} }])}>
              + Add subset
            </button>
          ) : null}
        </div>
      </Section>
      <More title="Visibility (exportTo)" path={['spec', 'exportTo']} setCount={useSetCount(['spec'], ['exportTo', 'workloadSelector'])}>
        <StringListField path={['spec', 'exportTo']} label="Namespaces this rule is visible to (`.` = own, `*` = all)" addLabel="Add namespace" />
      </More>
    </div>
  );
}

function SubsetFields({ index, name, candidates, onRemove }: { index: number; name: string; candidates: ReturnType<ReturnType<typeof useEditor>['cluster']['servicePods']>; onRemove(): void }) {
  const { readOnly } = useEditor();
  const path = ['spec', 'subsets', index] as const;
  return (
    <div className="space-y-2 rounded border border-slate-200 p-2 dark:border-slate-800" data-field={`spec.subsets[${index}]`} data-testid="subset">
      <div className="flex items-end gap-2">
        <div className="w-48">
          <TextField path={[...path, 'name']} label={`Subset ${index + 1} name`} mono />
        </div>
        {!readOnly ? (
          <button type="button" className={`${smallButton} ml-auto`} aria-label={`Remove subset ${name || index + 1}`} onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </div>
      <FieldIssues path={[...path]} />
      <LabelPicker path={[...path, 'labels']} label="Pod labels" candidates={candidates} candidatesLabel="pods of the Service" />
      <More title="Subset traffic policy (overrides the rule's)" path={[...path, 'trafficPolicy']} setCount={useSetCount([...path, 'trafficPolicy'])}>
        <TrafficPolicyFields path={[...path, 'trafficPolicy']} />
      </More>
    </div>
  );
}
