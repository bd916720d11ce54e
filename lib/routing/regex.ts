/**
 * RE2 regular expressions as Envoy evaluates Istio's `regex` matches (`safe_regex`, Google RE2):
 * compiled with re2js, always matched against the **whole** value (an implicit `^…$`).
 */
import { RE2JS } from 're2js';

export interface CompiledRegex {
  source: string;
  /** The whole string matches. */
  fullMatch(s: string): boolean;
  /** RE2::GlobalReplace with an Envoy substitution (`\1` = group 1). */
  replaceAll(s: string, substitution: string): string;
}

/** A regex that RE2 rejects (Envoy NACKs the configuration; Istio's validation rejects it first). */
export class RegexError extends Error {
  override name = 'RegexError';
}

const programs = new Map<string, RE2JS | Error>();

/** RE2JS.compile, cached (bounded): RE2's refusal is returned as the Error, not thrown. */
export function re2(source: string): RE2JS | Error {
  let re = programs.get(source);
  if (!re) {
    try {
      re = RE2JS.compile(source);
    } catch (err) {
      re = err instanceof Error ? err : new Error(String(err));
    }
    if (programs.size > 1000) programs.clear();
    programs.set(source, re);
  }
  return re;
}

const cache = new Map<string, CompiledRegex>();

/** Compiles (and caches) an RE2 pattern; throws RegexError when RE2 rejects it. */
export function compileRegex(source: string): CompiledRegex {
  const hit = cache.get(source);
  if (hit) return hit;
  const re = re2(source);
  if (re instanceof Error) throw new RegexError(`invalid RE2 regex '${source}': ${re.message}`);
  const compiled: CompiledRegex = {
    source,
    fullMatch: (s) => re.matches(s),
    replaceAll: (s, substitution) => re.matcher(s).replaceAll(toJsReplacement(substitution)),
  };
  if (cache.size > 1000) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** `\1` (RE2) → `$1` (re2js); a literal `$` is escaped. */
function toJsReplacement(sub: string): string {
  let out = '';
  for (let i = 0; i < sub.length; i++) {
    const c = sub[i]!;
    if (c === '\\' && i + 1 < sub.length && /[0-9]/.test(sub[i + 1]!)) {
      out += `$${sub[i + 1]}`;
      i++;
    } else if (c === '\\' && sub[i + 1] === '\\') {
      out += '\\\\';
      i++;
    } else if (c === '$') out += '$$';
    else out += c;
  }
  return out;
}
