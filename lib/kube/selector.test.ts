import { describe, expect, it } from 'vitest';
import {
  compileLabelSelector,
  fieldValue,
  formatLabelSelector,
  formatRequirement,
  matchesFieldSelector,
  matchesLabelSelector,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  unsupportedFieldLabel,
} from './selector';

describe('parseLabelSelector (the ?labelSelector= string form)', () => {
  it('parses every operator of a = b, c != d, e in (x,y), !f, g, and sorts by key', () => {
    const reqs = parseLabelSelector('a=b,c!=d,e in (y,x),!f,g');
    expect(reqs).toEqual([
      { key: 'a', operator: '=', values: ['b'] },
      { key: 'c', operator: '!=', values: ['d'] },
      { key: 'e', operator: 'in', values: ['x', 'y'] },
      { key: 'f', operator: '!', values: [] },
      { key: 'g', operator: 'exists', values: [] },
    ]);
    expect(reqs.map(formatRequirement).join(',')).toBe('a=b,c!=d,e in (x,y),!f,g');
  });

  it('accepts ==, notin, gt/lt, whitespace, and in/notin as values', () => {
    expect(parseLabelSelector(' tier == web , env notin (prod) , n > 3, m<10, x in (in,notin)')).toEqual([
      { key: 'env', operator: 'notin', values: ['prod'] },
      { key: 'm', operator: 'lt', values: ['10'] },
      { key: 'n', operator: 'gt', values: ['3'] },
      { key: 'tier', operator: '==', values: ['web'] },
      { key: 'x', operator: 'in', values: ['in', 'notin'] },
    ]);
  });

  it('treats empty values as apimachinery does: `a=`, `b in ()`, `c in (x,,y)`', () => {
    expect(parseLabelSelector('a=,b in (),c in (x,,y)')).toEqual([
      { key: 'a', operator: '=', values: [''] },
      { key: 'b', operator: 'in', values: [''] },
      { key: 'c', operator: 'in', values: ['', 'x', 'y'] },
    ]);
  });

  it('accepts prefixed keys and the empty selector', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=web')[0]!.key).toBe('app.kubernetes.io/name');
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('   ')).toEqual([]);
  });

  it.each([
    ['a=b,', "found '', expected: identifier after ','"],
    ['a b', "found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in x', "found 'x' expected: '('"],
    ['a in (x', "found '', expected: ',' or ')'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a>b', 'the value must be an integer'],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['bad key=x', "found 'key', expected: in, notin, =, ==, !=, gt, lt"],
    ['-x=y', 'name part must consist of alphanumeric characters'],
    ['a=-b', 'a valid label must be an empty string'],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
  ])('rejects %j with the apiserver message', (s, msg) => {
    expect(() => parseLabelSelector(s)).toThrow(SelectorError);
    expect(() => parseLabelSelector(s)).toThrow(msg);
  });

  it('evaluates each requirement as labels.Requirement.Matches does', () => {
    const m = compileLabelSelector('a=b,c!=d,e in (x,y),!f,g');
    expect(m({ a: 'b', e: 'x', g: '' })).toBe(true);
    expect(m({ a: 'b', c: 'z', e: 'y', g: '1' })).toBe(true);
    expect(m({ a: 'b', c: 'd', e: 'x', g: '' })).toBe(false); // c != d fails
    expect(m({ a: 'b', e: 'x', f: '', g: '' })).toBe(false); // !f fails
    expect(m({ a: 'b', e: 'z', g: '' })).toBe(false); // e in (x,y) fails
    expect(m({ a: 'b', e: 'x' })).toBe(false); // g must exist
    expect(m(undefined)).toBe(false);
    // notin and != hold when the key is absent
    expect(compileLabelSelector('env notin (prod),x!=y')({})).toBe(true);
    // gt/lt need an integer label value
    expect(compileLabelSelector('n>3')({ n: '4' })).toBe(true);
    expect(compileLabelSelector('n>3')({ n: '3' })).toBe(false);
    expect(compileLabelSelector('n<3')({ n: 'x' })).toBe(false);
    expect(compileLabelSelector('')({})).toBe(true);
  });
});

describe('metav1.LabelSelector', () => {
  it('combines matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist', () => {
    const sel = {
      matchLabels: { app: 'httpd' },
      matchExpressions: [
        { key: 'version', operator: 'In' as const, values: ['v1', 'v2'] },
        { key: 'track', operator: 'NotIn' as const, values: ['canary'] },
        { key: 'team', operator: 'Exists' as const },
        { key: 'legacy', operator: 'DoesNotExist' as const },
      ],
    };
    expect(matchesLabelSelector(sel, { app: 'httpd', version: 'v1', team: 'a' })).toBe(true);
    expect(matchesLabelSelector(sel, { app: 'httpd', version: 'v3', team: 'a' })).toBe(false);
    expect(matchesLabelSelector(sel, { app: 'httpd', version: 'v1', team: 'a', track: 'canary' })).toBe(false);
    expect(matchesLabelSelector(sel, { app: 'httpd', version: 'v1' })).toBe(false);
    expect(matchesLabelSelector(sel, { app: 'httpd', version: 'v1', team: 'a', legacy: 'yes' })).toBe(false);
    expect(formatLabelSelector(sel)).toBe('app=httpd,!legacy,team,track notin (canary),version in (v1,v2)');
  });

  it('selects everything when empty and nothing when null or invalid', () => {
    expect(matchesLabelSelector({}, { a: 'b' })).toBe(true);
    expect(matchesLabelSelector(null, { a: 'b' })).toBe(false);
    expect(matchesLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, { a: 'b' })).toBe(false);
    expect(formatLabelSelector({})).toBe('<none>');
  });

  it('matchesLabels is SelectorFromSet: an empty set matches everything', () => {
    expect(matchesLabels({ istio: 'ingressgateway' }, { istio: 'ingressgateway', app: 'x' })).toBe(true);
    expect(matchesLabels({ istio: 'ingressgateway' }, { app: 'x' })).toBe(false);
    expect(matchesLabels({}, undefined)).toBe(true);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'web-1', namespace: 'default' }, spec: { hostNetwork: false, nodeName: 'n1' }, status: { phase: 'Running' } };

  it('parses metadata.name=x,status.phase!=Running and matches objects', () => {
    const reqs = parseFieldSelector('metadata.name=web-1,status.phase!=Running');
    expect(reqs).toEqual([
      { field: 'metadata.name', operator: '=', value: 'web-1' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    expect(matchesFieldSelector(reqs, pod)).toBe(false);
    expect(matchesFieldSelector(parseFieldSelector('metadata.name==web-1,status.phase=Running'), pod)).toBe(true);
    expect(matchesFieldSelector(parseFieldSelector('spec.hostNetwork=false'), pod)).toBe(true);
    // an absent field reads as ''
    expect(matchesFieldSelector(parseFieldSelector('spec.schedulerName='), pod)).toBe(true);
    expect(fieldValue(pod, 'metadata.uid')).toBeUndefined();
  });

  it('unescapes \\, \\= \\\\ and rejects bad escapes and unescaped characters', () => {
    expect(parseFieldSelector('metadata.name=a\\,b\\=c\\\\d')).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
    expect(() => parseFieldSelector('metadata.name=a\\x')).toThrow('invalid escape sequence');
    expect(() => parseFieldSelector('a=b=c')).toThrow('unescaped character in value: =');
    expect(() => parseFieldSelector('metadata.name')).toThrow("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    expect(parseFieldSelector('')).toEqual([]);
  });

  it('knows which field labels a kind supports', () => {
    expect(unsupportedFieldLabel('Pod', parseFieldSelector('status.phase=Running'))).toBeUndefined();
    expect(unsupportedFieldLabel('VirtualService', parseFieldSelector('spec.hosts=x'))).toBe('field label not supported: spec.hosts');
  });
});
