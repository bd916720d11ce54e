/**
 * `gatescope analyze`: istioctl-analyze-like validation of Gateways, VirtualServices and
 * DestinationRules. With `-f` and no kubeconfig it analyzes the files alone (istioctl's
 * `--use-kube=false`); with a kubeconfig it analyzes the cluster, plus the files when given
 * (a file's object replaces the cluster's object of the same kind/namespace/name).
 */
import { analyze, type Finding } from '../../lib/analysis/analyze';
import { sortDedupe } from '../../lib/analysis/sort';
import { loadKubeConfig } from '../main';
import { InputError, listClusterObjects, readObjectFiles, type KubeObject } from './kube-objects';
import { parseCommand } from './args';

export const summary = 'validate Istio ingress configuration like istioctl analyze';

const HELP = `Usage: gatescope analyze [-f FILE|DIR ...] [--kubeconfig FILE] [--context NAME] [--output text|json]

  -f, --filename PATH   analyze these files or folders (YAML or JSON, several documents each)
  --kubeconfig FILE     analyze the cluster of this kubeconfig (with -f: cluster objects + files)
  --context NAME        kubeconfig context
  --use-kube            with -f, also read the cluster from the default kubeconfig
  -o, --output FORMAT   text (default) or json (istioctl's JSON: [{code, level, origin, message, documentationUrl}])
  --suppress CODE=ORIGIN  ignore a finding, e.g. "IST0102=Namespace default" (repeatable)

Objects annotated galley.istio.io/analyze-suppress=CODE[,CODE...] (or "*") are not reported for
those codes, as istioctl does; gatescope keeps the reason in gatescope.dev/suppress-reason.

Exit code: 0 when there is no error, 1 when there are errors, 2 for bad input.
`;

const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * Files describe Deployments, not their pods. When analyzing files alone, each Deployment with
 * replicas > 0 stands in for its pods with one pod from its template, so selector and subset
 * checks see the workloads the files will create (istioctl analyze would call them missing).
 */
export function podsFromDeployments(objects: KubeObject[]): KubeObject[] {
  const pods: KubeObject[] = [];
  for (const d of objects) {
    if (d.kind !== 'Deployment') continue;
    const spec = d.spec as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: unknown } } | undefined;
    if (spec?.replicas === 0 || !spec?.template) continue;
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${d.metadata.name}-template`, namespace: d.metadata.namespace ?? 'default', labels: spec.template.metadata?.labels ?? {} },
      spec: spec.template.spec,
      status: { phase: 'Running' },
    });
  }
  return pods;
}

export function formatText(findings: Finding[]): string {
  if (findings.length === 0) return '✔ No validation issues found when analyzing the given configuration.';
  return findings.map((f) => `${f.level} [${f.code}] (${f.origin}) ${f.message}`).join('\n');
}

export function formatJson(findings: Finding[]): string {
  return JSON.stringify(
    findings.map((f) => ({ code: f.code, level: f.level, origin: f.origin, message: f.message, documentationUrl: f.documentationUrl })),
    null,
    2,
  );
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    'analyze',
    argv,
    {
      filename: { type: 'string', short: 'f', multiple: true },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'use-kube': { type: 'boolean', default: false },
      output: { type: 'string', short: 'o', default: 'text' },
      suppress: { type: 'string', multiple: true },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.output !== 'text' && values.output !== 'json') {
    console.error(`gatescope analyze: --output must be text or json, got "${values.output}"`);
    return 2;
  }
  const files = values.filename ?? [];
  const useKube = !!values.kubeconfig || !!values.context || values['use-kube'] || files.length === 0;
  let objects: KubeObject[] = [];
  try {
    if (useKube) {
      const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
      objects = await listClusterObjects(kc);
    }
    if (files.length) {
      const fromFiles = readObjectFiles(files);
      const replaced = new Set(fromFiles.map(key));
      objects = [...objects.filter((o) => !replaced.has(key(o))), ...fromFiles];
      if (!useKube) objects.push(...podsFromDeployments(fromFiles));
    }
  } catch (err) {
    console.error(`gatescope analyze: ${(err as Error).message}`);
    return err instanceof InputError ? 2 : 1;
  }
  const suppressed = new Set(values.suppress ?? []);
  const findings = sortDedupe(analyze(objects, { now: new Date() })).filter((f) => !suppressed.has(`${f.code}=${f.origin}`));
  console.log(values.output === 'json' ? formatJson(findings) : formatText(findings));
  return findings.some((f) => f.level === 'Error') ? 1 : 0;
}
