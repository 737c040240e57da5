// The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How
// to project customer retention", J. Interactive Marketing 21(1)). Each customer renews every
// period with their own probability 1 − θ; θ ~ Beta(α, β) across customers. Then
//   retention rate  r(t) = (β + t − 1) / (α + β + t − 1)        (t = 1, 2, …)
//   survival        S(t) = B(α, β + t) / B(α, β) = Π_{i=1..t} r(i),  S(0) = 1
//   P(T = t)        = S(t − 1) − S(t) = S(t − 1) · α / (α + β + t − 1).
// Everything is computed by the product form in log space (exact, stable for large t).
// The maximum-likelihood fit optimises (ln α, ln β); a fit that does not converge, or runs off
// to the boundary (α + β > 10⁴: no heterogeneity; α or β → 0), is reported as not converged
// with a failure code — the caller turns that into an error or a note rather than reporting a bad fit.

import type { Locale } from "../../core/vocabulary.js";
import { msg } from "../../locales/index.js";
import { minimize } from "./optimize.js";

export interface SbgFit {
  alpha: number;
  beta: number;
  logLikelihood: number;
  converged: boolean;
  /** Why the fit is not usable (set when converged is false): a code with its values; the
   * catalogues (locales/, `sbg.failure`) state it in each language. */
  failure?: SbgFailure;
}

/** Why an sBG fit is not usable. */
export type SbgFailure =
  | { code: "invalid-count"; period: number; value: number }
  | { code: "increasing"; period: number; from: number; to: number }
  | { code: "no-cohort" }
  | { code: "too-few-periods" }
  | { code: "no-loss" }
  | { code: "all-lost-first" }
  | { code: "no-heterogeneity" }
  | { code: "boundary" }
  | { code: "not-converged" };

/** Why a fit is not usable, in words of a locale (a fit without a code did not converge). */
export function sbgFailureText(failure: SbgFailure | undefined, locale: Locale): string {
  const say = msg(locale).sbg;
  const f: SbgFailure = failure ?? { code: "not-converged" };
  switch (f.code) {
    case "invalid-count":
      return say.invalidCount(f.period, String(f.value));
    case "increasing":
      return say.increasing(f.period, String(f.from), String(f.to));
    case "no-cohort":
      return say.noCohort;
    case "too-few-periods":
      return say.tooFewPeriods;
    case "no-loss":
      return say.noLoss;
    case "all-lost-first":
      return say.allLostFirst;
    case "no-heterogeneity":
      return say.noHeterogeneity;
    case "boundary":
      return say.boundary;
    case "not-converged":
      return say.notConverged;
  }
}

/** ln S(t) for the sBG model. */
export function sbgLogSurvival(alpha: number, beta: number, t: number): number {
  let ls = 0;
  for (let i = 1; i <= t; i++) ls += Math.log((beta + i - 1) / (alpha + beta + i - 1));
  return ls;
}

/** S(t) = B(α, β + t)/B(α, β): the share of a cohort still alive after t periods. */
export function sbgSurvival(alpha: number, beta: number, t: number): number {
  return Math.exp(sbgLogSurvival(alpha, beta, t));
}

/** r(t) = S(t)/S(t − 1) = (β + t − 1)/(α + β + t − 1): the retention rate of period t ≥ 1. */
export function sbgRetention(alpha: number, beta: number, t: number): number {
  return (beta + t - 1) / (alpha + beta + t - 1);
}

/**
 * Log-likelihood of survivor counts: survivors[0] is the cohort size, survivors[t] the number
 * alive after t periods; the n[t−1] − n[t] customers lost in period t contribute ln P(T = t)
 * and the survivors of the last period are right-censored (ln S(T)).
 */
export function sbgLogLikelihood(alpha: number, beta: number, survivors: readonly number[]): number {
  if (!(alpha > 0) || !(beta > 0)) return -Infinity;
  let ll = 0;
  let logS = 0; // ln S(t − 1)
  for (let t = 1; t < survivors.length; t++) {
    const lost = survivors[t - 1]! - survivors[t]!;
    if (lost > 0) ll += lost * (logS + Math.log(alpha / (alpha + beta + t - 1)));
    logS += Math.log((beta + t - 1) / (alpha + beta + t - 1));
  }
  const last = survivors[survivors.length - 1]!;
  if (survivors.length > 1 && last > 0) ll += last * logS;
  return ll;
}

/** Checks a survivor series: non-negative counts, non-increasing. */
function invalid(survivors: readonly number[]): SbgFailure | null {
  for (let t = 0; t < survivors.length; t++) {
    const v = survivors[t]!;
    if (!Number.isFinite(v) || v < 0) return { code: "invalid-count", period: t, value: v };
    if (t > 0 && v > survivors[t - 1]!) return { code: "increasing", period: t, from: survivors[t - 1]!, to: v };
  }
  return null;
}

/**
 * Maximum-likelihood sBG fit of one cohort's survivor counts (see sbgLogLikelihood).
 * Convenience for `fitSbgPooled([survivors])`.
 */
export function fitSbg(survivors: readonly number[]): SbgFit {
  return fitSbgPooled([survivors]);
}

/**
 * Maximum-likelihood sBG fit with one (α, β) shared by several cohorts, each with its own
 * length (its own right-censoring point): the log-likelihood is the sum over cohorts.
 * Never throws: an unusable fit comes back with converged = false and a failure code.
 */
export function fitSbgPooled(cohorts: ReadonlyArray<readonly number[]>): SbgFit {
  const bad = (failure: SbgFailure): SbgFit => ({ alpha: NaN, beta: NaN, logLikelihood: NaN, converged: false, failure });
  const usable: (readonly number[])[] = [];
  for (const s of cohorts) {
    const err = invalid(s);
    if (err) return bad(err);
    if (s.length >= 2 && s[0]! > 0) usable.push(s);
  }
  if (usable.length === 0) return bad({ code: "no-cohort" });
  if (!usable.some((s) => s.length >= 3)) return bad({ code: "too-few-periods" });
  const lost = usable.reduce((a, s) => a + s[0]! - s[s.length - 1]!, 0);
  if (lost === 0) return bad({ code: "no-loss" });
  const firstPeriodAll = usable.every((s) => s.slice(1).every((v) => v === 0));
  if (firstPeriodAll) return bad({ code: "all-lost-first" });

  const nll = (x: number[]) => -usable.reduce((a, s) => a + sbgLogLikelihood(Math.exp(x[0]!), Math.exp(x[1]!), s), 0);
  const res = minimize(nll, [0, 0], { tol: 1e-9, gradient: (x) => gradient(x, usable) });
  const alpha = Math.exp(res.x[0]!), beta = Math.exp(res.x[1]!);
  const out: SbgFit = { alpha, beta, logLikelihood: -res.value, converged: res.converged };
  if (alpha + beta > 1e4) {
    out.converged = false;
    out.failure = { code: "no-heterogeneity" };
  } else if (res.x[0]! < -12 || res.x[1]! < -12) {
    out.converged = false;
    out.failure = { code: "boundary" };
  } else if (!res.converged) out.failure = { code: "not-converged" };
  return out;
}

/** Analytic gradient of the negative log-likelihood in (ln α, ln β). */
function gradient(x: number[], cohorts: ReadonlyArray<readonly number[]>): number[] {
  const a = Math.exp(x[0]!), b = Math.exp(x[1]!);
  let ga = 0, gb = 0; // d LL / dα, d LL / dβ
  for (const s of cohorts) {
    // d ln S(t)/dα = Σ −1/(a+b+i−1); d ln S(t)/dβ = Σ [1/(b+i−1) − 1/(a+b+i−1)].
    let dSa = 0, dSb = 0;
    for (let t = 1; t < s.length; t++) {
      const lost = s[t - 1]! - s[t]!;
      const c = a + b + t - 1;
      if (lost > 0) {
        ga += lost * (dSa + 1 / a - 1 / c);
        gb += lost * (dSb - 1 / c);
      }
      dSa += -1 / c;
      dSb += 1 / (b + t - 1) - 1 / c;
    }
    const last = s[s.length - 1]!;
    if (last > 0) {
      ga += last * dSa;
      gb += last * dSb;
    }
  }
  return [-ga * a, -gb * b];
}

/**
 * Discounted expected residual lifetime (Fader & Hardie 2010, "Customer-base valuation in a
 * contractual setting", eq. 6): for a customer who has made n − 1 renewals (is alive at the
 * start of period n, n ≥ 1), the expected number of further payments including the one due now,
 * each discounted at rate d per period:
 *   DERL = Σ_{t ≥ n} S(t)/S(n − 1) / (1 + d)^(t − n)
 *        = (β + n − 1)/(α + β + n − 1) · ₂F₁(1, β + n; α + β + n; 1/(1 + d)).
 * Summed term by term (each term is the previous times r(t)/(1 + d)); needs d > 0.
 */
export function sbgDerl(alpha: number, beta: number, d: number, n = 1): number {
  if (!(d > 0)) throw new Error(`sbgDerl: the discount rate must be > 0, got ${d}`);
  let term = sbgRetention(alpha, beta, n);
  let sum = term;
  for (let t = n + 1; t < n + 1_000_000; t++) {
    term *= sbgRetention(alpha, beta, t) / (1 + d);
    sum += term;
    if (term <= 1e-16 * sum) return sum;
  }
  return sum;
}
