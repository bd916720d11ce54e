/** Envoy's FractionalPercent check: a uniform draw below numerator/denominator. */
import type { FractionalPercent } from '../types';

export function percentHit(p: FractionalPercent | undefined, random: () => number): boolean {
  if (!p) return false;
  const denom = p.denominator === 'MILLION' ? 1_000_000 : p.denominator === 'TEN_THOUSAND' ? 10_000 : 100;
  return Math.floor(random() * denom) < (p.numerator ?? 0);
}
