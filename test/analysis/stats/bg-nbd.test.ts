import { describe, expect, it } from "vitest";
import { ChurnbookError } from "../../../src/util/errors.js";
import {
  bgNbdConditionalExpected, bgNbdExpected, bgNbdLogLikelihood, bgNbdPAlive, bgNbdTotalLogLikelihood, fitBgNbd, type RepeatSummary,
  poissonBgLogLikelihood,
} from "../../../src/analysis/stats/bg-nbd.js";
import { readSummaryCsv } from "./cdnow-fixture.js";

const ref = { r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 };
const csv = readSummaryCsv().map((c) => ({ x: c.x, tx: c.tx, T: c.T }));
// The file stores t_x and T as days ÷ 7 rounded to 2 decimals; 1/7 > 0.01, so the days are
// recovered exactly. The published fit (Fader & Hardie's, lifetimes') is on these exact times.
const exact = csv.map((c) => ({ x: c.x, tx: Math.round(c.tx * 7) / 7, T: Math.round(c.T * 7) / 7 }));
const sig = (got: number, want: number, digits: number) => expect(Math.abs(got / want - 1)).toBeLessThan(0.5 * 10 ** (1 - digits));

describe("BG/NBD", () => {
  it("log-likelihood of single customers by hand", () => {
    const p = { r: 1, alpha: 1, a: 1, b: 1 };
    // x = 0, T = 1: Γ(1)·1/Γ(1) · B(1,1)/B(1,1) · (1+1)^−1 = 1/2.
    expect(bgNbdLogLikelihood(p, 0, 0, 1)).toBeCloseTo(Math.log(0.5), 14);
    // x = 1, t_x = 1, T = 2: Γ(2)/Γ(1) · [B(1,2)/B(1,1) · 3^−2 + B(2,1)/B(1,1) · 2^−2] = 0.5/9 + 0.5/4 = 13/72.
    expect(bgNbdLogLikelihood(p, 1, 1, 2)).toBeCloseTo(Math.log(13 / 72), 14);
  });

  it("reproduces the published CDNOW fit (FHL 2005, lifetimes): parameters and log-likelihood", () => {
    const fit = fitBgNbd(exact);
    sig(fit.params.r, ref.r, 6);
    sig(fit.params.alpha, ref.alpha, 6);
    sig(fit.params.a, ref.a, 5);
    sig(fit.params.b, ref.b, 5);
    expect(fit.logLikelihood).toBeCloseTo(-9582.429, 3);
    expect(bgNbdTotalLogLikelihood(ref, exact)).toBeCloseTo(-9582.429, 3);
    // On the 2-decimal times as stored in the CSV the maximum is slightly different (−9582.4256).
    expect(fitBgNbd(csv).logLikelihood).toBeCloseTo(-9582.4256, 4);
  });

  it("conditional expectation and P(alive) of the paper's example customer", () => {
    // x = 2, t_x = 30.43, T = 38.86: E[Y(39)] = 1.226, P(alive) = 0.7266 (mpmath: 1.22590570451004).
    expect(bgNbdConditionalExpected(ref, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    expect(bgNbdConditionalExpected(ref, 39, 2, 30.43, 38.86)).toBeCloseTo(1.22590570451004, 10);
    expect(bgNbdPAlive(ref, 2, 30.43, 38.86)).toBeCloseTo(0.7266, 4);
    // One-time buyer: P(alive) = 1; E[Y(39) | 0, 0, 38.86] (mpmath) = 0.194781947124182.
    expect(bgNbdPAlive(ref, 0, 0, 38.86)).toBe(1);
    expect(bgNbdConditionalExpected(ref, 39, 0, 0, 38.86)).toBeCloseTo(0.194781947124182, 10);
  });

  it("unconditional E[X(t)], including long horizons where ₂F₁ is evaluated near z = 1", () => {
    // mpmath: E[X(39)] = 1.19500864984635, E[X(500)] = 4.88197226459808 (z = 0.991),
    // E[Y(520) | 2, 30.43, 38.86] = 7.31934467707722 (z = 0.923).
    expect(bgNbdExpected(ref, 39)).toBeCloseTo(1.19500864984635, 10);
    expect(bgNbdExpected(ref, 500)).toBeCloseTo(4.88197226459808, 9);
    expect(bgNbdConditionalExpected(ref, 520, 2, 30.43, 38.86)).toBeCloseTo(7.31934467707722, 9);
    expect(bgNbdExpected(ref, 0)).toBe(0);
  });

  it("reports a fit that cannot converge or is not identified instead of returning numbers", () => {
    expect(() => fitBgNbd(exact, { maxIterations: 3 })).toThrow(ChurnbookError);
    expect(() => fitBgNbd(exact, { maxIterations: 3 })).toThrow(/did not converge/);
    // Only one-time buyers: no repeat purchases to estimate from.
    const once: RepeatSummary[] = [{ x: 0, tx: 0, T: 10 }, { x: 0, tx: 0, T: 20 }];
    expect(() => fitBgNbd(once)).toThrow(/no customer made a repeat purchase/);
    expect(() => fitBgNbd([])).toThrow(ChurnbookError);
    try {
      fitBgNbd(once);
    } catch (e) {
      expect((e as ChurnbookError).code).toBe("model-fit-failed");
    }
  });

  it("rejects impossible summaries (recency after T, negative frequency)", () => {
    expect(() => fitBgNbd([{ x: 1, tx: 5, T: 3 }])).toThrow(/0 ≤ recency ≤ T/);
    expect(() => fitBgNbd([{ x: -1, tx: 0, T: 3 }])).toThrow(ChurnbookError);
  });
});

describe("BG/NBD without purchase-rate heterogeneity (the r, α → ∞ limit)", () => {
  it("the Poisson–beta-geometric likelihood is the BG/NBD likelihood at large α with r = λα", () => {
    const data = [
      { x: 0, tx: 0, T: 30 },
      { x: 3, tx: 20, T: 30 },
      { x: 7, tx: 29, T: 30 },
    ];
    const lambda = 0.25, a = 0.8, b = 4, alpha = 1e7;
    const limit = poissonBgLogLikelihood(lambda, a, b, data);
    const bgnbd = bgNbdTotalLogLikelihood({ r: lambda * alpha, alpha, a, b }, data);
    expect(limit).toBeCloseTo(bgnbd, 4);
  });

  it("fits regular monthly buyers in the limit instead of failing", () => {
    // 200 customers buying every 4 weeks (rate 0.25/week), some stopping after a few purchases.
    const data = Array.from({ length: 200 }, (_, i) => {
      const T = 40 + (i % 20);
      const stops = i % 4 === 0 ? 2 + (i % 5) : Math.floor(T / 4);
      const x = Math.min(stops, Math.floor(T / 4));
      return { x, tx: 4 * x, T };
    });
    const fit = fitBgNbd(data);
    expect(fit.homogeneousRate).toBe(true);
    expect(fit.params.r / fit.params.alpha).toBeGreaterThan(0.2);
    expect(fit.params.r / fit.params.alpha).toBeLessThan(0.3);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });
});
