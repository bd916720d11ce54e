import { describe, expect, it } from 'vitest';
import { rulesAllow } from './rbac-rules';

describe('rulesAllow (SelfSubjectRulesReview rules)', () => {
  const rules = [
    { verbs: ['get', 'list', 'watch'], apiGroups: ['networking.istio.io'], resources: ['virtualservices'] },
    { verbs: ['*'], apiGroups: [''], resources: ['pods/log'] },
    { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['only-this'] },
  ];

  it('matches verb, group and resource, with wildcards', () => {
    expect(rulesAllow(rules, { verb: 'list', group: 'networking.istio.io', resource: 'virtualservices' })).toBe(true);
    expect(rulesAllow(rules, { verb: 'update', group: 'networking.istio.io', resource: 'virtualservices' })).toBe(false);
    expect(rulesAllow(rules, { verb: 'list', group: '', resource: 'virtualservices' })).toBe(false);
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'pods', subresource: 'log' })).toBe(true);
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'pods' })).toBe(false);
    expect(rulesAllow([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], { verb: 'list', group: 'apps', resource: 'deployments' })).toBe(true);
  });

  it('applies resourceNames only to named requests (a list is never allowed by them)', () => {
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'secrets', name: 'only-this' })).toBe(true);
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'secrets', name: 'other' })).toBe(false);
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'secrets' })).toBe(false);
  });
});
