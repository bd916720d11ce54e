import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@/components/resources/kinds';
import { draftToYaml, yamlToDraft } from './yaml-text';

const stored: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'web' }, resourceVersion: '42', uid: 'u-1', managedFields: [{ manager: 'kubectl' }] },
  spec: { hosts: ['web.example.com'], http: [{ route: [{ destination: { host: 'web' } }], futureField: { x: 1 } }] },
  status: { observedGeneration: 1 },
};
const fixed = { kind: 'VirtualService', fixedName: { name: 'web', namespace: 'default' } };

describe('the YAML pane round trip', () => {
  it('hides server-owned metadata and status, and puts them back on parse', () => {
    const text = draftToYaml(stored);
    expect(text).not.toContain('resourceVersion');
    expect(text).not.toContain('managedFields');
    expect(text).not.toContain('observedGeneration');
    expect(text).not.toContain('last-applied-configuration');
    expect(text).toContain('team: web');
    const back = yamlToDraft(text, stored, fixed);
    expect(back.ok && back.draft).toEqual(stored);
  });

  it('keeps fields no form knows (futureField) through text edits', () => {
    const text = draftToYaml(stored).replace('web.example.com', 'www.example.com');
    const back = yamlToDraft(text, stored, fixed);
    expect(back.ok).toBe(true);
    if (back.ok) {
      expect((back.draft.spec as { hosts: string[] }).hosts).toEqual(['www.example.com']);
      expect(JSON.stringify(back.draft)).toContain('futureField');
    }
  });

  it("reports the parser's message and line for malformed YAML", () => {
    const res = yamlToDraft('kind: VirtualService\nspec:\n  hosts: [a,\n', stored, fixed);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.line).toBeGreaterThan(0);
      expect(res.error.message).not.toContain('\n');
    }
  });

  it('refuses a rename of a stored object and a change of kind', () => {
    const renamed = yamlToDraft(draftToYaml(stored).replace('name: web', 'name: other'), stored, fixed);
    expect(!renamed.ok && renamed.error.message).toMatch(/cannot change/);
    const kind = yamlToDraft(draftToYaml(stored).replace('kind: VirtualService', 'kind: Gateway'), stored, fixed);
    expect(!kind.ok && kind.error.message).toMatch(/kind must stay/);
  });
});
