/**
 * Suppressing findings on an object, the way istioctl analyze does: the annotation
 * `galley.istio.io/analyze-suppress` holds a comma-separated list of message codes (or `*` for
 * every code) that are not reported on that object. istioctl splits the value on `,` and compares
 * each piece exactly (no trimming: `IST0101, IST0132` does not suppress IST0132) — so do we.
 *
 * gatescope keeps why a code was suppressed beside it, in `gatescope.dev/suppress-reason`: a JSON
 * object from code to reason (`{"IST0101":"gateway is created by the release pipeline"}`). A value
 * that is not such an object is taken as the reason of every suppressed code (a hand-written note).
 *
 * Pure: every function returns a new object and leaves its argument alone.
 */

export const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';
export const SUPPRESS_REASON_ANNOTATION = 'gatescope.dev/suppress-reason';

/** Only the metadata is read or written; the rest of the object is carried along. */
interface Annotated {
  metadata?: { annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/** Why a finding is not reported: the annotation's code that matched (`*` or the code) and the reason. */
export interface Suppression {
  /** `IST0101`, or `*` when the object suppresses every code. */
  by: string;
  reason?: string;
}

const annotationsOf = (o: Annotated): Record<string, string> => o.metadata?.annotations ?? {};

/** The codes the object suppresses, as istioctl reads them (empty pieces dropped). */
export function suppressedCodes(o: Annotated): string[] {
  const v = annotationsOf(o)[SUPPRESS_ANNOTATION];
  return v ? v.split(',').filter((c) => c !== '') : [];
}

/** The reasons kept by gatescope, by code (`*` for a free-text note that covers every code). */
export function suppressReasons(o: Annotated): Record<string, string> {
  const raw = annotationsOf(o)[SUPPRESS_REASON_ANNOTATION];
  if (!raw) return {};
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // not JSON: a note for every code
  }
  return { '*': raw };
}

/** Whether (and why) `code` is suppressed on the object; undefined when it is reported. */
export function suppressionOf(o: Annotated, code: string): Suppression | undefined {
  const codes = suppressedCodes(o);
  const by = codes.includes(code) ? code : codes.includes('*') ? '*' : undefined;
  if (!by) return undefined;
  const reasons = suppressReasons(o);
  const reason = reasons[code] ?? reasons[by] ?? reasons['*'];
  return reason ? { by, reason } : { by };
}

function withAnnotations<T extends Annotated>(o: T, annotations: Record<string, string>): T {
  const meta = { ...(o.metadata ?? {}) };
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return { ...o, metadata: meta };
}

function writeReasons(annotations: Record<string, string>, reasons: Record<string, string>): void {
  if (Object.keys(reasons).length) annotations[SUPPRESS_REASON_ANNOTATION] = JSON.stringify(reasons);
  else delete annotations[SUPPRESS_REASON_ANNOTATION];
}

/** The object with `code` suppressed for `reason` (added to the annotation once; the reason replaced). */
export function withSuppression<T extends Annotated>(o: T, code: string, reason: string): T {
  if (!/^[A-Z]{3}\d{4}$/.test(code) && code !== '*') throw new Error(`not a message code: ${code}`);
  const annotations = { ...annotationsOf(o) };
  const codes = suppressedCodes(o);
  if (!codes.includes(code)) codes.push(code);
  annotations[SUPPRESS_ANNOTATION] = codes.join(',');
  const reasons = suppressReasons(o);
  const text = reason.trim();
  if (text) reasons[code] = text;
  else delete reasons[code];
  writeReasons(annotations, reasons);
  return withAnnotations(o, annotations);
}

/**
 * The object with `code` reported again: the code leaves the annotation (and `*` too when that is
 * what suppressed it: every other code comes back as well), its reason is dropped, and empty
 * annotations are removed.
 */
export function withoutSuppression<T extends Annotated>(o: T, code: string): T {
  const s = suppressionOf(o, code);
  if (!s) return o;
  const annotations = { ...annotationsOf(o) };
  const codes = suppressedCodes(o).filter((c) => c !== s.by);
  if (codes.length) annotations[SUPPRESS_ANNOTATION] = codes.join(',');
  else delete annotations[SUPPRESS_ANNOTATION];
  const reasons = suppressReasons(o);
  delete reasons[s.by];
  delete reasons[code];
  if (!codes.length) for (const k of Object.keys(reasons)) delete reasons[k];
  writeReasons(annotations, reasons);
  return withAnnotations(o, annotations);
}
