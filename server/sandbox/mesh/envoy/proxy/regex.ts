/**
 * RE2 semantics for safe_regex (Envoy compiles them with Google RE2): re2js, full-match for
 * matchers, global replace with `\N` group references for regex_rewrite.
 */
import { RE2JS } from 're2js';

export interface CompiledRegex {
  source: string;
  fullMatch(s: string): boolean;
  /** RE2::GlobalReplace with an Envoy substitution (`\1` refers to group 1). */
  replaceAll(s: string, substitution: string): string;
}

const cache = new Map<string, CompiledRegex>();

export class RegexError extends Error {}

export function compileRegex(source: string): CompiledRegex {
  const hit = cache.get(source);
  if (hit) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw new RegexError(`Invalid regex '${source}': ${(err as Error).message}`);
  }
  const compiled: CompiledRegex = {
    source,
    fullMatch: (s) => re.matches(s),
    replaceAll: (s, substitution) => re.matcher(s).replaceAll(toJsReplacement(substitution)),
  };
  if (cache.size > 2000) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** `\1` (RE2) → `$1` (re2js), literal `$` escaped. */
function toJsReplacement(sub: string): string {
  let out = '';
  for (let i = 0; i < sub.length; i++) {
    const c = sub[i]!;
    if (c === '\\' && i + 1 < sub.length && /[0-9]/.test(sub[i + 1]!)) {
      out += '$' + sub[i + 1];
      i++;
    } else if (c === '\\' && sub[i + 1] === '\\') {
      out += '\\\\';
      i++;
    } else if (c === '$') out += '$$';
    else out += c;
  }
  return out;
}
