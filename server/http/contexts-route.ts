/**
 * `GET /api/contexts`: the kubeconfig's contexts (names and clusters, never credentials), the one
 * the console started with and the one selected. `POST /api/contexts` `{ context }` selects one
 * (a cookie; CSRF-checked); selecting the console's own clears it. Local mode only: with --auth
 * or in-cluster there is one context.
 */
import { listContexts, type ContextInfo } from '../kube/contexts';
import { getRuntime } from '../runtime';
import { contextCookie, contextRegistry, selectedContext } from './context-select';
import { rejectCrossSite } from './csrf';

export interface ContextsAnswer {
  /** The context the console was started with (served when nothing else is selected). */
  primary: string;
  /** The context the picker selected: every view and write follows it. */
  selected: string;
  /** False when the console serves one context only (--auth, in-cluster, a single context). */
  switchable: boolean;
  contexts: ContextInfo[];
}

export function contextsGet(req: Request): Response {
  const rt = getRuntime();
  const switchable = !!contextRegistry(rt);
  const all = listContexts(rt.kubeConfig);
  const answer: ContextsAnswer = {
    primary: rt.context,
    selected: selectedContext(req.headers, rt) ?? rt.context,
    switchable,
    contexts: switchable ? all : all.filter((c) => c.name === rt.context),
  };
  return Response.json(answer, { headers: { 'cache-control': 'no-store' } });
}

export async function contextsPost(req: Request): Promise<Response> {
  const refused = rejectCrossSite(req);
  if (refused) return refused;
  const rt = getRuntime();
  const contexts = contextRegistry(rt);
  if (!contexts) return Response.json({ error: 'this console serves one context only', reason: 'NotSwitchable', code: 409 }, { status: 409 });
  const body = (await req.json().catch(() => undefined)) as { context?: unknown } | undefined;
  const name = body?.context;
  if (typeof name !== 'string' || !contexts.has(name)) return Response.json({ error: 'context must name a context of the kubeconfig', reason: 'BadRequest', code: 400 }, { status: 400 });
  if (name !== rt.context) contexts.services(name); // start its services now, so the page that reloads finds them warming
  return Response.json({ selected: name }, { headers: { 'set-cookie': contextCookie(name === rt.context ? undefined : name), 'cache-control': 'no-store' } });
}
