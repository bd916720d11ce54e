/**
 * `analyze(snapshot, options)`: istioctl-analyze-like semantic checks of Gateways,
 * VirtualServices and DestinationRules, and of the Services, Pods, Secrets and Ingresses they
 * reference. Pure: the snapshot is a list of objects, time is `options.now`. Findings on objects
 * annotated `galley.istio.io/analyze-suppress` with their code are left out, as istioctl does
 * (see ./suppress).
 */
import { documentationUrl, messageType, sprintf } from './messages';
import { analyzers } from './rules';
import { kindKey, nsOf, originOf } from './support/objects';
import { suppressionOf } from './suppress';
import type { AnalyzeOptions, Analyzer, AnalyzerContext, Finding, KubeObject, Snapshot } from './types';

export type { AnalyzeOptions, Analyzer, Finding, KubeObject, Level, Snapshot } from './types';
export { analyzers } from './rules';

function index(objects: readonly KubeObject[]) {
  const byKind = new Map<string, KubeObject[]>();
  const byKey = new Map<string, KubeObject>();
  for (const o of objects) {
    if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') continue;
    const k = kindKey(o);
    byKind.set(k, [...(byKind.get(k) ?? []), o]);
    const key = `${k}\u0000${nsOf(o)}\u0000${o.metadata.name}`;
    if (!byKey.has(key)) byKey.set(key, o);
  }
  return { byKind, byKey };
}

function selected(options: AnalyzeOptions): { run: readonly Analyzer[]; codes?: Set<string> } {
  if (!options.analyzers) return { run: analyzers };
  const want = new Set(options.analyzers);
  const codes = [...want].filter((x) => /^(IST|GSC)\d{4}$/.test(x));
  const run = analyzers.filter((a) => want.has(a.name) || a.codes.some((c) => want.has(c)));
  const byName = analyzers.some((a) => want.has(a.name));
  return { run, ...(codes.length && !byName ? { codes: new Set(codes) } : {}) };
}

/**
 * Runs the analyzers over the snapshot and returns their findings, analyzer by analyzer, in the
 * order each reports them.
 */
export function analyze(snapshot: Snapshot | readonly KubeObject[], options: AnalyzeOptions = {}): Finding[] {
  const objects = 'objects' in snapshot ? snapshot.objects : snapshot;
  const { byKind, byKey } = index(objects);
  const findings: Finding[] = [];
  const { run, codes } = selected(options);
  for (const a of run) {
    const ctx: AnalyzerContext = {
      options,
      list: (kind) => byKind.get(kind) ?? [],
      find: (kind, namespace, name) => byKey.get(`${kind}\u0000${namespace}\u0000${name}`),
      report(code, origin, args, extra) {
        if (codes && !codes.has(code)) return;
        const suppressed = suppressionOf(origin, code);
        if (suppressed && !options.includeSuppressed) return;
        const t = messageType(code);
        findings.push({
          code,
          level: t.level,
          origin: originOf(origin),
          message: sprintf(t.template, args),
          ...(extra?.path ? { path: extra.path } : {}),
          documentationUrl: documentationUrl(code),
          ...(extra?.fix ? { fix: extra.fix } : {}),
          analyzer: a.name,
          resource: { kind: origin.kind, namespace: nsOf(origin), name: origin.metadata.name },
          ...(suppressed ? { suppressed } : {}),
        });
      },
    };
    a.analyze(ctx);
  }
  return findings;
}
