/**
 * RE2 semantics for safe_regex (Envoy compiles them with Google RE2): lib/routing/regex's re2js
 * wrapper (full-match for matchers, global replace with `\N` group references for
 * regex_rewrite), with Envoy's wording when a pattern is rejected.
 */
import { compileRegex as compileRe2, RegexError as Re2Error, type CompiledRegex } from '../../../../../lib/routing/regex';

export type { CompiledRegex };

export class RegexError extends Error {}

export function compileRegex(source: string): CompiledRegex {
  try {
    return compileRe2(source);
  } catch (err) {
    if (err instanceof Re2Error) throw new RegexError(err.message.replace(/^invalid RE2 regex/, 'Invalid regex'));
    throw err;
  }
}
