// The log-rank test of k ≥ 2 survival curves, as R `survival::survdiff` (rho = 0) computes it.
//
// At each distinct time t (pooled over the groups) with n at risk and d events in all, and
// n_j at risk and d_j events in group j:
//   O_j = Σ d_j,  E_j = Σ d·n_j/n,
//   V_jk = Σ d·(n − d)/(n − 1) · (n_j/n)·(δ_jk − n_k/n)   (terms with n ≤ 1 are 0).
// Groups with E_j = 0 are dropped; with m groups left, χ² = (O − E)ᵀ V⁻¹ (O − E) over m − 1 of
// them (which one is left out does not matter), df = m − 1, p = P(χ²_df ≥ χ²).

import { solveSpd } from "./linalg.js";
import { countByTime, type Lifetime, type TimeCount } from "./kaplan-meier.js";
import { chi2Sf } from "./special.js";

export interface LogRankGroup {
  group: string;
  /** Counts per distinct time (as from countByTime or a SQL GROUP BY). */
  counts: readonly TimeCount[];
}

export interface LogRankResult {
  groups: string[];
  /** n per group. */
  n: number[];
  observed: number[];
  expected: number[];
  /** The k × k variance matrix of O − E. */
  variance: number[][];
  /** Null when fewer than two groups have expected events (nothing to compare). */
  chi2: number | null;
  df: number;
  p: number | null;
}

/** Log-rank test from individual lifetimes with a group label each. */
export function logRank(lifetimes: readonly Lifetime[], groups: readonly string[]): LogRankResult {
  const by = new Map<string, Lifetime[]>();
  lifetimes.forEach((l, i) => {
    const g = groups[i]!;
    let list = by.get(g);
    if (!list) by.set(g, (list = []));
    list.push(l);
  });
  const labels = [...by.keys()].sort(compareStrings);
  return logRankFromCounts(labels.map((g) => ({ group: g, counts: countByTime(by.get(g)!) })));
}

/** Log-rank test from counts per group and distinct time. */
export function logRankFromCounts(input: readonly LogRankGroup[]): LogRankResult {
  const k = input.length;
  const groups = input.map((g) => g.group);
  const series = input.map((g) => [...g.counts].filter((c) => c.events + c.censored > 0).sort((a, b) => a.time - b.time));
  const n = series.map((s) => s.reduce((acc, c) => acc + c.events + c.censored, 0));
  const atRisk = [...n];
  const ptr = new Array<number>(k).fill(0);
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = groups.map(() => new Array<number>(k).fill(0));
  const times = [...new Set(series.flatMap((s) => s.map((c) => c.time)))].sort((a, b) => a - b);
  const d = new Array<number>(k).fill(0);
  const c = new Array<number>(k).fill(0);
  for (const t of times) {
    let dAll = 0, nAll = 0;
    for (let j = 0; j < k; j++) {
      const s = series[j]!;
      const here = ptr[j]! < s.length && s[ptr[j]!]!.time === t ? s[ptr[j]!]! : null;
      d[j] = here ? here.events : 0;
      c[j] = here ? here.censored : 0;
      if (here) ptr[j]!++;
      dAll += d[j]!;
      nAll += atRisk[j]!;
    }
    if (dAll > 0) {
      const f = nAll > 1 ? (dAll * (nAll - dAll)) / (nAll - 1) : 0;
      for (let j = 0; j < k; j++) {
        const pj = atRisk[j]! / nAll;
        observed[j]! += d[j]!;
        expected[j]! += dAll * pj;
        for (let l = 0; l < k; l++) variance[j]![l]! += f * pj * ((j === l ? 1 : 0) - atRisk[l]! / nAll);
      }
    }
    for (let j = 0; j < k; j++) atRisk[j]! -= d[j]! + c[j]!;
  }
  const keep = expected.map((e, j) => (e > 0 ? j : -1)).filter((j) => j >= 0);
  const df = Math.max(keep.length - 1, 0);
  let chi2: number | null = null;
  if (keep.length >= 2) {
    const idx = keep.slice(1);
    const diff = idx.map((j) => observed[j]! - expected[j]!);
    const v = idx.map((j) => idx.map((l) => variance[j]![l]!));
    const x = solveSpd(v, diff);
    chi2 = x ? Math.max(0, x.reduce((s, xi, i) => s + xi * diff[i]!, 0)) : null;
  }
  return { groups, n, observed, expected, variance, chi2, df, p: chi2 === null ? null : chi2Sf(chi2, df) };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
