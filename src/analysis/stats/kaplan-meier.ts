// Kaplan–Meier survival curves, as R `survival::survfit` and lifelines compute them.
//
// Conventions (stated in every report that uses them):
// - At each distinct observed time t, n = number at risk just before t — an observation
//   censored at t is still at risk at t — and d = events at t. S(t) = ∏_{tᵢ ≤ t} (1 − dᵢ/nᵢ).
// - Greenwood: V(t) = Σ_{tᵢ ≤ t} dᵢ / (nᵢ(nᵢ − dᵢ)), the variance of ln S(t).
// - Confidence interval "exponential Greenwood" (R conf.type = "log-log"): with v = ln S,
//   lower = exp(−exp(ln(−v) − z√V / v)), upper = exp(−exp(ln(−v) + z√V / v)).
//   While S = 1 the interval is [1, 1]; where S = 0 it is undefined (null).
// - Median = the first t with S(t) ≤ 0.5 (lifelines' convention; R averages over a flat 0.5
//   stretch); null ("not reached") when S never falls to 0.5. Its confidence limits are the
//   first t where the lower (resp. upper) confidence curve falls to 0.5.
//
// The estimator works on counts per distinct time, so callers may aggregate in SQL first.

import { ChurnbookError } from "../../util/errors.js";
import { normalQuantile } from "./special.js";

/** One observed lifetime: its duration and whether it ended in the event (true) or was censored. */
export interface Lifetime {
  duration: number;
  event: boolean | number;
}

/** Events and censorings at one distinct time. */
export interface TimeCount {
  time: number;
  events: number;
  censored: number;
}

export interface KaplanMeierPoint {
  time: number;
  /** Number at risk just before `time`. */
  atRisk: number;
  events: number;
  censored: number;
  survival: number;
  /** Greenwood's Σ d/(n(n−d)) (variance of ln S); null once S = 0. */
  greenwood: number | null;
  lower: number | null;
  upper: number | null;
}

export interface KaplanMeierFit {
  n: number;
  events: number;
  confLevel: number;
  /** One point per distinct observed time (events or censorings), ascending. */
  points: KaplanMeierPoint[];
  median: number | null;
  medianLower: number | null;
  medianUpper: number | null;
}

export interface KaplanMeierOptions {
  /** Confidence level of the pointwise intervals (default 0.95). */
  confLevel?: number;
}

const half = 0.5 + 1e-12; // S is a product of fractions: allow for rounding at exactly 0.5

/** z for a two-sided interval of the given level (0.95 → 1.959964). */
export function zFor(confLevel: number): number {
  if (!(confLevel > 0 && confLevel < 1)) throw new ChurnbookError("bad-param", `confidence level must lie strictly between 0 and 1, got ${confLevel}`);
  return normalQuantile(1 - (1 - confLevel) / 2);
}

/** Aggregates lifetimes into events and censorings per distinct time, ascending. */
export function countByTime(lifetimes: readonly Lifetime[]): TimeCount[] {
  const map = new Map<number, TimeCount>();
  for (const l of lifetimes) {
    const t = l.duration;
    if (!Number.isFinite(t) || t < 0) throw new ChurnbookError("bad-duration", `durations must be finite and non-negative, got ${t}`);
    let c = map.get(t);
    if (!c) map.set(t, (c = { time: t, events: 0, censored: 0 }));
    if (l.event === true || l.event === 1) c.events++;
    else c.censored++;
  }
  return [...map.values()].sort((a, b) => a.time - b.time);
}

/** The exponential-Greenwood ("log-log") interval for S with Greenwood sum V. */
export function logLogInterval(survival: number, greenwood: number | null, z: number): [number | null, number | null] {
  if (survival >= 1) return [1, 1];
  if (!(survival > 0) || greenwood === null) return [null, null];
  const v = Math.log(survival);
  const w = (z * Math.sqrt(greenwood)) / v;
  const c = Math.log(-v);
  return [Math.exp(-Math.exp(c - w)), Math.exp(-Math.exp(c + w))];
}

/** Kaplan–Meier estimate from individual lifetimes. */
export function kaplanMeier(lifetimes: readonly Lifetime[], options: KaplanMeierOptions = {}): KaplanMeierFit {
  return kaplanMeierFromCounts(countByTime(lifetimes), options);
}

/** Kaplan–Meier estimate from counts per distinct time (any order; times must be distinct). */
export function kaplanMeierFromCounts(counts: readonly TimeCount[], options: KaplanMeierOptions = {}): KaplanMeierFit {
  const confLevel = options.confLevel ?? 0.95;
  const z = zFor(confLevel);
  const sorted = [...counts].sort((a, b) => a.time - b.time);
  const n = sorted.reduce((s, c) => s + c.events + c.censored, 0);
  let atRisk = n;
  let survival = 1;
  let greenwood: number | null = 0;
  let events = 0;
  const points: KaplanMeierPoint[] = [];
  for (const c of sorted) {
    if (c.events + c.censored === 0) continue;
    if (c.events > 0) {
      survival *= 1 - c.events / atRisk;
      if (greenwood !== null) greenwood = atRisk > c.events ? greenwood + c.events / (atRisk * (atRisk - c.events)) : null;
      if (survival <= 0) survival = 0;
    }
    const [lower, upper] = logLogInterval(survival, greenwood, z);
    points.push({ time: c.time, atRisk, events: c.events, censored: c.censored, survival, greenwood, lower, upper });
    events += c.events;
    atRisk -= c.events + c.censored;
  }
  return {
    n,
    events,
    confLevel,
    points,
    median: firstTimeAtOrBelow(points, (p) => p.survival),
    medianLower: firstTimeAtOrBelow(points, (p) => p.lower ?? (p.survival === 0 ? 0 : null)),
    medianUpper: firstTimeAtOrBelow(points, (p) => p.upper ?? (p.survival === 0 ? 0 : null)),
  };
}

function firstTimeAtOrBelow(points: readonly KaplanMeierPoint[], value: (p: KaplanMeierPoint) => number | null): number | null {
  for (const p of points) {
    const v = value(p);
    if (v !== null && v <= half) return p.time;
  }
  return null;
}

export interface SurvivalAt {
  time: number;
  survival: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * S(t) and its interval at time t: the values of the last step at or before t (1 before the
 * first step). Beyond the longest observed time the curve is unknown (null) unless it has
 * already reached 0.
 */
export function survivalAt(fit: KaplanMeierFit, t: number): SurvivalAt {
  const pts = fit.points;
  const last = pts[pts.length - 1];
  if (!last || t < 0) return { time: t, survival: null, lower: null, upper: null };
  if (t > last.time && last.survival > 0) return { time: t, survival: null, lower: null, upper: null };
  // Binary search: the last point with time ≤ t.
  let lo = 0, hi = pts.length - 1, k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]!.time <= t) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (k < 0) return { time: t, survival: 1, lower: 1, upper: 1 };
  const p = pts[k]!;
  return { time: t, survival: p.survival, lower: p.lower, upper: p.upper };
}

/**
 * Restricted mean survival time ∫₀^τ S(t) dt of the step curve (τ defaults to the longest
 * observed time). Null when τ lies beyond the longest observed time and S has not reached 0.
 */
export function restrictedMean(fit: KaplanMeierFit, tau?: number): number | null {
  const pts = fit.points;
  const last = pts[pts.length - 1];
  if (!last) return null;
  const end = tau ?? last.time;
  if (end > last.time && last.survival > 0) return null;
  let area = 0, prevT = 0, prevS = 1;
  for (const p of pts) {
    if (p.time >= end) break;
    area += prevS * (p.time - prevT);
    prevT = p.time;
    prevS = p.survival;
  }
  return area + prevS * (end - prevT);
}
