'use client';
/**
 * Restart a gateway pod, or rollout-restart its Deployment, behind a confirmation that says what
 * happens. The request runs as the console's user (the API server's 403 is shown as is) and
 * carries the CSRF header every state-changing route requires.
 */
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

export type RestartTarget = 'pod' | 'deployment';

const CSRF = { 'x-gatescope-csrf': '1' };

export async function restartGateway(namespace: string, pod: string, target: RestartTarget): Promise<{ message: string }> {
  const res = await fetch(`/api/proxies/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/restart?target=${target}`, { method: 'POST', headers: CSRF });
  const body = (await res.json().catch(() => ({}))) as { message?: string; error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return { message: body.message ?? 'done' };
}

export function RestartDialog({ namespace, pod, target, onClose, onDone }: { namespace: string; pod: string; target: RestartTarget; onClose(): void; onDone(message: string): void }) {
  return (
    <ConfirmDialog
      testId="restart-dialog"
      confirmTestId="restart-confirm"
      width="w-[30rem]"
      title={`${target === 'pod' ? 'Restart gateway pod' : 'Rollout restart of the gateway Deployment'}?`}
      note="Runs with your kubeconfig's identity: the cluster decides whether you may."
      confirmLabel={target === 'pod' ? `Restart ${pod}` : 'Rollout restart'}
      busyLabel="Restarting…"
      onConfirm={async () => onDone((await restartGateway(namespace, pod, target)).message)}
      onClose={onClose}
    >
      {target === 'pod' ? (
        <>
          Pod <span className="font-mono">{namespace}/{pod}</span> is deleted; its Deployment starts a replacement, which receives a full configuration push from istiod. Connections it serves are cut.
        </>
      ) : (
        <>
          The Deployment that owns <span className="font-mono">{namespace}/{pod}</span> gets a new <span className="font-mono">kubectl.kubernetes.io/restartedAt</span> annotation on its pod template (as <span className="font-mono">kubectl rollout restart</span> does): every gateway pod is replaced, following its rollout strategy.
        </>
      )}
    </ConfirmDialog>
  );
}
