'use client';
/**
 * What a finding on the Validation page offers: "Fix…" (the editor of the object to change,
 * opened with the fix prefilled, nothing applied) and "Suppress…" (with a reason, kept as
 * annotations on the object); a suppressed finding offers "Unsuppress".
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useConnectionState } from '@/components/data/use-stream';
import { prefillFix } from '@/components/forms/prefill';
import { PLURAL_OF_KIND, type KubeObject } from '@/components/resources/kinds';
import type { ProposedFix } from '@/lib/analysis/fixes';
import type { Finding } from '@/lib/analysis/types';
import { writeSuppression } from './suppression';

const button =
  'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

function objectOf(f: Finding, objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => o.kind === f.resource.kind && (o.metadata.namespace ?? '') === f.resource.namespace && o.metadata.name === f.resource.name);
}

export function FixButton({ fix, objects, onError }: { fix: ProposedFix; objects: readonly KubeObject[]; onError(message: string): void }) {
  const router = useRouter();
  const { context } = useConnectionState();
  return (
    <button
      type="button"
      className={`${button} border-sky-400 text-sky-800 dark:border-sky-700 dark:text-sky-300`}
      title={fix.note ? `${fix.title}. ${fix.note}` : fix.title}
      data-testid="fix-button"
      disabled={!context}
      onClick={() => {
        const r = prefillFix(context ?? '', fix, objects, Date.now());
        if ('error' in r) onError(r.error);
        else router.push(r.href);
      }}
    >
      Fix…
    </button>
  );
}

export function SuppressControl({ finding, objects, onError }: { finding: Finding; objects: readonly KubeObject[]; onError(message: string): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  if (!PLURAL_OF_KIND[finding.resource.kind]) return null;
  const submit = async () => {
    const live = objectOf(finding, objects);
    if (!live) return onError(`${finding.origin} is not in the cluster (any more)`);
    setBusy(true);
    try {
      await writeSuppression(live, finding.code, reason);
      setOpen(false);
      setReason('');
    } catch (e) {
      onError(`Could not suppress ${finding.code} on ${finding.origin}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" className={button} onClick={() => setOpen(true)} data-testid="suppress-button" title="Hide this finding, with a reason kept on the object">
        Suppress…
      </button>
    );
  }
  return (
    <form
      className="mt-1 flex w-full flex-wrap items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        aria-label="Reason for suppressing"
        placeholder="Why is this fine? (kept on the object)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        className="min-w-56 flex-1 rounded border border-slate-300 bg-transparent px-2 py-0.5 text-xs dark:border-slate-700"
        autoFocus
        required
      />
      <button type="submit" className={button} disabled={busy || !reason.trim()} data-testid="suppress-confirm">
        {busy ? 'Suppressing…' : `Suppress ${finding.code}`}
      </button>
      <button type="button" className={button} onClick={() => setOpen(false)} disabled={busy}>
        Cancel
      </button>
    </form>
  );
}

export function UnsuppressButton({ finding, objects, onError }: { finding: Finding; objects: readonly KubeObject[]; onError(message: string): void }) {
  const [busy, setBusy] = useState(false);
  if (!PLURAL_OF_KIND[finding.resource.kind]) return null;
  return (
    <button
      type="button"
      className={button}
      disabled={busy}
      data-testid="unsuppress-button"
      onClick={async () => {
        const live = objectOf(finding, objects);
        if (!live) return onError(`${finding.origin} is not in the cluster (any more)`);
        setBusy(true);
        try {
          await writeSuppression(live, finding.code, null);
        } catch (e) {
          onError(`Could not unsuppress ${finding.code} on ${finding.origin}: ${(e as Error).message}`);
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? 'Unsuppressing…' : 'Unsuppress'}
    </button>
  );
}
