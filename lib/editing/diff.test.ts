import { describe, expect, it } from 'vitest';
import { diff } from './diff';
import { webService } from './fixtures/web-service';
import { setAt } from './path';

const brief = (cs: ReturnType<typeof diff>) => cs.map((c) => `${c.op} ${c.display}`);

describe('diff', () => {
  it('is empty between an object and its copy, and ignores server-managed fields', () => {
    const a = webService('100');
    const b = setAt(setAt(webService('205'), ['metadata', 'generation'], 4), ['status'], { conditions: [] });
    expect(diff(a, webService('100'))).toEqual([]);
    expect(diff(a, b)).toEqual([]);
    expect(brief(diff(a, b, { ignore: [] }))).toEqual(['replace metadata.resourceVersion', 'replace metadata.generation', 'add status']);
  });

  it('reports a changed weight with Kubernetes and pointer paths and both values', () => {
    const a = webService();
    const b = setAt(a, ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    expect(diff(a, b)).toEqual([
      { op: 'replace', path: ['spec', 'http', 2, 'route', 0, 'weight'], pointer: '/spec/http/2/route/0/weight', display: 'spec.http[2].route[0].weight', before: 80, after: 50 },
    ]);
  });

  it('reports additions and removals, including fields no form knows', () => {
    const a = webService();
    let b = setAt(a, ['spec', 'http', 0, 'timeout'], '5s');
    b = setAt(b, ['spec', 'futureField', 'mode'], undefined);
    b = setAt(b, ['metadata', 'annotations', 'x-vendor.example.com/owner'], 'team-b');
    expect(diff(a, b).map((c) => [c.op, c.display, c.before, c.after])).toEqual([
      ['replace', 'metadata.annotations[x-vendor.example.com/owner]', 'team-a', 'team-b'],
      ['remove', 'spec.futureField.mode', 'shadow', undefined],
      ['add', 'spec.http[0].timeout', undefined, '5s'],
    ]);
  });

  it('matches named routes by name: an insertion at the top is one add, not a change of every route', () => {
    const a = webService();
    const routes = (a.spec as { http: unknown[] }).http;
    const b = setAt(a, ['spec', 'http'], [{ name: 'canary', route: [{ destination: { host: 'canary' } }] }, ...routes]);
    expect(brief(diff(a, b))).toEqual(['add spec.http[0]']);
    const c = setAt(b, ['spec', 'http', 3, 'timeout'], '3s');
    expect(brief(diff(a, c))).toEqual(['add spec.http[0]', 'add spec.http[3].timeout']);
  });

  it('reports a reorder of named routes once, with the names in both orders', () => {
    const a = webService();
    const [v1, v2, split] = (a.spec as { http: unknown[] }).http;
    const b = setAt(a, ['spec', 'http'], [v2, v1, split]);
    expect(diff(a, b).map((c) => [c.op, c.display, c.before, c.after])).toEqual([['reorder', 'spec.http', ['v1', 'v2', 'split'], ['v2', 'v1', 'split']]]);
  });

  it('matches unnamed list elements by index', () => {
    const a = { spec: { hosts: ['a', 'b'], http: [{ route: [] }, { route: [] }] } };
    const b = { spec: { hosts: ['a', 'c', 'd'], http: [{ route: [], timeout: '1s' }] } };
    expect(diff(a, b).map((c) => [c.op, c.display, c.before, c.after])).toEqual([
      ['replace', 'spec.hosts[1]', 'b', 'c'],
      ['add', 'spec.hosts[2]', undefined, 'd'],
      ['add', 'spec.http[0].timeout', undefined, '1s'],
      ['remove', 'spec.http[1]', { route: [] }, undefined],
    ]);
  });
});
