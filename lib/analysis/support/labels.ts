/**
 * Equality-based label selectors as Istio's analyzers build them
 * (`k8s.io/apimachinery/pkg/labels.SelectorFromSet`).
 *
 * NOTE(unify): `lib/kube/selector.ts` (full label selectors) is being written in parallel; the
 * analyzers only need set-based equality selectors and their canonical string.
 */

export type LabelSet = Readonly<Record<string, string>>;

/** `SelectorFromSet(set).String()`: `a=1,b=2`, keys sorted; `""` for an empty set. */
export function selectorString(set: LabelSet | undefined): string {
  return Object.keys(set ?? {})
    .sort()
    .map((k) => `${k}=${set![k]}`)
    .join(',');
}

/** Whether `labels` satisfy every `key=value` of `selector` (an empty selector matches everything). */
export function selectorMatches(selector: LabelSet | undefined, labels: LabelSet | undefined): boolean {
  for (const [k, v] of Object.entries(selector ?? {})) if ((labels ?? {})[k] !== v) return false;
  return true;
}

/** Parses `a=1,b=2` back into a set (the ConflictingGatewayAnalyzer's `parseSelectorFromString`). */
export function parseSelectorString(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of s.split(',')) {
    const kv = pair.split('=');
    if (kv.length === 2) out[kv[0]!] = kv[1]!;
  }
  return out;
}
