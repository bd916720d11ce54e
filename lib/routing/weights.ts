/**
 * Route destination weights as Istio turns them into Envoy weighted clusters
 * (`route.applyHTTPRouteDestination`) and as its validation checks them
 * (`validateHTTPRouteDestinations`):
 *
 * - a route with a single destination sends it all traffic, whatever its weight (absent = 100);
 * - with several destinations, each gets `weight / sum(weights)`; destinations with weight 0
 *   (or no weight) get nothing and are left out of the Envoy config;
 * - a negative weight, or several destinations whose weights add up to 0, is invalid.
 *
 * Istio required the weights to add up to 100 until 1.15 (istio/istio#39544 made them relative).
 * Most configurations still use percentages, so a sum other than 100 is reported as a note.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */

export interface Weighted {
  weight?: number;
}

export type WithShare<T> = T & {
  /** The weight Istio uses (100 for a lone destination without one). */
  effectiveWeight: number;
  /** Share of the traffic in percent (0–100), as a fraction of the total weight. */
  percent: number;
};

export interface WeightCheck {
  /** Configuration Istio's validation rejects (the VirtualService is not accepted). */
  errors: string[];
  /** Allowed, but probably not what was meant. */
  notes: string[];
}

/**
 * Normalises the weights of one route's destinations into shares.
 *
 * @example normalizeWeights([{ weight: 80 }, { weight: 20 }]).map((d) => d.percent) // [80, 20]
 * @example normalizeWeights([{}]).map((d) => d.percent) // [100]
 * @example normalizeWeights([{ weight: 1 }, { weight: 3 }]).map((d) => d.percent) // [25, 75]
 */
export function normalizeWeights<T extends Weighted>(destinations: readonly T[]): Array<WithShare<T>> {
  if (destinations.length === 1) return [{ ...destinations[0]!, effectiveWeight: destinations[0]!.weight || 100, percent: 100 }];
  const weights = destinations.map((d) => Math.max(0, d.weight ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  return destinations.map((d, i) => ({ ...d, effectiveWeight: weights[i]!, percent: total > 0 ? (weights[i]! * 100) / total : 0 }));
}

/** Validation of one route's weights, in words. */
export function checkWeights(destinations: readonly Weighted[]): WeightCheck {
  const errors: string[] = [];
  const notes: string[] = [];
  destinations.forEach((d, i) => {
    if ((d.weight ?? 0) < 0) errors.push(`destination ${i} has weight ${d.weight}; weights cannot be negative`);
  });
  if (destinations.length > 1) {
    const total = destinations.reduce((a, d) => a + Math.max(0, d.weight ?? 0), 0);
    if (total === 0) errors.push('the destinations have no weight: with several destinations the weights must add up to more than 0');
    else if (total !== 100) {
      notes.push(`the weights add up to ${total}, not 100: Istio sends each destination weight/${total} of the traffic (weights are relative since Istio 1.15)`);
    }
    const zero = destinations.flatMap((d, i) => ((d.weight ?? 0) === 0 ? [i] : []));
    if (zero.length && total > 0) notes.push(`destination${zero.length > 1 ? 's' : ''} ${zero.join(', ')} ha${zero.length > 1 ? 've' : 's'} weight 0 and receive${zero.length > 1 ? '' : 's'} no traffic`);
  }
  return { errors, notes };
}

/**
 * Picks one destination as Envoy's weighted-cluster selection does: a point in `[0, total)` from
 * `random01` (a number in `[0, 1)`, passed in so that callers and tests control randomness), then
 * the destination whose cumulative weight range contains it. Zero-weight destinations are never
 * picked.
 *
 * @returns the index in `destinations`, or undefined when no destination has a share.
 * @example pickWeighted([{ weight: 80 }, { weight: 20 }], 0.85) // 1
 */
export function pickWeighted(destinations: readonly Weighted[], random01: number): number | undefined {
  const shares = normalizeWeights(destinations);
  const total = shares.reduce((a, d) => a + (d.percent > 0 ? d.effectiveWeight : 0), 0);
  if (total <= 0) return undefined;
  const r = Math.min(Math.max(random01, 0), 1 - Number.EPSILON) * total;
  let acc = 0;
  for (const [i, d] of shares.entries()) {
    if (d.percent <= 0) continue;
    acc += d.effectiveWeight;
    if (r < acc) return i;
  }
  return shares.findLastIndex((d) => d.percent > 0);
}

/**
 * Rounds shares to whole percents that still add up to 100 (largest remainder), for display.
 *
 * @example roundPercents([33.33, 33.33, 33.34]) // [33, 33, 34]
 */
export function roundPercents(percents: readonly number[]): number[] {
  const floor = percents.map((p) => Math.floor(p));
  const total = percents.reduce((a, b) => a + b, 0);
  let missing = Math.round(total) - floor.reduce((a, b) => a + b, 0);
  const order = percents.map((p, i) => [p - Math.floor(p), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (missing <= 0) break;
    floor[i]!++;
    missing--;
  }
  return floor;
}
