/**
 * Evaluates the `resourceRules` of a SelfSubjectRulesReview answer locally (the rule semantics of
 * Kubernetes RBAC: `*` wildcards, `resource/subresource`, `resourceNames`). Used to learn in one
 * call per namespace which kinds a user may list there.
 *
 * A SelfSubjectRulesReview may be `incomplete` (webhook authorizers, other modes): rules then
 * under-state what is allowed, never over-state it, so a "no" here is only ever too strict.
 */

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface RuleQuery {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Asking about a named object; rules restricted by `resourceNames` apply only then. */
  name?: string;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

export function ruleAllows(rule: ResourceRule, q: RuleQuery): boolean {
  if (!has(rule.verbs, q.verb)) return false;
  if (!has(rule.apiGroups, q.group)) return false;
  const combined = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  const resources = rule.resources ?? [];
  const resourceOk =
    resources.includes('*') ||
    resources.includes(combined) ||
    (q.subresource !== undefined && resources.includes(`*/${q.subresource}`)) ||
    (q.subresource === undefined ? false : resources.includes(`${q.resource}/*`));
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return q.name !== undefined && rule.resourceNames.includes(q.name);
  return true;
}

export function rulesAllow(rules: readonly ResourceRule[], q: RuleQuery): boolean {
  return rules.some((r) => ruleAllows(r, q));
}
