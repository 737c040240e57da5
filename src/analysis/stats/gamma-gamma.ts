// The Gamma–Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV:
// using iso-value curves for customer base analysis", J. Marketing Research 42(4); the note
// "The Gamma-Gamma model of monetary value", 2013). A customer's transaction values are
// Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; a customer with x repeat transactions of
// mean m_x is fitted on (x, m_x). Spend is assumed independent of purchase frequency.

import { ChurnbookError } from "../../util/errors.js";
import { lgamma } from "./special.js";
import { type FitOptions, fitLogParams } from "./bg-nbd.js";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendSummary {
  /** Number of repeat transactions (> 0). */
  x: number;
  /** Mean value of the repeat transactions (> 0). */
  m: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers the fit used (x > 0 and m > 0). */
  n: number;
}

/**
 * ln f(m_x | x; p, q, γ) of the mean of x transactions:
 *   lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m_x + px ln x − (px+q) ln(γ + x m_x).
 */
export function gammaGammaLogLikelihood(g: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = g;
  const px = p * x;
  return lgamma(px + q) - lgamma(px) - lgamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(gamma + x * m);
}

/** Σ ln f over customers; the lnΓ terms are computed once per distinct x. */
export function gammaGammaTotalLogLikelihood(g: GammaGammaParams, data: readonly SpendSummary[]): number {
  const { p, q, gamma } = g;
  const head = -lgamma(q) + q * Math.log(gamma);
  const byX = new Map<number, number>();
  let s = 0;
  for (const d of data) {
    const px = p * d.x;
    let c = byX.get(d.x);
    if (c === undefined) byX.set(d.x, (c = lgamma(px + q) - lgamma(px) + px * Math.log(d.x)));
    s += head + c + (px - 1) * Math.log(d.m) - (px + q) * Math.log(gamma + d.x * d.m);
  }
  return s;
}

/**
 * Maximum-likelihood fit on the customers with x > 0 and m > 0 (others carry no spend
 * information and are ignored; the caller reports how many were used). The mean negative
 * log-likelihood is minimised over (ln p, ln q, ln γ). Throws a ChurnbookError when fewer than
 * two customers qualify, when the optimiser does not converge or when an estimate runs off to
 * 0 or ∞ (|ln θ| > 20; e.g. every customer spends the same amount).
 */
export function fitGammaGamma(data: readonly SpendSummary[], options: FitOptions = {}): GammaGammaFit {
  const used = data.filter((d) => d.x > 0 && d.m > 0 && Number.isFinite(d.m));
  if (used.length < 2) {
    throw new ChurnbookError("model-fit-failed", `Gamma–Gamma: ${used.length} customer(s) with repeat purchases and positive spend; at least 2 are needed`, {
      hint: "the spend model is fitted on customers with at least one repeat purchase",
    });
  }
  const n = used.length;
  const meanM = used.reduce((s, d) => s + d.m, 0) / n;
  const fromLog = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });
  const objective = (v: number[]) => (v.some((e) => Math.abs(e) > 30) ? Infinity : -gammaGammaTotalLogLikelihood(fromLog(v), used) / n);
  const res = fitLogParams(objective, [0, 0, Math.log(meanM)], options);
  if (!res.converged || !Number.isFinite(res.value)) {
    throw new ChurnbookError("model-fit-failed", `Gamma–Gamma: the likelihood maximisation did not converge (after ${res.iterations} iterations, gradient norm ${res.tolerance.toPrecision(3)})`, {
      hint: "check the spend values: the model needs positive amounts that vary between customers",
    });
  }
  const off = res.x.findIndex((e) => Math.abs(e) > 20);
  if (off >= 0) {
    throw new ChurnbookError("model-fit-failed", `Gamma–Gamma: the estimate of ${["p", "q", "γ"][off]} runs off to ${res.x[off]! > 0 ? "infinity" : "zero"}; the model is not identified by these data`, {
      hint: "check the spend values: the model needs positive amounts that vary between customers",
    });
  }
  return { params: fromLog(res.x), logLikelihood: -res.value * n, n };
}

/**
 * E[M | x, m_x] = p(γ + x m_x)/(px + q − 1): the expected value of the customer's future
 * transactions, a weighted mean of the population mean pγ/(q − 1) and the customer's own mean
 * m_x (weight px/(px + q − 1)). With x = 0 it is the population mean. Null when q ≤ 1 (the
 * population mean is infinite) and the customer has no repeat purchases.
 */
export function gammaGammaExpectedSpend(g: GammaGammaParams, x: number, m: number): number | null {
  const { p, q, gamma } = g;
  const den = p * x + q - 1;
  if (!(den > 0)) return null;
  return (p * (gamma + (x > 0 ? x * m : 0))) / den;
}
