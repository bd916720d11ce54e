import { describe, expect, it } from 'vitest';
import { webService } from './fixtures/web-service';
import { getAt, setAt } from './path';
import { rebase } from './rebase';
import type { KubeResource } from './draft';

type Route = { name?: string; [k: string]: unknown };
const routes = (o: KubeResource) => (o.spec as { http: Route[] }).http;
const names = (o: KubeResource) => routes(o).map((r) => r.name);
/** What the server does to a write: a new resourceVersion and generation, and a manager entry. */
const written = (o: KubeResource, rv: string) =>
  setAt(setAt(setAt(o, ['metadata', 'resourceVersion'], rv), ['metadata', 'generation'], 2), ['metadata', 'managedFields', 1], { manager: 'kubectl-edit', operation: 'Update' });

describe('rebase: disjoint changes', () => {
  it('keeps both: my weight and their timeout on another route; the result carries live server fields', () => {
    const base = webService('100');
    const draft = setAt(setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 50), ['spec', 'http', 2, 'route', 1, 'weight'], 50);
    const live = written(setAt(base, ['spec', 'http', 0, 'timeout'], '7s'), '150');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error(JSON.stringify(r.conflicts));
    expect(getAt(r.merged, ['spec', 'http', 0, 'timeout'])).toBe('7s');
    expect(getAt(r.merged, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(50);
    expect(getAt(r.merged, ['spec', 'http', 2, 'route', 1, 'weight'])).toBe(50);
    expect(r.merged.metadata?.resourceVersion).toBe('150');
    expect(r.merged.metadata?.['managedFields']).toEqual(live.metadata?.['managedFields']);
    expect(r.merged.metadata?.['generation']).toBe(2);
    expect(r.theirs.map((c) => c.display)).toEqual(['spec.http[0].timeout']);
    expect(r.diff.map((c) => [c.display, c.before, c.after])).toEqual([
      ['spec.http[2].route[0].weight', 80, 50],
      ['spec.http[2].route[1].weight', 20, 50],
    ]);
    // nothing was modified in place
    expect(getAt(draft, ['spec', 'http', 0, 'timeout'])).toBeUndefined();
  });

  it('keeps fields no form knows, on both sides', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'futureField', 'mode'], 'enforce');
    const live = written(setAt(base, ['metadata', 'annotations', 'x-vendor.example.com/ticket'], 'OPS-1'), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error('conflict');
    expect(getAt(r.merged, ['spec', 'futureField'])).toEqual({ enabled: true, mode: 'enforce' });
    expect(r.merged.metadata?.annotations).toEqual({ 'x-vendor.example.com/owner': 'team-a', 'x-vendor.example.com/ticket': 'OPS-1' });
  });

  it('accepts the same change made on both sides', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 60);
    const r = rebase(base, draft, written(draft, '101'));
    expect(r.status).toBe('rebased');
    if (r.status === 'rebased') expect(r.diff).toEqual([]);
  });

  it('with nothing changed on the server, the result is the draft with live server fields', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'hosts', 0], 'www.example.com');
    const r = rebase(base, draft, base);
    if (r.status !== 'rebased') throw new Error('conflict');
    expect(r.merged).toEqual(draft);
  });
});

describe('rebase: overlapping changes', () => {
  it('reports the same weight changed differently with base, mine and theirs; no merge', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    const live = written(setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 90), '101');
    const r = rebase(base, draft, live);
    expect(r.status).toBe('conflict');
    if (r.status !== 'conflict') return;
    expect(r.conflicts).toEqual([
      { kind: 'value', path: ['spec', 'http', 2, 'route', 0, 'weight'], pointer: '/spec/http/2/route/0/weight', display: 'spec.http[2].route[0].weight', base: 80, mine: 50, theirs: 90 },
    ]);
    expect(getAt(draft, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(50);
  });

  it('reports a route I edited that they deleted (theirs absent)', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'http', 1, 'timeout'], '2s');
    const live = written(setAt(base, ['spec', 'http'], [routes(base)[0], routes(base)[2]]), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'conflict') throw new Error('expected a conflict');
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ kind: 'value', display: 'spec.http[1]', mine: { name: 'v2', timeout: '2s' } });
    expect(r.conflicts[0]).not.toHaveProperty('theirs');
  });

  it('reports a field I removed that they changed', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'http', 0, 'rewrite'], undefined);
    const live = written(setAt(base, ['spec', 'http', 0, 'rewrite', 'uri'], '/app'), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'conflict') throw new Error('expected a conflict');
    expect(r.conflicts.map((c) => [c.display, c.base, c.mine, c.theirs])).toEqual([['spec.http[0].rewrite', { uri: '/' }, undefined, { uri: '/app' }]]);
  });
});

describe('rebase: routes matched by name', () => {
  it('merges my weight edit with a route they inserted at the top (indices shifted)', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    const canary = { name: 'canary', match: [{ headers: { 'x-canary': { exact: '1' } } }], route: [{ destination: { host: 'canary' } }] };
    const live = written(setAt(base, ['spec', 'http'], [canary, ...routes(base)]), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error(JSON.stringify(r.conflicts));
    expect(names(r.merged)).toEqual(['canary', 'v1', 'v2', 'split']);
    expect(getAt(r.merged, ['spec', 'http', 3, 'route', 0, 'weight'])).toBe(50);
    expect(r.diff.map((c) => c.display)).toEqual(['spec.http[3].route[0].weight']);
  });

  it('merges their reorder with my edit of a route, and my added route after its predecessor', () => {
    const base = webService('100');
    const [v1, v2, split] = routes(base);
    let draft = setAt(base, ['spec', 'http', 0, 'timeout'], '4s');
    draft = setAt(draft, ['spec', 'http'], [routes(draft)[0], { name: 'v3', route: [{ destination: { host: 'web-service', subset: 'v3' } }] }, v2, split]);
    const live = written(setAt(base, ['spec', 'http'], [v2, v1, split]), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error(JSON.stringify(r.conflicts));
    expect(names(r.merged)).toEqual(['v2', 'v1', 'v3', 'split']);
    expect(routes(r.merged)[1]).toMatchObject({ name: 'v1', timeout: '4s' });
  });

  it('my reorder wins over their unchanged order, and keeps their field change', () => {
    const base = webService('100');
    const [v1, v2, split] = routes(base);
    const draft = setAt(base, ['spec', 'http'], [split, v1, v2]);
    const live = written(setAt(base, ['spec', 'http', 1, 'timeout'], '9s'), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error(JSON.stringify(r.conflicts));
    expect(names(r.merged)).toEqual(['split', 'v1', 'v2']);
    expect(routes(r.merged)[2]).toMatchObject({ name: 'v2', timeout: '9s' });
  });

  it('two different reorders are an order conflict with the names', () => {
    const base = webService('100');
    const [v1, v2, split] = routes(base);
    const r = rebase(base, setAt(base, ['spec', 'http'], [split, v1, v2]), written(setAt(base, ['spec', 'http'], [v2, v1, split]), '101'));
    if (r.status !== 'conflict') throw new Error('expected a conflict');
    expect(r.conflicts).toEqual([
      { kind: 'order', path: ['spec', 'http'], pointer: '/spec/http', display: 'spec.http', base: ['v1', 'v2', 'split'], mine: ['split', 'v1', 'v2'], theirs: ['v2', 'v1', 'split'] },
    ]);
  });

  it('a conflict inside a named route is reported at the draft index', () => {
    const base = webService('100');
    const [v1, v2, split] = routes(base);
    const draft = setAt(setAt(base, ['spec', 'http'], [split, v1, v2]), ['spec', 'http', 0, 'route', 0, 'weight'], 10);
    const live = written(setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 30), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'conflict') throw new Error('expected a conflict');
    expect(r.conflicts.map((c) => [c.display, c.base, c.mine, c.theirs])).toEqual([['spec.http[0].route[0].weight', 80, 10, 30]]);
  });

  it('falls back to indices when a route has no name: a length change against an edit is a list conflict', () => {
    const base = setAt(webService('100'), ['spec', 'http', 1, 'name'], undefined);
    const draft = setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    const live = written(setAt(base, ['spec', 'http'], [{ route: [{ destination: { host: 'x' } }] }, ...routes(base)]), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'conflict') throw new Error('expected a conflict');
    expect(r.conflicts.map((c) => [c.kind, c.display])).toEqual([['list', 'spec.http']]);
  });

  it('with unnamed routes of unchanged length, elements merge by index', () => {
    const base = setAt(webService('100'), ['spec', 'http', 1, 'name'], undefined);
    const draft = setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    const live = written(setAt(base, ['spec', 'http', 1, 'timeout'], '1s'), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error(JSON.stringify(r.conflicts));
    expect(getAt(r.merged, ['spec', 'http', 1, 'timeout'])).toBe('1s');
    expect(getAt(r.merged, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(50);
  });

  it('a list only one side touched is taken whole from that side, whatever its length', () => {
    const base = webService('100');
    const draft = setAt(base, ['spec', 'hosts'], ['web.example.com', 'www.example.com']);
    const live = written(setAt(base, ['spec', 'http', 0, 'timeout'], '1s'), '101');
    const r = rebase(base, draft, live);
    if (r.status !== 'rebased') throw new Error(JSON.stringify(r.conflicts));
    expect(getAt(r.merged, ['spec', 'hosts'])).toEqual(['web.example.com', 'www.example.com']);
  });
});
