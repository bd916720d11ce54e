import { describe, expect, it } from 'vitest';
import {
  cloneEdit,
  createBody,
  draftKey,
  isDirty,
  liveStatus,
  loadEdit,
  newEdit,
  observeLive,
  openEdit,
  pendingChanges,
  rebaseEdit,
  saveEdit,
  serverChanges,
  setDraft,
  setField,
  updateBody,
} from './draft';
import { webService } from './fixtures/web-service';
import { getAt, setAt } from './path';

describe('the edit model', () => {
  it('opens with base, draft and live equal; a field edit changes only the draft', () => {
    const s0 = openEdit(webService('100'));
    expect(isDirty(s0)).toBe(false);
    const s1 = setField(s0, ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    expect(isDirty(s1)).toBe(true);
    expect(pendingChanges(s1).map((c) => c.display)).toEqual(['spec.http[2].route[0].weight']);
    expect(getAt(s1.base, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(80);
    expect(getAt(s0.draft, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(80);
  });

  it('a watch event never touches the draft; the banner shows what changed on the server', () => {
    const s1 = setField(openEdit(webService('100')), ['spec', 'hosts', 0], 'www.example.com');
    const theirs = setAt(webService('120'), ['spec', 'http', 0, 'timeout'], '3s');
    const s2 = observeLive(s1, theirs);
    expect(s2.draft).toBe(s1.draft);
    expect(liveStatus(s1)).toBe('same');
    expect(liveStatus(s2)).toBe('changed');
    expect(serverChanges(s2).map((c) => c.display)).toEqual(['spec.http[0].timeout']);
    expect(liveStatus(observeLive(s2, null))).toBe('deleted');
  });

  it('the update body is the draft with base resourceVersion and no managedFields; unknown fields kept', () => {
    const s = setField(observeLive(openEdit(webService('100')), webService('120')), ['spec', 'http', 0, 'timeout'], '2s');
    const body = updateBody({ base: s.base, draft: setAt(s.draft, ['metadata', 'resourceVersion'], '999') });
    expect(body.metadata?.resourceVersion).toBe('100');
    expect(body.metadata).not.toHaveProperty('managedFields');
    expect(getAt(body, ['spec', 'futureField'])).toEqual({ enabled: true, mode: 'shadow' });
    expect(body.metadata?.annotations).toEqual({ 'x-vendor.example.com/owner': 'team-a' });
    expect(getAt(body, ['spec', 'http', 0, 'timeout'])).toBe('2s');
  });

  it('create and clone bodies carry no server fields', () => {
    const created = createBody(newEdit(webService('100')));
    expect(created.metadata).toEqual({ name: 'web-service', namespace: 'default', annotations: { 'x-vendor.example.com/owner': 'team-a' } });
    const live = setAt(webService('100'), ['metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'], '{}');
    const cloned = cloneEdit(live, { name: 'web-service-copy' });
    expect(cloned.base).toBeUndefined();
    expect(cloned.draft.metadata).toEqual({ name: 'web-service-copy', namespace: 'default', annotations: { 'x-vendor.example.com/owner': 'team-a' } });
    expect(cloned.draft.spec).toEqual(webService().spec);
  });

  it('rebases onto live: base becomes live, the draft keeps my change and gains theirs', () => {
    const s = setField(openEdit(webService('100')), ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    const live = setAt(webService('130'), ['spec', 'http', 0, 'timeout'], '3s');
    const { state, result } = rebaseEdit(s, live);
    expect(result.status).toBe('rebased');
    expect(state.base?.metadata?.resourceVersion).toBe('130');
    expect(getAt(state.draft, ['spec', 'http', 0, 'timeout'])).toBe('3s');
    expect(getAt(state.draft, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(50);
    expect(updateBody(state).metadata?.resourceVersion).toBe('130');
  });

  it('on a conflict the draft and base stay as they were', () => {
    const s = setField(openEdit(webService('100')), ['spec', 'http', 2, 'route', 0, 'weight'], 50);
    const live = setAt(webService('130'), ['spec', 'http', 2, 'route', 0, 'weight'], 70);
    const { state, result } = rebaseEdit(s, live);
    expect(result.status).toBe('conflict');
    expect(state.draft).toBe(s.draft);
    expect(state.base).toBe(s.base);
    expect(state.live).toBe(live);
  });

  it('survives a reload: save and load keep base and draft, garbage loads as nothing', () => {
    const s = setDraft(openEdit(webService('100')), setAt(webService('100'), ['spec', 'hosts'], ['x']));
    const text = saveEdit(s, 1234);
    const back = loadEdit(text);
    expect(back?.savedAt).toBe(1234);
    expect(back?.state.base).toEqual(s.base);
    expect(back?.state.draft).toEqual(s.draft);
    expect(loadEdit('{"v":1}')).toBeUndefined();
    expect(loadEdit('not json')).toBeUndefined();
    expect(loadEdit(null)).toBeUndefined();
    expect(draftKey('ctx', { plural: 'virtualservices', namespace: 'default', name: 'a/b' })).toBe('gatescope.draft/ctx/virtualservices/default/a%2Fb');
  });
});
