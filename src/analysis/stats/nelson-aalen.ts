// Nelson–Aalen cumulative hazard, as lifelines' NelsonAalenFitter computes it.
//
// At each distinct time t with n at risk just before t and d events:
// - "smooth" ties (lifelines' default, nelson_aalen_smoothing=True): the d tied events are
//   treated as happening one after another, so H increases by Σ_{i=0}^{d−1} 1/(n − i) and its
//   variance by Σ_{i=0}^{d−1} 1/(n − i)².
// - "discrete" ties (the textbook estimator, R survfit's cumhaz): H increases by d/n and the
//   variance by (n − d)·d / n³.
// The pointwise interval is H·exp(±z·√Var / H) (lifelines), [0, 0] while H = 0.

import { countByTime, zFor, type Lifetime, type TimeCount } from "./kaplan-meier.js";

export const nelsonAalenTies = ["smooth", "discrete"] as const;
export type NelsonAalenTies = (typeof nelsonAalenTies)[number];

export interface NelsonAalenPoint {
  time: number;
  atRisk: number;
  events: number;
  censored: number;
  cumulativeHazard: number;
  variance: number;
  lower: number;
  upper: number;
}

export interface NelsonAalenOptions {
  ties?: NelsonAalenTies;
  confLevel?: number;
}

/** Nelson–Aalen estimate from individual lifetimes. */
export function nelsonAalen(lifetimes: readonly Lifetime[], options: NelsonAalenOptions = {}): NelsonAalenPoint[] {
  return nelsonAalenFromCounts(countByTime(lifetimes), options);
}

/** Nelson–Aalen estimate from counts per distinct time; one point per distinct time, ascending. */
export function nelsonAalenFromCounts(counts: readonly TimeCount[], options: NelsonAalenOptions = {}): NelsonAalenPoint[] {
  const ties = options.ties ?? "smooth";
  const z = zFor(options.confLevel ?? 0.95);
  const sorted = [...counts].sort((a, b) => a.time - b.time);
  let atRisk = sorted.reduce((s, c) => s + c.events + c.censored, 0);
  let h = 0, v = 0;
  const out: NelsonAalenPoint[] = [];
  for (const c of sorted) {
    if (c.events + c.censored === 0) continue;
    const d = c.events, n = atRisk;
    if (d > 0) {
      if (ties === "discrete") {
        h += d / n;
        v += ((n - d) * d) / (n * n * n);
      } else {
        for (let i = 0; i < d; i++) {
          h += 1 / (n - i);
          v += 1 / ((n - i) * (n - i));
        }
      }
    }
    const w = h > 0 ? Math.exp((z * Math.sqrt(v)) / h) : 1;
    out.push({ time: c.time, atRisk: n, events: d, censored: c.censored, cumulativeHazard: h, variance: v, lower: h / w, upper: h * w });
    atRisk -= c.events + c.censored;
  }
  return out;
}
