// Cox proportional-hazards regression with Efron's handling of tied event times, fitted by
// Newton–Raphson with step halving, and Harrell's concordance index as lifelines computes it.
//
// Partial log-likelihood (Efron): for each distinct event time t with d tied events D and risk
// set R (every observation with duration ≥ t), with S₀(A) = Σ_{i∈A} exp(xᵢβ):
//   ℓ(β) = Σ_t [ Σ_{i∈D} xᵢβ − Σ_{l=0}^{d−1} ln( S₀(R) − (l/d)·S₀(D) ) ].
// The covariates are centred and scaled internally (ℓ does not change; the fit is better
// conditioned); coefficients and their covariance are reported on the original scale.
// Covariance = inverse of the observed information at the optimum; z = β/se; two-sided
// normal p; CI β ± z_{1−α/2}·se. Likelihood-ratio test: 2(ℓ(β̂) − ℓ(0)) on p df.
// One pass over the observations sorted by descending duration accumulates the risk-set sums
// S₀, S₁, S₂, so each iteration costs O(n·p²).
// Grouped input: `weights` are frequency weights — row i stands for weights[i] identical
// observations (same duration, event and covariates). Every sum counts a row weights[i] times
// and Efron's d is the number of tied events, Σ weights, so the fit, its information, the
// likelihoods and the concordance equal those of the expanded data (up to rounding): a
// customer table grouped by (covariate pattern, duration, event) gives the per-customer fit.

import { ChurnbookError } from "../../util/errors.js";
import { invertSpd, solveSpd } from "./linalg.js";
import { chi2Sf, normalQuantile, normalTwoSidedP } from "./special.js";

export interface CoxOptions {
  /** Names of the covariates (for messages); default x1, x2, … */
  names?: readonly string[];
  /** Confidence level of the coefficient intervals (default 0.95). */
  confLevel?: number;
  /** Maximum Newton iterations (default 50). */
  maxIter?: number;
  /** Frequency weights: how many identical observations each row stands for (integers ≥ 1; default 1 each). */
  weights?: readonly number[];
}

export interface CoxFit {
  names: string[];
  coef: number[];
  se: number[];
  z: number[];
  p: number[];
  /** Confidence limits of the coefficients (exponentiate for the hazard ratio's). Standard
   * errors and everything derived from them are NaN when the fit diverged (converged = false). */
  lower: number[];
  upper: number[];
  hazardRatio: number[];
  covariance: number[][];
  logLik: number;
  logLikNull: number;
  lrChi2: number;
  lrDf: number;
  lrP: number;
  /** Harrell's C of the linear predictor; null when no pair is comparable. */
  concordance: number | null;
  n: number;
  events: number;
  iterations: number;
  converged: boolean;
}

interface Evaluation {
  ll: number;
  grad: number[];
  info: number[][];
  eta: Float64Array;
}

/** Fits a Cox model. `x` is row-major: x[i][j] is covariate j of observation i. */
export function coxPH(
  durations: readonly number[],
  events: readonly (boolean | number)[],
  x: readonly (readonly number[])[],
  options: CoxOptions = {},
): CoxFit {
  const n = durations.length;
  if (events.length !== n || x.length !== n) throw new Error("coxPH: durations, events and x must have the same length");
  const p = n > 0 ? x[0]!.length : (options.names?.length ?? 0);
  const names = options.names ? [...options.names] : Array.from({ length: p }, (_, j) => `x${j + 1}`);
  const confLevel = options.confLevel ?? 0.95;
  const maxIter = options.maxIter ?? 50;
  const weights = options.weights ?? null;
  if (weights && weights.length !== n) throw new Error("coxPH: weights and durations must have the same length");
  const wt = (i: number) => (weights ? weights[i]! : 1);
  let total = 0, nEvents = 0;
  for (let i = 0; i < n; i++) {
    const c = wt(i);
    if (!Number.isInteger(c) || c < 1) throw new Error(`coxPH: weights are counts of observations (integers ≥ 1), got ${c} in row ${i + 1}`);
    total += c;
    if (events[i] === true || events[i] === 1) nEvents += c;
  }
  if (nEvents === 0) throw new ChurnbookError("cox-no-events", "the Cox model needs at least one event (no lifetime in the data ended in churn)");

  // Sort by descending duration; standardise columns.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => durations[b]! - durations[a]! || a - b);
  const time = new Float64Array(n);
  const ev = new Uint8Array(n);
  const cnt = new Float64Array(n);
  const z = new Float64Array(n * p);
  const mean = new Array<number>(p).fill(0);
  const sd = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    if (row.length !== p) throw new Error("coxPH: every row of x must have the same length");
    const t = durations[i]!;
    if (!Number.isFinite(t) || t < 0) throw new ChurnbookError("bad-duration", `durations must be finite and non-negative, got ${t}`);
    for (let j = 0; j < p; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new ChurnbookError("bad-covariate", `covariate "${names[j]}" has a missing or non-finite value in row ${i + 1}`);
      mean[j]! += wt(i) * v;
    }
  }
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / total;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sd[j]! += wt(i) * (x[i]![j]! - mean[j]!) ** 2;
  for (let j = 0; j < p; j++) {
    sd[j] = Math.sqrt(sd[j]! / total);
    if (!(sd[j]! > 1e-12 * Math.max(1, Math.abs(mean[j]!)))) {
      throw new ChurnbookError("cox-constant-covariate", `covariate "${names[j]}" takes a single value, so its effect cannot be estimated`, { hint: "leave it out of the covariates" });
    }
  }
  order.forEach((src, i) => {
    time[i] = durations[src]!;
    ev[i] = events[src] === true || events[src] === 1 ? 1 : 0;
    cnt[i] = wt(src);
    for (let j = 0; j < p; j++) z[i * p + j] = (x[src]![j]! - mean[j]!) / sd[j]!;
  });

  const evaluate = (beta: readonly number[]): Evaluation => {
    const eta = new Float64Array(n);
    let m = -Infinity;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += z[i * p + j]! * beta[j]!;
      eta[i] = s;
      if (s > m) m = s;
    }
    const s1 = new Float64Array(p), s2 = new Float64Array(p * p);
    const d1 = new Float64Array(p), d2 = new Float64Array(p * p);
    const a = new Float64Array(p);
    const grad = new Array<number>(p).fill(0);
    const info = new Float64Array(p * p);
    let s0 = 0, ll = 0;
    let i = 0;
    while (i < n) {
      const t = time[i]!;
      let d = 0, d0 = 0;
      let k = i;
      for (; k < n && time[k] === t; k++) {
        const c = cnt[k]!;
        const w = c * Math.exp(eta[k]! - m);
        s0 += w;
        const off = k * p;
        for (let j = 0; j < p; j++) {
          const wz = w * z[off + j]!;
          s1[j]! += wz;
          for (let l = 0; l <= j; l++) s2[j * p + l]! += wz * z[off + l]!;
        }
        if (ev[k]) {
          if (d === 0) {
            d1.fill(0);
            d2.fill(0);
          }
          d += c;
          d0 += w;
          ll += c * (eta[k]! - m);
          for (let j = 0; j < p; j++) {
            const wz = w * z[off + j]!;
            grad[j]! += c * z[off + j]!;
            d1[j]! += wz;
            for (let l = 0; l <= j; l++) d2[j * p + l]! += wz * z[off + l]!;
          }
        }
      }
      for (let l = 0; l < d; l++) {
        const f = l / d;
        const phi = s0 - f * d0;
        ll -= Math.log(phi);
        for (let j = 0; j < p; j++) {
          a[j] = (s1[j]! - f * d1[j]!) / phi;
          grad[j]! -= a[j]!;
        }
        for (let j = 0; j < p; j++) for (let q = 0; q <= j; q++) info[j * p + q]! += (s2[j * p + q]! - f * d2[j * p + q]!) / phi - a[j]! * a[q]!;
      }
      i = k;
    }
    const infoM = Array.from({ length: p }, (_, j) => Array.from({ length: p }, (_, q) => (q <= j ? info[j * p + q]! : info[q * p + j]!)));
    return { ll, grad, info: infoM, eta };
  };

  let beta = new Array<number>(p).fill(0);
  let cur = evaluate(beta);
  const logLikNull = cur.ll;
  let iterations = 0;
  let converged = p === 0;
  while (!converged && iterations < maxIter) {
    const delta = solveSpd(cur.info, cur.grad);
    if (!delta) {
      if (iterations === 0) throw singular(names);
      break;
    }
    iterations++;
    let step = 1, next: Evaluation | null = null, cand = beta;
    for (let halvings = 0; halvings < 40; halvings++) {
      cand = beta.map((b, j) => b + step * delta[j]!);
      const e = evaluate(cand);
      if (Number.isFinite(e.ll) && e.ll >= cur.ll - 1e-12 * Math.abs(cur.ll)) {
        next = e;
        break;
      }
      step /= 2;
    }
    if (!next) break; // no step improves ℓ: we are at the optimum to machine precision
    const change = Math.abs(next.ll - cur.ll);
    const maxStep = Math.max(0, ...delta.map((dv) => Math.abs(step * dv)));
    beta = cand;
    cur = next;
    if (change <= 1e-10 * Math.max(1, Math.abs(cur.ll)) && maxStep < 1e-6) converged = true;
  }
  if (!converged && iterations > 0 && Math.max(0, ...(solveSpd(cur.info, cur.grad) ?? [Infinity]).map(Math.abs)) < 1e-6) converged = true;

  let covStd = p === 0 ? [] : invertSpd(cur.info);
  if (!covStd) {
    // Diverging coefficients (separation) make the information matrix numerically singular.
    if (iterations === 0) throw singular(names);
    converged = false;
    covStd = names.map(() => names.map(() => NaN));
  }
  const zq = normalQuantile(1 - (1 - confLevel) / 2);
  const coef = beta.map((b, j) => b / sd[j]!);
  const covariance = covStd.map((row, j) => row.map((v, q) => v / (sd[j]! * sd[q]!)));
  const se = covariance.map((row, j) => Math.sqrt(row[j]!));
  const zs = coef.map((b, j) => b / se[j]!);
  const lrChi2 = Math.max(0, 2 * (cur.ll - logLikNull));
  return {
    names,
    coef,
    se,
    z: zs,
    p: zs.map((v) => normalTwoSidedP(v)),
    lower: coef.map((b, j) => b - zq * se[j]!),
    upper: coef.map((b, j) => b + zq * se[j]!),
    hazardRatio: coef.map((b) => Math.exp(b)),
    covariance,
    logLik: cur.ll,
    logLikNull,
    lrChi2,
    lrDf: p,
    lrP: chi2Sf(lrChi2, p),
    concordance: concordanceIndex(Array.from(time), Array.from(ev), Array.from(cur.eta), weights ? Array.from(cnt) : undefined),
    n: total,
    events: nEvents,
    iterations,
    converged,
  };
}

function singular(names: readonly string[]): ChurnbookError {
  return new ChurnbookError("cox-singular", `the Cox model cannot be fitted: the covariates (${names.join(", ")}) are collinear or one of them separates the data perfectly`, {
    hint: "drop redundant covariates (e.g. two encodings of the same attribute) or merge rare categories",
  });
}

/**
 * Harrell's concordance index of a risk score (higher risk = shorter expected lifetime), as
 * lifelines' concordance_index(T, −risk, E) computes it: a pair is comparable when the shorter
 * duration ended in an event, or when the durations tie and only one of them is an event (the
 * censored one outlived it); a comparable pair is concordant when the earlier event has the
 * higher risk, and counts ½ when the risks tie. C = (concordant + ½ tied) / comparable; null
 * when no pair is comparable. `weights`: frequency weights (coxPH). O(n log n).
 */
export function concordanceIndex(durations: readonly number[], events: readonly (boolean | number)[], risk: readonly number[], weights?: readonly number[]): number | null {
  const n = durations.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => durations[a]! - durations[b]! || a - b);
  const levels = [...new Set(risk)].sort((a, b) => a - b);
  const rankOf = new Map(levels.map((v, i) => [v, i + 1]));
  const tree = new Float64Array(levels.length + 1);
  const wt = (i: number) => (weights ? weights[i]! : 1);
  const add = (r: number, c: number) => {
    for (let i = r; i < tree.length; i += i & -i) tree[i]! += c;
  };
  const countLe = (r: number) => {
    let s = 0;
    for (let i = r; i > 0; i -= i & -i) s += tree[i]!;
    return s;
  };
  const isEvent = (i: number) => events[i] === true || events[i] === 1;
  let pool = 0, pairs = 0, correct = 0, tied = 0;
  // A row of weight c is c identical observations: c times the pairs one of them makes (pairs
  // inside the row are never comparable: same duration, same event).
  const query = (i: number) => {
    const r = rankOf.get(risk[i]!)!;
    const le = countLe(r), lt = countLe(r - 1), c = wt(i);
    pairs += c * pool;
    correct += c * (pool - le);
    tied += c * (le - lt);
  };
  let a = 0;
  while (a < n) {
    let b = a;
    while (b < n && durations[order[b]!] === durations[order[a]!]) b++;
    const batch = order.slice(a, b);
    const died = batch.filter(isEvent);
    for (const i of died) query(i);
    for (const i of died) {
      add(rankOf.get(risk[i]!)!, wt(i));
      pool += wt(i);
    }
    for (const i of batch) if (!isEvent(i)) query(i);
    a = b;
  }
  return pairs > 0 ? (correct + tied / 2) / pairs : null;
}
