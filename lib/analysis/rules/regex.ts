/**
 * gatescope.RegexAnalyzer — `regex` string matches must be valid RE2 (Envoy's regex engine; istiod
 * rejects invalid ones too). GSC0003, checked with re2js (a port of Go's regexp/RE2).
 *
 * Checked: `uri`, `scheme`, `method`, `authority`, `headers.*`, `withoutHeaders.*`,
 * `queryParams.*` of HTTP matches, `rewrite.uriRegexRewrite.match`, and
 * `corsPolicy.allowOrigins[]`.
 */
import { RE2JS } from 're2js';
import { arr, isObj, obj, specOf, type Json } from '../support/objects';
import type { Analyzer } from '../types';

/** The RE2 compile error of `re`, or undefined when it is valid. */
export function re2Error(re: string): string | undefined {
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function regexFields(route: Json, base: string): Array<[path: string, regex: string]> {
  const out: Array<[string, string]> = [];
  const sm = (v: unknown, p: string) => {
    if (isObj(v) && typeof v.regex === 'string') out.push([`${p}.regex`, v.regex]);
  };
  arr(route.match).forEach((mm, j) => {
    const m = obj(mm);
    const p = `${base}.match[${j}]`;
    for (const f of ['uri', 'scheme', 'method', 'authority']) sm(m[f], `${p}.${f}`);
    for (const f of ['headers', 'withoutHeaders', 'queryParams']) for (const [k, v] of Object.entries(obj(m[f]))) sm(v, `${p}.${f}[${k}]`);
  });
  const rr = obj(obj(route.rewrite).uriRegexRewrite);
  if (typeof rr.match === 'string') out.push([`${base}.rewrite.uriRegexRewrite.match`, rr.match]);
  arr(obj(route.corsPolicy).allowOrigins).forEach((o, k) => sm(o, `${base}.corsPolicy.allowOrigins[${k}]`));
  return out;
}

export const regexAnalyzer: Analyzer = {
  name: 'gatescope.RegexAnalyzer',
  description: 'Checks that regex matches are valid RE2',
  codes: ['GSC0003'],
  analyze(ctx) {
    for (const vs of ctx.list('VirtualService')) {
      arr(specOf(vs).http).forEach((r, i) => {
        for (const [path, re] of regexFields(obj(r), `spec.http[${i}]`)) {
          const e = re2Error(re);
          if (e) ctx.report('GSC0003', vs, [re, e], { path, fix: 'RE2 has no lookaround or backreferences; rewrite the expression without them.' });
        }
      });
    }
  },
};
