// The BG/NBD model of repeat buying in a non-contractual setting (Fader, Hardie & Lee 2005,
// "Counting your customers the easy way", Marketing Science 24(2)). While alive a customer buys
// as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with
// probability p ~ Beta(a, b). A customer is summarised by (x, t_x, T): x repeat purchases, the
// last at t_x, observed for T time units since the first purchase (see rfm-summary.ts).
//
// Everything is written in logs: the likelihood's sum of two terms goes through log-sum-exp,
// the optimiser works on (ln r, ln α, ln a, ln b), and a fit that does not converge or runs off
// to the boundary of the parameter space throws a ChurnbookError instead of returning numbers —
// except the documented limits: no rate heterogeneity (r > 1e4: r, α → ∞ with λ = r/α; then
// also no drop-out heterogeneity: a, b → ∞ with p = a/(a+b)), or no drop-out heterogeneity
// alone (a + b > 1e4: r, α and p), each fitted in its limiting form.
// Every returned fit lists its parameters beyond [1e-4, 1e4] (`boundary`) so the analysis can
// say so next to the result.

import { ChurnbookError } from "../../util/errors.js";
import { hyp2f1Real } from "./hypergeometric.js";
import { bfgs, type MinimizeResult, nelderMead } from "./optimize.js";
import { lbeta, lgamma } from "./special.js";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's calibration summary: x repeat purchases, recency t_x, age T (same unit). */
export interface RepeatSummary {
  x: number;
  tx: number;
  T: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  iterations: number;
  /**
   * True when purchase rates show no heterogeneity between customers: the MLE lies at the
   * boundary r, α → ∞ with r/α = λ fixed (every customer buys at rate λ while alive), so α is
   * held at a large value and λ, a, b are estimated — the Poisson limit of the model.
   */
  homogeneousRate?: boolean;
  /**
   * True when drop-out shows no heterogeneity: a and b grow without bound with p = a/(a+b)
   * fixed, so one drop-out probability p is estimated (with r, α; or with λ alone in the
   * homogeneous-rate limit); a + b is held at 1e6.
   */
  homogeneousDropout?: boolean;
  /** Parameters of the returned fit beyond [1e-4, 1e4]: at the boundary of the parameter space. */
  boundary: BoundaryParam[];
}

export interface BoundaryParam {
  /** "dropout": the mean drop-out probability a/(a+b) below 1e-4 (no customer drops out). */
  param: "r" | "alpha" | "a" | "b" | "dropout";
  value: number;
  /** "large": running off to infinity; "small": to zero. */
  side: "large" | "small";
}

/** A parameter beyond [1/boundaryBound, boundaryBound] is at the boundary (see BgNbdFit.boundary). */
export const boundaryBound = 1e4;

/** The parameters of a fit beyond [1e-4, 1e4], and a mean drop-out probability a/(a+b) below 1e-4. */
export function boundaryParams(p: BgNbdParams): BoundaryParam[] {
  const out: BoundaryParam[] = [];
  for (const param of ["r", "alpha", "a", "b"] as const) {
    const v = p[param];
    if (v > boundaryBound) out.push({ param, value: v, side: "large" });
    else if (v < 1 / boundaryBound) out.push({ param, value: v, side: "small" });
  }
  const dropout = p.a / (p.a + p.b);
  if (dropout < 1 / boundaryBound) out.push({ param: "dropout", value: dropout, side: "small" });
  return out;
}

export interface FitOptions {
  /** Cap on optimiser iterations (tests use a tiny cap to exercise the failure path). */
  maxIterations?: number;
}

/**
 * ln L(r, α, a, b | x, t_x, T), FHL 2005 eq. (6):
 *   L = Γ(r+x)α^r/Γ(r) · [ B(a, b+x)/B(a, b) · (α+T)^−(r+x) + δ(x>0) B(a+1, b+x−1)/B(a, b) · (α+t_x)^−(r+x) ].
 */
export function bgNbdLogLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const head = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const lb = lbeta(a, b);
  const t1 = lbeta(a, b + x) - lb - (r + x) * Math.log(alpha + T);
  if (x <= 0) return head + t1;
  const t2 = lbeta(a + 1, b + x - 1) - lb - (r + x) * Math.log(alpha + tx);
  return head + logSumExp(t1, t2);
}

/**
 * Σ ln L over customers (with optional weights = number of identical customers). The terms that
 * depend on x only — lnΓ(r+x) − lnΓ(r) and ln B(a, b+x) − ln B(a, b) — are computed once per
 * distinct x; B(a+1, b+x−1) = B(a, b+x) · a/(b+x−1) turns the second term into logs.
 */
export function bgNbdTotalLogLikelihood(p: BgNbdParams, data: ReadonlyArray<RepeatSummary & { weight?: number }>): number {
  const { r, alpha, a, b } = p;
  const lgr = lgamma(r), lb = lbeta(a, b), la = Math.log(a), lal = Math.log(alpha);
  const byX = new Map<number, number>();
  let s = 0;
  for (const d of data) {
    const x = d.x;
    let common = byX.get(x);
    if (common === undefined) byX.set(x, (common = lgamma(r + x) - lgr + r * lal + lbeta(a, b + x) - lb));
    const t1 = -(r + x) * Math.log(alpha + d.T);
    const ll = x > 0 ? common + logSumExp(t1, la - Math.log(b + x - 1) - (r + x) * Math.log(alpha + d.tx)) : common + t1;
    s += (d.weight ?? 1) * ll;
  }
  return s;
}

/**
 * The BG/NBD limit r, α → ∞ with r/α = λ: every live customer buys at the same Poisson rate λ
 * and drops out after a purchase with probability p ~ Beta(a, b). Integrating p out,
 *   L(x, t_x, T) = λ^x [B(a, b+x) e^(−λT) + δ(x>0) B(a+1, b+x−1) e^(−λ t_x)] / B(a, b).
 */
export function poissonBgLogLikelihood(lambda: number, a: number, b: number, data: ReadonlyArray<RepeatSummary & { weight?: number }>): number {
  const lb = lbeta(a, b), ll = Math.log(lambda);
  let s = 0;
  for (const d of data) {
    const stay = lbeta(a, b + d.x) - lb - lambda * d.T;
    const v = d.x > 0 ? logSumExp(stay, lbeta(a + 1, b + d.x - 1) - lb - lambda * d.tx) : stay;
    s += (d.weight ?? 1) * (d.x * ll + v);
  }
  return s;
}

/**
 * The limit of the Poisson–beta-geometric likelihood as a, b → ∞ with a/(a+b) = p: every live
 * customer buys at rate λ and drops out after each purchase with the same probability p,
 *   L(x, t_x, T) = λ^x [(1−p)^x e^(−λT) + δ(x>0) p (1−p)^(x−1) e^(−λ t_x)].
 */
export function poissonGeometricLogLikelihood(lambda: number, p: number, data: ReadonlyArray<RepeatSummary & { weight?: number }>): number {
  const ll = Math.log(lambda), lq = Math.log1p(-p), lp = Math.log(p);
  let s = 0;
  for (const d of data) {
    const stay = d.x * lq - lambda * d.T;
    const v = d.x > 0 ? logSumExp(stay, lp + (d.x - 1) * lq - lambda * d.tx) : stay;
    s += (d.weight ?? 1) * (d.x * ll + v);
  }
  return s;
}

/**
 * The BG/NBD limit a, b → ∞ with a/(a+b) = p (drop-out probability the same for everyone),
 * rates still Gamma(r, α):
 *   L = Γ(r+x)α^r/Γ(r) · [(1−p)^x (α+T)^−(r+x) + δ(x>0) p (1−p)^(x−1) (α+t_x)^−(r+x)].
 */
export function nbdGeometricLogLikelihood(r: number, alpha: number, p: number, data: ReadonlyArray<RepeatSummary & { weight?: number }>): number {
  const lgr = lgamma(r), la = Math.log(alpha), lq = Math.log1p(-p), lp = Math.log(p);
  let s = 0;
  for (const d of data) {
    const head = lgamma(r + d.x) - lgr + r * la;
    const stay = d.x * lq - (r + d.x) * Math.log(alpha + d.T);
    const v = d.x > 0 ? logSumExp(stay, lp + (d.x - 1) * lq - (r + d.x) * Math.log(alpha + d.tx)) : stay;
    s += (d.weight ?? 1) * (head + v);
  }
  return s;
}

/**
 * Maximum-likelihood fit. The customers are grouped by identical (x, t_x, T); the mean negative
 * log-likelihood is minimised over the log-parameters (Nelder–Mead then BFGS). Throws a
 * ChurnbookError when the data cannot identify the model (no repeat purchases), when the
 * optimiser does not converge, or when an estimate runs off to 0 or ∞ (|ln θ| > 20).
 */
export function fitBgNbd(data: readonly RepeatSummary[], options: FitOptions = {}): BgNbdFit {
  checkSummaries(data);
  if (data.length === 0) throw new ChurnbookError("model-fit-failed", "BG/NBD: no customers to fit the model on");
  if (!data.some((d) => d.x > 0)) {
    throw new ChurnbookError("model-fit-failed", "BG/NBD: no customer made a repeat purchase, so purchase rates and drop-out cannot be estimated", {
      hint: "use a longer observation window (an earlier first date or a later calibration_end)",
    });
  }
  const groups = groupSummaries(data);
  const n = data.length;
  const meanT = data.reduce((s, d) => s + d.T, 0) / n;
  const fromLog = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const objective = (v: number[]) => {
    if (v.some((e) => Math.abs(e) > 30)) return Infinity;
    return -bgNbdTotalLogLikelihood(fromLog(v), groups) / n;
  };
  const start = [0, Math.log(Math.max(meanT, 1e-3)), 0, 0];
  const res = fitLogParams(objective, start, options);
  const params = fromLog(res.x);
  // Regular purchasers (monthly invoices, say) carry no rate heterogeneity: r and α grow
  // together without bound. Fit the model's limit instead of failing (see poissonBgLogLikelihood).
  // r > 1e4 (the rates' coefficient of variation 1/√r below 1%) is this limit too.
  if (res.x[0]! > Math.log(boundaryBound) && !(options.maxIterations !== undefined && options.maxIterations < 50)) {
    const limit = (v: number[]) => (v.some((e) => Math.abs(e) > 30) ? Infinity : -poissonBgLogLikelihood(Math.exp(v[0]!), Math.exp(v[1]!), Math.exp(v[2]!), groups) / n);
    const lim = fitLogParams(limit, [res.x[0]! - res.x[1]!, res.x[2]!, res.x[3]!], options);
    // Predictions use the BG/NBD formulas at a large α with r = λα: within 1e-4 of the limit.
    const alpha = 1e4 * Math.max(meanT, 1e-3);
    if (lim.converged && Number.isFinite(lim.value) && lim.x.every((e) => Math.abs(e) <= 20)) {
      const lambda = Math.exp(lim.x[0]!);
      const params = { r: lambda * alpha, alpha, a: Math.exp(lim.x[1]!), b: Math.exp(lim.x[2]!) };
      return { params, logLikelihood: -lim.value * n, iterations: res.iterations + lim.iterations, homogeneousRate: true, boundary: boundaryParams(params) };
    }
    // a and b running off together (every customer buys alike and drops out alike): the limit
    // of the limit, with λ and p = a/(a+b) alone; a + b is held at 1e6 for the predictions.
    // Taken when the three-parameter limit found nothing better (it did not converge, or a and
    // b ran off): its likelihood is at least as high as the best the limit reached.
    if (Number.isFinite(lim.value)) {
      const logit = (q: number) => Math.log(q / (1 - q));
      const sig = (t: number) => 1 / (1 + Math.exp(-t));
      const pq = (v: number[]) => (v.some((e) => Math.abs(e) > 30) ? Infinity : -poissonGeometricLogLikelihood(Math.exp(v[0]!), sig(v[1]!), groups) / n);
      const a0 = Math.exp(lim.x[1]!), b0 = Math.exp(lim.x[2]!);
      const two = fitLogParams(pq, [lim.x[0]!, logit(a0 / (a0 + b0))], options);
      if (two.converged && Number.isFinite(two.value) && two.x.every((e) => Math.abs(e) <= 20) && two.value <= lim.value + 1e-9 * Math.max(1, Math.abs(lim.value))) {
        const lambda = Math.exp(two.x[0]!), p = sig(two.x[1]!), k = 1e6;
        const params = { r: lambda * alpha, alpha, a: p * k, b: (1 - p) * k };
        return { params, logLikelihood: -two.value * n, iterations: res.iterations + lim.iterations + two.iterations, homogeneousRate: true, homogeneousDropout: true, boundary: boundaryParams(params) };
      }
    }
  }
  // a and b running off together with heterogeneous rates: every customer drops out with the
  // same probability p = a/(a+b) after a purchase — fit r, α and p (a + b held at 1e6), taken
  // when it fits at least as well as where the free fit stopped.
  if (Number.isFinite(res.value) && params.a + params.b > boundaryBound && !(options.maxIterations !== undefined && options.maxIterations < 50)) {
    const sig = (t: number) => 1 / (1 + Math.exp(-t));
    const geo = (v: number[]) => (v.some((e) => Math.abs(e) > 30) ? Infinity : -nbdGeometricLogLikelihood(Math.exp(v[0]!), Math.exp(v[1]!), sig(v[2]!), groups) / n);
    const p0 = params.a / (params.a + params.b);
    const lim = fitLogParams(geo, [res.x[0]!, res.x[1]!, Math.log(p0 / (1 - p0))], options);
    if (lim.converged && Number.isFinite(lim.value) && lim.x.every((e) => Math.abs(e) <= 20) && lim.value <= res.value + 1e-9 * Math.max(1, Math.abs(res.value))) {
      const p = sig(lim.x[2]!), k = 1e6;
      const fitted = { r: Math.exp(lim.x[0]!), alpha: Math.exp(lim.x[1]!), a: p * k, b: (1 - p) * k };
      return { params: fitted, logLikelihood: -lim.value * n, iterations: res.iterations + lim.iterations, homogeneousDropout: true, boundary: boundaryParams(fitted) };
    }
  }
  if (!res.converged || !Number.isFinite(res.value)) {
    const at = `r ${fmt(params.r)}, α ${fmt(params.alpha)}, a ${fmt(params.a)}, b ${fmt(params.b)}`;
    throw new ChurnbookError("model-fit-failed", `BG/NBD: the likelihood maximisation did not converge (after ${res.iterations} iterations, gradient norm ${res.tolerance.toPrecision(3)}, last estimates ${at})`, {
      hint: "the data may be too few or too regular for the model; check the summary statistics (frequency, recency, T)",
    });
  }
  const off = res.x.findIndex((e) => Math.abs(e) > 20);
  if (off >= 0) {
    const name = ["r", "α", "a", "b"][off]!;
    throw new ChurnbookError("model-fit-failed", `BG/NBD: the estimate of ${name} runs off to ${res.x[off]! > 0 ? "infinity" : "zero"}; the model is not identified by these data`, {
      hint: "the data may be too few or too regular for the model; check the summary statistics (frequency, recency, T)",
    });
  }
  return { params, logLikelihood: -res.value * n, iterations: res.iterations, boundary: boundaryParams(params) };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))  (FHL 2005 eq. 11).
 */
export function bgNbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const logOdds = Math.log(p.a / (p.b + x - 1)) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[X(t)]: expected purchases in (0, t] of a customer just acquired (FHL 2005 eq. 7):
 *   (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function bgNbdExpected(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const a = nudgeFromOne(p.a);
  const z = t / (alpha + t);
  const h = hyp2f1Real(r, b, a + b - 1, z);
  return ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * Math.log(alpha / (alpha + t))) * h);
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (FHL 2005 eq. 10):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / [1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)].
 */
export function bgNbdConditionalExpected(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const a = nudgeFromOne(p.a);
  const z = t / (alpha + T + t);
  const h = hyp2f1Real(r + x, b + x, a + b + x - 1, z);
  const num = ((a + b + x - 1) / (a - 1)) * (1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * h);
  return num * bgNbdPAlive({ ...p, a }, x, tx, T);
}

/**
 * Nelder–Mead to get near the optimum (loose tolerance), then BFGS with central-difference
 * gradients to polish it (gradient norm of the mean log-likelihood ≤ 1e-6 counts as converged).
 * Cheaper than `minimize`'s tight simplex on large samples; shared with the Gamma–Gamma fit.
 */
export function fitLogParams(objective: (v: number[]) => number, start: number[], options: FitOptions = {}): MinimizeResult {
  const rough = nelderMead(objective, start, { tol: 1e-7, maxIterations: options.maxIterations });
  if (!Number.isFinite(rough.value)) return { ...rough, converged: false };
  const fine = bfgs(objective, rough.x, { tol: 1e-9, maxIterations: options.maxIterations });
  return fine.value <= rough.value ? fine : { ...rough, converged: false };
}

const fmt = (v: number) => v.toPrecision(4);

/** The expectations have a removable singularity at a = 1 (0/0); step just beside it. */
function nudgeFromOne(a: number): number {
  return Math.abs(a - 1) < 1e-7 ? 1 + 1e-7 : a;
}

function logSumExp(u: number, v: number): number {
  const m = Math.max(u, v);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** Identical summaries collapse into one weighted record (many one-time buyers share T). */
function groupSummaries(data: readonly RepeatSummary[]): Array<RepeatSummary & { weight: number }> {
  const map = new Map<string, RepeatSummary & { weight: number }>();
  for (const d of data) {
    const key = `${d.x}|${d.tx}|${d.T}`;
    const g = map.get(key);
    if (g) g.weight++;
    else map.set(key, { x: d.x, tx: d.tx, T: d.T, weight: 1 });
  }
  return [...map.values()];
}

/** Rejects summaries that no purchase history can produce. */
export function checkSummaries(data: readonly RepeatSummary[]): void {
  for (const d of data) {
    if (!(Number.isFinite(d.x) && Number.isFinite(d.tx) && Number.isFinite(d.T)) || d.x < 0 || d.tx < 0 || d.tx > d.T + 1e-9) {
      throw new ChurnbookError("bad-summary", `invalid purchase summary (frequency ${d.x}, recency ${d.tx}, T ${d.T}): need frequency ≥ 0 and 0 ≤ recency ≤ T`, {
        hint: "recency is the time from the first to the last purchase and T the time from the first purchase to the end of observation, in the same unit",
      });
    }
  }
}
