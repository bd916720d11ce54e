import { describe, expect, it } from 'vitest';
import { historyObject, latestFieldManager, revertDraft, versionChanges } from './versions';

describe('latestFieldManager', () => {
  it('takes the newest entry, skipping status, later entries winning ties', () => {
    expect(
      latestFieldManager([
        { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-12-05T06:00:00Z' },
        { manager: 'istiod', operation: 'Update', subresource: 'status', time: '2026-12-05T08:00:00Z' },
        { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-05T07:00:00Z' },
        { manager: 'gatescope', operation: 'Update', time: '2026-12-05T07:00:00Z' },
      ]),
    ).toEqual({ manager: 'gatescope', operation: 'Update', time: '2026-12-05T07:00:00Z' });
    expect(latestFieldManager(undefined)).toBeUndefined();
    expect(latestFieldManager([{ operation: 'Update' }])).toBeUndefined();
  });
});

describe('versions', () => {
  const v1 = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '10', labels: { a: '1' }, managedFields: [{ manager: 'x' }] },
    spec: { http: [{ name: 'split', route: [{ destination: { host: 'web', subset: 'v1' }, weight: 80 }, { destination: { host: 'web', subset: 'v2' }, weight: 20 }] }] },
  };
  const v2 = structuredClone(v1);
  v2.metadata.resourceVersion = '11';
  v2.spec.http[0]!.route[0]!.weight = 50;
  v2.spec.http[0]!.route[1]!.weight = 50;

  it('historyObject drops managedFields', () => {
    expect(historyObject(v1).metadata).toEqual({ name: 'web', namespace: 'default', resourceVersion: '10', labels: { a: '1' } });
  });

  it('versionChanges lists the weight changes, not the resourceVersion', () => {
    expect(versionChanges(v1, v2).map((c) => [c.display, c.before, c.after])).toEqual([
      ['spec.http[0].route[0].weight', 80, 50],
      ['spec.http[0].route[1].weight', 20, 50],
    ]);
    expect(versionChanges(undefined, v2)).toEqual([]);
  });

  it('revertDraft puts the old spec and labels on the live identity, keeping the last-applied annotation', () => {
    const live = structuredClone(v2) as typeof v2 & { metadata: { annotations?: Record<string, string> } };
    live.metadata.labels = { a: '2' };
    live.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'x' };
    const draft = revertDraft(live, v1);
    expect(draft.metadata).toMatchObject({ resourceVersion: '11', labels: { a: '1' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
    expect(draft.metadata.annotations).not.toHaveProperty('note');
    expect(draft.spec).toEqual(v1.spec);
    expect(draft.spec).not.toBe(v1.spec);
  });
});
