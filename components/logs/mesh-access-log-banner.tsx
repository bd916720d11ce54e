'use client';
/** Says when the mesh config has access logging off (no line will arrive), and how to turn it on. */
import { useState } from 'react';
import type { MeshAccessLog } from '@/lib/logs/mesh-access-log';
import { EnableAccessLogDialog } from './enable-access-log';

export function MeshAccessLogBanner({ mesh }: { mesh: MeshAccessLog | undefined }) {
  const [open, setOpen] = useState(false);
  if (!mesh || mesh.enabled) return null;
  return (
    <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="access-log-off">
      {mesh.source === 'missing' ? (
        <>No mesh config found (ConfigMap istio in istio-system): gatescope cannot tell whether the gateways write access logs.</>
      ) : (
        <>
          Access logging is off in the mesh config (ConfigMap <code>istio-system/istio</code>, key <code>mesh</code>: <code>accessLogFile</code> is empty){mesh.error ? ` — ${mesh.error}` : ''}. The gateways write no access-log lines.{' '}
          <button type="button" className="ml-1 rounded bg-amber-600 px-2 py-0.5 text-white" onClick={() => setOpen(true)} data-testid="enable-access-log">
            Turn it on…
          </button>
        </>
      )}
      {open ? <EnableAccessLogDialog onClose={() => setOpen(false)} /> : null}
    </div>
  );
}
