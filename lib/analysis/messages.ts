/**
 * The message table (Istio's IST codes from messages.yaml + gatescope's GSC codes), message
 * formatting (Go fmt verbs, as istioctl prints them) and documentation URLs.
 */
import { goQuote } from '../kube/field-errors';
import { gatescopeMessageTypes } from './gatescope-messages';
import type { MessageType } from './message-types';
import { istioMessageTypes } from './messages.generated';

export type { MessageType } from './message-types';

const table: Readonly<Record<string, MessageType>> = { ...istioMessageTypes, ...gatescopeMessageTypes };

export function messageType(code: string): MessageType {
  const t = table[code];
  if (!t) throw new Error(`analysis: unknown message code ${code}`);
  return t;
}

export function allMessageTypes(): MessageType[] {
  return Object.values(table);
}

function goV(a: unknown): string {
  if (Array.isArray(a)) return `[${a.map(goV).join(' ')}]`;
  if (a === null || a === undefined) return '<nil>';
  return String(a);
}

/** Go's `fmt.Sprintf` for the verbs the templates use (`%s %q %d %v %%`). */
export function sprintf(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%([sqdv%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    switch (verb) {
      case 'q':
        return Array.isArray(a) ? `[${a.map((x) => goQuote(String(x))).join(' ')}]` : goQuote(String(a));
      case 'd':
        return Array.isArray(a) ? goV(a) : String(typeof a === 'number' ? Math.trunc(a) : a);
      default:
        return goV(a);
    }
  });
}

/** Where a code is documented: istio.io's analysis reference for IST codes, the chosen page for GSC codes. */
export function documentationUrl(code: string): string {
  if (code.startsWith('IST')) return `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;
  return (gatescopeMessageTypes as Record<string, { docs?: string }>)[code]?.docs ?? 'https://istio.io/latest/docs/';
}
