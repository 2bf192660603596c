// What the relevance page computes from the per-query values _rank_eval returns (never a metric itself): bootstrap
// confidence intervals of a mean, paired differences between two settings, and latency percentiles.
export const BOOTSTRAP_RESAMPLES = 2000;

// A small seeded generator (mulberry32), so the same values give the same interval every time.
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mean(values) {
  return values.length === 0 ? NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

// The value below which p% of the sorted values lie (nearest rank).
function percentileOf(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// A 95% percentile-bootstrap interval of the mean of `values` (the queries resampled with replacement).
export function bootstrapInterval(values, seed = 17) {
  if (values.length === 0) return {low: NaN, high: NaN};
  if (values.length === 1) return {low: values[0], high: values[0]};
  const random = seededRandom(seed);
  const means = new Float64Array(BOOTSTRAP_RESAMPLES);
  for (let r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)];
    means[r] = sum / values.length;
  }
  means.sort();
  return {low: percentileOf(means, 2.5), high: percentileOf(means, 97.5)};
}

// B against A, query by query, on the queries both were evaluated on: wins, losses, ties, and the mean difference
// with its paired bootstrap interval. Each query is {id, a, b}.
export function pairedComparison(pairs) {
  const deltas = pairs.map((pair) => pair.b - pair.a);
  const epsilon = 1e-9;
  return {
    wins: deltas.filter((d) => d > epsilon).length,
    losses: deltas.filter((d) => d < -epsilon).length,
    ties: deltas.filter((d) => Math.abs(d) <= epsilon).length,
    mean: mean(deltas),
    interval: bootstrapInterval(deltas, 29),
  };
}

export function latencyPercentiles(tooks) {
  const sorted = [...tooks].sort((x, y) => x - y);
  return {p50: percentileOf(sorted, 50), p99: percentileOf(sorted, 99), count: sorted.length};
}
