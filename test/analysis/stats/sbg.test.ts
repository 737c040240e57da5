import { describe, expect, it } from "vitest";
import { fitSbg, fitSbgPooled, sbgDerl, sbgFailureText, sbgLogLikelihood, sbgRetention, sbgSurvival } from "../../../src/analysis/stats/sbg.js";
import { hyp2f1, lbeta } from "../../../src/analysis/stats/special.js";

// Fader & Hardie (2007), "How to project customer retention", Table 1.
const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
const highEnd = [1000, 869, 743, 653, 593, 551, 517, 491];

describe("sBG survival and retention", () => {
  it("matches B(α, β + t)/B(α, β) and r(t) = (β + t − 1)/(α + β + t − 1)", () => {
    for (const [a, b] of [[0.704, 1.182], [2.5, 7], [0.1, 0.3]] as const) {
      for (const t of [0, 1, 2, 5, 40]) {
        expect(sbgSurvival(a, b, t)).toBeCloseTo(Math.exp(lbeta(a, b + t) - lbeta(a, b)), 12);
      }
      expect(sbgSurvival(a, b, 3) / sbgSurvival(a, b, 2)).toBeCloseTo(sbgRetention(a, b, 3), 14);
    }
    // Hand: α = 1, β = 1 → r(1) = 1/2, r(2) = 2/3, S(2) = 1/3 (S(t) = 1/(t + 1)).
    expect(sbgRetention(1, 1, 1)).toBe(0.5);
    expect(sbgSurvival(1, 1, 2)).toBeCloseTo(1 / 3, 15);
    expect(sbgSurvival(1, 1, 9)).toBeCloseTo(0.1, 15);
  });

  it("log-likelihood by hand: α = β = 1, survivors 4, 2, 1", () => {
    // P(T=1) = 1/2 (2 lost), P(T=2) = S(1)·α/(α+β+1) = 1/2 · 1/3 = 1/6 (1 lost), S(2) = 1/3 (1 censored).
    const ll = 2 * Math.log(1 / 2) + Math.log(1 / 6) + Math.log(1 / 3);
    expect(sbgLogLikelihood(1, 1, [4, 2, 1])).toBeCloseTo(ll, 14);
  });
});

describe("fitSbg", () => {
  it("reproduces the published fit of the 'regular' cohort (REFERENCE-NUMBERS)", () => {
    const fit = fitSbg(regular);
    expect(fit.converged).toBe(true);
    expect(fit.alpha.toFixed(3)).toBe("0.704");
    expect(fit.beta.toFixed(3)).toBe("1.182");
    expect(fit.logLikelihood.toFixed(2)).toBe("-1680.27");
  });

  it("reproduces the 'high end' cohort of the same paper (α = 0.668, β = 3.806, LL = −1611.2)", () => {
    const fit = fitSbg(highEnd);
    expect(fit.alpha.toFixed(3)).toBe("0.668");
    expect(fit.beta.toFixed(3)).toBe("3.806");
    expect(fit.logLikelihood.toFixed(1)).toBe("-1611.2");
  });

  it("pooled likelihood is the sum over cohorts: two copies give the same (α, β), twice the LL", () => {
    const one = fitSbg(regular);
    const two = fitSbgPooled([regular, regular]);
    expect(two.alpha).toBeCloseTo(one.alpha, 5);
    expect(two.beta).toBeCloseTo(one.beta, 5);
    expect(two.logLikelihood).toBeCloseTo(2 * one.logLikelihood, 6);
    // A shorter (more censored) cohort still contributes.
    const mixed = fitSbgPooled([regular, regular.slice(0, 2)]);
    expect(mixed.converged).toBe(true);
    expect(mixed.logLikelihood).toBeCloseTo(sbgLogLikelihood(mixed.alpha, mixed.beta, regular) + sbgLogLikelihood(mixed.alpha, mixed.beta, regular.slice(0, 2)), 8);
  });

  it("reports unusable data as a failed fit with a failure code, stated in each language", () => {
    expect(fitSbg([100, 50])).toMatchObject({ converged: false, failure: { code: "too-few-periods" } });
    expect(fitSbg([100, 100, 100])).toMatchObject({ converged: false, failure: { code: "no-loss" } });
    expect(fitSbg([100, 0, 0])).toMatchObject({ converged: false, failure: { code: "all-lost-first" } });
    expect(fitSbg([100, 60, 70])).toMatchObject({ converged: false, failure: { code: "increasing", period: 2, from: 60, to: 70 } });
    expect(fitSbg([0, 0, 0])).toMatchObject({ converged: false, failure: { code: "no-cohort" } });
    // Constant churn (geometric, no heterogeneity): the MLE runs off to infinity.
    const constant = fitSbg([100000, 90000, 81000, 72900, 65610]);
    expect(constant).toMatchObject({ converged: false, failure: { code: "no-heterogeneity" } });
    expect(sbgFailureText(constant.failure, "en-US")).toMatch(/no heterogeneity/);
    expect(sbgFailureText(constant.failure, "zh-CN")).toMatch(/^估计值趋于无穷/);
    expect(sbgFailureText(fitSbg([100, 60, 70]).failure, "en-US")).toBe("survivors increase from period 1 to 2 (60 → 70)");
  });

});

describe("sbgDerl", () => {
  it("equals the closed form (β+n−1)/(α+β+n−1)·₂F₁(1, β+n; α+β+n; 1/(1+d))", () => {
    for (const n of [1, 2, 5]) {
      const [a, b, d] = [0.704, 1.182, 0.1];
      expect(sbgDerl(a, b, d, n)).toBeCloseTo(((b + n - 1) / (a + b + n - 1)) * hyp2f1(1, b + n, a + b + n, 1 / (1 + d)), 10);
    }
  });
  it("tends to the geometric value (1−p)(1+d)/(d+p) without heterogeneity", () => {
    // α, β → ∞ with α/(α+β) = p = 0.2: DERL = Σ_{k≥0} 0.8^(k+1)/1.1^k = 0.8 / (1 − 0.8/1.1) = 2.9333…
    expect(sbgDerl(2e7, 8e7, 0.1)).toBeCloseTo((0.8 * 1.1) / 0.3, 4);
  });
  it("rejects a non-positive discount rate", () => {
    expect(() => sbgDerl(1, 1, 0)).toThrow(/discount/);
  });
});
