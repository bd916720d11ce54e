'use client';
/**
 * Opening an editor with a prefilled fix: the fix (lib/analysis/fixes) is applied to the draft the
 * editor will restore — the user's unsaved draft of that object when there is one (nothing the
 * user typed is lost), else the live object — and stored where the edit session looks for it.
 * Nothing is written to the cluster: the editor shows the change, and the user goes through
 * diff, dry-run and apply.
 */
import { applyFix, type ProposedFix } from '@/lib/analysis/fixes';
import { draftKey, isDirty, loadEdit, saveEdit, type EditState } from '@/lib/editing/draft';
import { editorHref, PLURAL_OF_KIND, type KubeObject } from '@/components/resources/kinds';

const same = (o: KubeObject, t: ProposedFix['target']) =>
  o.kind === t.kind && (o.metadata.namespace ?? '') === t.namespace && o.metadata.name === t.name;

/**
 * Stores the fixed draft for the editor of `fix.target` and returns the editor's address (with
 * `?fix=` naming the fix, for its banner), or an error when the fix no longer applies.
 */
export function prefillFix(context: string, fix: ProposedFix, objects: readonly KubeObject[], now: number): { href: string } | { error: string } {
  const plural = PLURAL_OF_KIND[fix.target.kind];
  if (!plural) return { error: `gatescope does not edit ${fix.target.kind} objects` };
  const live = objects.find((o) => same(o, fix.target));
  if (!live) return { error: `${fix.target.kind} ${fix.target.namespace}/${fix.target.name} is not in the cluster (any more)` };
  const key = draftKey(context, { plural, namespace: fix.target.namespace, name: fix.target.name });
  let saved: EditState<KubeObject> | undefined;
  try {
    saved = loadEdit<KubeObject>(window.localStorage.getItem(key))?.state;
  } catch {
    saved = undefined;
  }
  const start: EditState<KubeObject> = saved?.base && isDirty(saved) ? saved : { base: live, draft: live };
  const draft = applyFix(start.draft, fix);
  if (!draft) return { error: 'The object changed since the finding: the fix no longer applies. Open the editor and fix it by hand.' };
  try {
    window.localStorage.setItem(key, saveEdit({ base: start.base, draft }, now));
  } catch {
    return { error: 'The browser refused to store the draft (storage full or disabled).' };
  }
  return { href: `${editorHref(plural, fix.target.namespace, fix.target.name)}?fix=${encodeURIComponent(fix.title)}` };
}
