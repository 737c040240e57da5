// Logistic regression fitted by Newton–Raphson (IRLS) on standardised inputs, with an
// unpenalised intercept and an optional L2 penalty λ/2·‖β‖² on the standardised slopes.
//
// Inputs are z_j = (x_j − mean_j) / sd_j (population sd over the training rows); a column with
// sd = 0 is constant and gets coefficient 0 (and null standard error). Each step solves
// (ZᵀWZ + λI) Δ = Zᵀ(y − p) − λβ with W = diag(p(1 − p)), halving the step while the penalised
// log-likelihood decreases. Converged when the relative change of the penalised deviance is
// below `tol` (default 1e-10) — at most `maxIter` (default 50) steps. Standard errors come from
// the inverse of the penalised Hessian at the optimum (exact for λ = 0) and are transformed to
// the original units; odds ratios are exp(coefficient) per original unit and per standard deviation.
//
// Separation. When a column (or a combination) separates the outcomes completely or
// quasi-completely — e.g. every customer of one plan churned — the unpenalised MLE does not
// exist: the slope grows without bound while the log-likelihood creeps up, and the relative-
// change test above would report a "converged" −25 with a standard error of 5,443. An
// unpenalised fit (λ = 0) is declared separated when a column's slope is huge — |β_std| > 10,
// or a log-odds change above 10 across the column's observed range (|β|·(max − min), e.g. a
// one-hot level with |β| > 10) — its standard error is over 5 times the slope (or none could
// be computed), and some training row's fitted probability is within 1e-8 of 0 or 1 (exactly
// collinear columns also have huge, opposite slopes with huge errors, but moderate fitted
// probabilities: they are not separation). The fallback (option `separationL2`, default 1) refits with the L2 penalty
// λ = 1 on the standardised slopes (a N(0, 1) prior: finite, and negligible wherever the data
// identify the slope); the model then has status "separated", converged = false, `separated`
// naming the columns and `l2` = 1. separationL2 = null keeps the unpenalised fit, still flagged.

import { invertSpd, solveSpd } from "../stats/linalg.js";

export interface LogisticOptions {
  /** L2 penalty on the standardised slopes (0 = none). */
  l2?: number;
  maxIter?: number;
  tol?: number;
  /** L2 penalty of the refit when an unpenalised fit is separated (default 1; null = no refit). */
  separationL2?: number | null;
}

/** |standardised slope| beyond which a fit is checked for separation. */
export const separationSlope = 10;
/** A fitted probability this close to 0 or 1 is "numerically 0 or 1" (R's glm warning). */
export const extremeProbability = 1e-8;

export interface LogisticModel {
  kind: "logistic";
  p: number;
  mean: Float64Array;
  sd: Float64Array;
  /** Intercept and slopes on the standardised scale: [b0, b1..bp]. */
  betaStd: Float64Array;
  /** Intercept and slopes in original units. */
  coef: Float64Array;
  /** Standard errors in original units (null where undefined). */
  se: (number | null)[];
  /** Standard errors of the standardised slopes (index 0: intercept). */
  seStd: (number | null)[];
  /** False when the iterations ran out, or when the fit is separated (no finite MLE). */
  converged: boolean;
  /** "separated": the unpenalised MLE does not exist (see the header); the fit shown is the fallback. */
  status: "converged" | "not-converged" | "separated";
  /** Columns (0-based) whose slopes ran off under separation, largest |β| first. */
  separated: number[];
  /** The L2 penalty of the fit (the option, or the separation fallback's). */
  l2: number;
  iterations: number;
  logLik: number;
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** Column means and population standard deviations of a row-major n×p matrix. */
export function columnMoments(x: Float64Array, n: number, p: number): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(p), sd = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += x[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= Math.max(1, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sd[j]! += (x[i * p + j]! - mean[j]!) ** 2;
  for (let j = 0; j < p; j++) {
    const s = Math.sqrt(sd[j]! / Math.max(1, n));
    sd[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? s : 0;
  }
  return { mean, sd };
}

/** Fits P(y = 1 | x) = σ(b0 + Σ b_j x_j). x is row-major n×p, y holds 0/1. */
export function fitLogistic(x: Float64Array, y: ArrayLike<number>, n: number, p: number, options: LogisticOptions = {}): LogisticModel {
  const m = fitOnce(x, y, n, p, options);
  if (m.l2 > 0) return m;
  const separated = separatedColumns(m, x, n);
  if (separated.length === 0) return m;
  const fallback = options.separationL2 === undefined ? 1 : options.separationL2;
  const used = fallback !== null && fallback > 0 ? fitOnce(x, y, n, p, { ...options, l2: fallback }) : m;
  return { ...used, converged: false, status: "separated", separated };
}

/** Columns whose unpenalised slope runs off (see the header), largest |β_std| first. */
function separatedColumns(m: LogisticModel, x: Float64Array, n: number): number[] {
  const p = m.p, out: number[] = [];
  // Exactly collinear columns also give huge, opposite slopes with huge standard errors, but
  // their sum is finite: only a fit pushing some rows to probability 0 or 1 is separated.
  const fitted = predictLogistic(m, x, n);
  let extreme = false;
  for (let i = 0; i < n && !extreme; i++) extreme = fitted[i]! < extremeProbability || fitted[i]! > 1 - extremeProbability;
  if (!extreme) return [];
  for (let j = 0; j < p; j++) {
    if (!(m.sd[j]! > 0)) continue;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[i * p + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const b = Math.abs(m.betaStd[j + 1]!), se = m.seStd[j + 1];
    const big = b > separationSlope || Math.abs(m.coef[j + 1]!) * (hi - lo) > separationSlope;
    if (big && (se === null || se > 5 * b)) out.push(j);
  }
  return out.sort((a, b) => Math.abs(m.betaStd[b + 1]!) - Math.abs(m.betaStd[a + 1]!) || a - b);
}

function fitOnce(x: Float64Array, y: ArrayLike<number>, n: number, p: number, options: LogisticOptions): LogisticModel {
  const l2 = options.l2 ?? 0, maxIter = options.maxIter ?? 50, tol = options.tol ?? 1e-10;
  const { mean, sd } = columnMoments(x, n, p);
  const active: number[] = [];
  for (let j = 0; j < p; j++) if (sd[j]! > 0) active.push(j);
  const q = active.length + 1; // intercept + active slopes
  // Standardised design for the active columns, row-major n×q with a leading 1.
  const z = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    z[i * q] = 1;
    for (let a = 0; a < active.length; a++) {
      const j = active[a]!;
      z[i * q + a + 1] = (x[i * p + j]! - mean[j]!) / sd[j]!;
    }
  }
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i]!;
  ybar = n > 0 ? ybar / n : 0.5;
  const b = new Float64Array(q);
  b[0] = ybar > 0 && ybar < 1 ? Math.log(ybar / (1 - ybar)) : 0;

  const eta = new Float64Array(n);
  const penLogLik = (beta: Float64Array): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let k = 0; k < q; k++) e += z[i * q + k]! * beta[k]!;
      eta[i] = e;
      // log σ(e) and log(1 − σ(e)) computed stably
      ll += y[i]! > 0.5 ? -softplus(-e) : -softplus(e);
    }
    let pen = 0;
    for (let k = 1; k < q; k++) pen += beta[k]! ** 2;
    return ll - (l2 / 2) * pen;
  };

  let ll = penLogLik(b);
  let converged = false, iter = 0;
  const H = new Float64Array(q * q), g = new Float64Array(q);
  for (iter = 1; iter <= maxIter; iter++) {
    H.fill(0);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const pi = sigmoid(eta[i]!), w = Math.max(pi * (1 - pi), 1e-12), r = y[i]! - pi;
      const row = i * q;
      for (let a = 0; a < q; a++) {
        const za = z[row + a]!;
        g[a]! += za * r;
        const wz = w * za;
        for (let c = a; c < q; c++) H[a * q + c]! += wz * z[row + c]!;
      }
    }
    for (let k = 1; k < q; k++) {
      g[k]! -= l2 * b[k]!;
      H[k * q + k]! += l2;
    }
    const step = solveJittered(H, q, g);
    if (!step) break;
    let t = 1, next = new Float64Array(q), llNext = -Infinity;
    for (let half = 0; half < 30; half++) {
      for (let k = 0; k < q; k++) next[k] = b[k]! + t * step[k]!;
      llNext = penLogLik(next);
      if (llNext >= ll - 1e-12 * Math.abs(ll)) break;
      t /= 2;
    }
    b.set(next);
    const change = Math.abs(llNext - ll) / (Math.abs(llNext) + 0.1);
    ll = llNext;
    if (change < tol) {
      converged = true;
      break;
    }
  }
  if (!converged) penLogLik(b); // leave eta consistent with b

  // Hessian at the optimum for the standard errors.
  H.fill(0);
  for (let i = 0; i < n; i++) {
    const pi = sigmoid(eta[i]!), w = pi * (1 - pi), row = i * q;
    for (let a = 0; a < q; a++) for (let c = a; c < q; c++) H[a * q + c]! += w * z[row + a]! * z[row + c]!;
  }
  for (let k = 1; k < q; k++) H[k * q + k]! += l2;
  const cov = invertJittered(H, q);

  // Back to the full column set and original units.
  const betaStd = new Float64Array(p + 1), coef = new Float64Array(p + 1);
  const se: (number | null)[] = new Array(p + 1).fill(null), seStd: (number | null)[] = new Array(p + 1).fill(null);
  betaStd[0] = b[0]!;
  let b0 = b[0]!;
  const a0 = new Float64Array(q); // gradient of the original intercept w.r.t. b
  a0[0] = 1;
  active.forEach((j, k) => {
    betaStd[j + 1] = b[k + 1]!;
    coef[j + 1] = b[k + 1]! / sd[j]!;
    b0 -= (b[k + 1]! * mean[j]!) / sd[j]!;
    a0[k + 1] = -mean[j]! / sd[j]!;
    if (cov) {
      seStd[j + 1] = Math.sqrt(Math.max(0, cov[k + 1]![k + 1]!));
      se[j + 1] = seStd[j + 1]! / sd[j]!;
    }
  });
  coef[0] = b0;
  if (cov) {
    seStd[0] = Math.sqrt(Math.max(0, cov[0]![0]!));
    let v = 0;
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) v += a0[r]! * cov[r]![c]! * a0[c]!;
    se[0] = Math.sqrt(Math.max(0, v));
  }
  return { kind: "logistic", p, mean, sd, betaStd, coef, se, seStd, converged, status: converged ? "converged" : "not-converged", separated: [], l2, iterations: Math.min(iter, maxIter), logLik: ll + (l2 / 2) * sumSq(b, 1) };
}

/**
 * Exactly collinear inputs make the Hessian singular: retry with a tiny ridge on the slopes,
 * 1e-10 × the mean diagonal, growing ×100 up to 1e-2 (recorded nowhere else; the fit then
 * splits the effect between the collinear columns).
 */
function jitters(H: Float64Array, q: number): number[] {
  let mean = 0;
  for (let k = 0; k < q; k++) mean += H[k * q + k]!;
  mean = Math.max(mean / q, 1e-12);
  return [0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2].map((f) => f * mean);
}

function withRidge(H: Float64Array, q: number, e: number): number[][] {
  const m = toMatrix(H, q);
  for (let k = 1; k < q; k++) m[k]![k]! += e;
  return m;
}

function solveJittered(H: Float64Array, q: number, g: Float64Array): number[] | null {
  for (const e of jitters(H, q)) {
    const s = solveSpd(withRidge(H, q, e), Array.from(g));
    if (s && s.every(Number.isFinite)) return s;
  }
  return null;
}

function invertJittered(H: Float64Array, q: number): number[][] | null {
  for (const e of jitters(H, q)) {
    const inv = invertSpd(withRidge(H, q, e));
    if (inv && inv.every((r) => r.every(Number.isFinite))) return inv;
  }
  return null;
}

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function sumSq(a: Float64Array, from: number): number {
  let s = 0;
  for (let k = from; k < a.length; k++) s += a[k]! ** 2;
  return s;
}

function toMatrix(upper: Float64Array, q: number): number[][] {
  const m: number[][] = [];
  for (let a = 0; a < q; a++) {
    const row = new Array<number>(q);
    for (let c = 0; c < q; c++) row[c] = a <= c ? upper[a * q + c]! : upper[c * q + a]!;
    m.push(row);
  }
  return m;
}

/** Linear predictor b0 + Σ b_j x_j for each row of a row-major matrix with the model's p columns. */
export function logisticLinear(model: LogisticModel, x: Float64Array, n: number): Float64Array {
  const p = model.p, out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = model.coef[0]!;
    for (let j = 0; j < p; j++) e += model.coef[j + 1]! * x[i * p + j]!;
    out[i] = e;
  }
  return out;
}

export function predictLogistic(model: LogisticModel, x: Float64Array, n: number): Float64Array {
  const e = logisticLinear(model, x, n);
  for (let i = 0; i < n; i++) e[i] = sigmoid(e[i]!);
  return e;
}

/** Per-feature contributions to the log-odds of row i: β_std,j × (x_ij − mean_j)/sd_j. */
export function logisticContributions(model: LogisticModel, x: Float64Array, i: number): Float64Array {
  const p = model.p, out = new Float64Array(p);
  for (let j = 0; j < p; j++) out[j] = model.sd[j]! > 0 ? (model.betaStd[j + 1]! * (x[i * p + j]! - model.mean[j]!)) / model.sd[j]! : 0;
  return out;
}
