/**
 * Exact rank tests over blocks, for figures whose blocks are heavy-tailed (a p99 read from a block is
 * often one rare stall): they need only that blocks are exchangeable under "no change", which
 * interleaved rounds give, where a bootstrap over ten heavy-tailed blocks under-covers. Paired rounds
 * get a sign test; independent sets a rank-sum test, whose ties get mid ranks and whose null
 * distribution is counted exactly by dynamic programming over doubled ranks.
 */

/** Mid ranks (1-based), doubled so that they are integers. */
function doubledRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j += 1;
    // positions i..j (0-based) share the mid rank (i + j + 2) / 2; doubled: i + j + 2
    for (let k = i; k <= j; k++) ranks[(order[k] as readonly [number, number])[1]] = i + j + 2;
    i = j + 1;
  }
  return ranks;
}

function twoSided(counts: readonly number[], observed: number): number {
  let total = 0;
  let below = 0;
  let above = 0;
  counts.forEach((c, s) => {
    total += c;
    if (s <= observed) below += c;
    if (s >= observed) above += c;
  });
  return total === 0 ? 1 : Math.min(1, (2 * Math.min(below, above)) / total);
}

/**
 * Sign test of paired differences (candidate − reference per round): the exact two-sided p-value of
 * "no change", from how many rounds moved each way. Zero differences carry no sign and are dropped.
 * Not the signed-rank test: a round in which one side's block met a burst of CPU steal has the
 * largest |difference| and the wrong sign, and that one round moved a signed-rank p over 16 rounds
 * from 3·10⁻⁵ to 0.005, past Holm's first step (0.05 / 12); a sign test counts it as one round of 16.
 */
export function signTestP(differences: readonly number[]): number {
  const d = differences.filter((x) => x !== 0 && Number.isFinite(x));
  const n = d.length;
  if (n === 0) return 1;
  const up = d.filter((x) => x > 0).length;
  const k = Math.min(up, n - up);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space (2^-n underflows past n = 1074).
  let logP = -n * Math.LN2;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    tail += Math.exp(logP);
    logP += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * tail);
}

/** Wilcoxon rank-sum (Mann–Whitney) test of two independent sets of blocks: two-sided p of "no change". */
export function rankSumP(reference: readonly number[], candidate: readonly number[]): number {
  const n = candidate.length;
  if (n === 0 || reference.length === 0) return 1;
  const ranks = doubledRanks([...candidate, ...reference]);
  const max = ranks.reduce((s, r) => s + r, 0);
  // ways[k][s]: subsets of k ranks summing to s
  const ways = Array.from({ length: n + 1 }, () => new Array<number>(max + 1).fill(0));
  (ways[0] as number[])[0] = 1;
  for (const r of ranks) {
    for (let k = n; k >= 1; k--) {
      const row = ways[k] as number[];
      const prev = ways[k - 1] as number[];
      for (let s = max - r; s >= 0; s--) row[s + r] = (row[s + r] as number) + (prev[s] as number);
    }
  }
  const observed = ranks.slice(0, n).reduce((s, r) => s + r, 0);
  return twoSided(ways[n] as number[], observed);
}
