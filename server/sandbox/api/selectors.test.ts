import { describe, expect, it } from 'vitest';
import { formatLabelSelector, labelSelectorMatcher, matchFields, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';

describe('label selectors', () => {
  it('parses the apimachinery grammar', () => {
    const m = parseLabelSelector('app=web,tier in (a, b),!legacy,version!=v0,env');
    expect(m({ app: 'web', tier: 'b', version: 'v1', env: 'x' })).toBe(true);
    expect(m({ app: 'web', tier: 'c', version: 'v1', env: 'x' })).toBe(false);
    expect(m({ app: 'web', tier: 'a', version: 'v1', env: 'x', legacy: 'y' })).toBe(false);
    expect(m({ app: 'web', tier: 'a', env: 'x' })).toBe(true);
    expect(parseLabelSelector('a notin (x)')({})).toBe(true);
    expect(parseLabelSelector('')({})).toBe(true);
    expect(() => parseLabelSelector('===')).toThrow(SelectorError);
  });

  it('matches and prints metav1.LabelSelector', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] };
    expect(labelSelectorMatcher(sel)({ app: 'web', tier: 'a' })).toBe(true);
    expect(labelSelectorMatcher(null)({ app: 'web' })).toBe(false);
    expect(formatLabelSelector(sel)).toBe('app=web,tier in (a,b)');
    expect(formatLabelSelector({})).toBe('<none>');
  });
});

describe('field selectors', () => {
  it('parses = == != and matches absent fields as empty', () => {
    const reqs = parseFieldSelector('metadata.name=a,status.phase!=Running,spec.nodeName==');
    expect(reqs).toEqual([
      { field: 'metadata.name', op: '=', value: 'a' },
      { field: 'status.phase', op: '!=', value: 'Running' },
      { field: 'spec.nodeName', op: '=', value: '' },
    ]);
    const get = (f: string) => ({ 'metadata.name': 'a', 'status.phase': 'Pending' })[f];
    expect(matchFields(reqs, get)).toBe(true);
    expect(() => parseFieldSelector('nonsense')).toThrow(SelectorError);
  });
});
