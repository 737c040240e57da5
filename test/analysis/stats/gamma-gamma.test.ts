import { describe, expect, it } from "vitest";
import { ChurnbookError } from "../../../src/util/errors.js";
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood, gammaGammaTotalLogLikelihood } from "../../../src/analysis/stats/gamma-gamma.js";
import { masterSummary, matchSample, readSample } from "./cdnow-fixture.js";

describe("Gamma–Gamma spend model", () => {
  it("log-likelihood and expected spend by hand", () => {
    // p = q = γ = 1, x = 1, m = 1: lnΓ(2) − 2 lnΓ(1) + 0 + 0 + 0 − 2 ln(1 + 1) = −2 ln 2.
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, gamma: 1 }, 1, 1)).toBeCloseTo(-2 * Math.log(2), 14);
    // p = 2, q = 3, γ = 4, x = 2, m = 10: 2(4 + 2·10)/(2·2 + 3 − 1) = 48/6 = 8; x = 0: pγ/(q − 1) = 4.
    expect(gammaGammaExpectedSpend({ p: 2, q: 3, gamma: 4 }, 2, 10)).toBeCloseTo(8, 14);
    expect(gammaGammaExpectedSpend({ p: 2, q: 3, gamma: 4 }, 0, 0)).toBeCloseTo(4, 14);
    // q ≤ 1: infinite population mean → null for one-time buyers.
    expect(gammaGammaExpectedSpend({ p: 2, q: 0.8, gamma: 4 }, 0, 0)).toBeNull();
  });

  it("reproduces the published CDNOW fit: (p, q, γ) = (6.25, 3.74, 15.44), LL −4055.9177", async () => {
    // The published fit uses the exact mean spend of the repeat purchases; the CSV rounds zbar to
    // cents. Exact values: the raw log's summary (our SQL) matched to the sample's 2,357 rows.
    const sample = readSample();
    const { matched } = matchSample(await masterSummary(), sample);
    const exact = matched.map((r) => ({ x: r.frequency as number, m: r.monetary as number }));
    const fit = fitGammaGamma(exact);
    expect(fit.n).toBe(946);
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    expect(fit.params.gamma).toBeCloseTo(15.44, 2);
    expect(fit.logLikelihood).toBeCloseTo(-4055.9177, 4);
    // On the CSV's rounded zbar the maximum moves a little (γ 15.448, LL −4055.9232).
    const rounded = fitGammaGamma(sample.map((s) => ({ x: s.x, m: s.zbar })));
    expect(rounded.n).toBe(946);
    expect(rounded.logLikelihood).toBeCloseTo(-4055.9232, 3);
    expect(gammaGammaTotalLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, exact.filter((d) => d.x > 0))).toBeCloseTo(-4055.919, 3);
  });

  it("reports unusable data instead of a silent bad fit", () => {
    // One-time buyers carry no spend information.
    expect(() => fitGammaGamma([{ x: 0, m: 0 }, { x: 0, m: 0 }, { x: 1, m: 10 }])).toThrow(/at least 2 are needed/);
    // Everyone spends exactly the same: the spend variance → 0 and p runs off to infinity.
    const same = Array.from({ length: 50 }, (_, i) => ({ x: 1 + (i % 4), m: 20 }));
    expect(() => fitGammaGamma(same)).toThrow(ChurnbookError);
    // An iteration cap too small to converge.
    const varied = Array.from({ length: 50 }, (_, i) => ({ x: 1 + (i % 4), m: 5 + ((i * 37) % 23) }));
    expect(() => fitGammaGamma(varied, { maxIterations: 2 })).toThrow(/did not converge/);
  });
});
