import { describe, expect, it } from "vitest";
import { chi2Sf, hyp2f1, lgamma, normalCdf, normalQuantile, normalTwoSidedP } from "../../../src/analysis/stats/special.js";
import { bfgs, minimize, nelderMead } from "../../../src/analysis/stats/optimize.js";
import { invertSpd, solveSpd } from "../../../src/analysis/stats/linalg.js";

describe("special functions", () => {
  it("lgamma matches known values", () => {
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lgamma(100.5)).toBeCloseTo(361.4355404677776, 9);
  });
  it("χ² upper tail matches R pchisq(lower=FALSE)", () => {
    expect(chi2Sf(0.254237, 1)).toBeCloseTo(0.614107, 6);
    expect(chi2Sf(0.384615, 1)).toBeCloseTo(0.535143, 5);
    expect(chi2Sf(33.27, 7)).toBeCloseTo(2.35793600594e-5, 12);
    expect(chi2Sf(3.84145882, 1)).toBeCloseTo(0.05, 8);
  });
  it("normal CDF and quantile", () => {
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(normalTwoSidedP(1.959963985)).toBeCloseTo(0.05, 9);
  });
  it("hyp2f1 matches closed forms", () => {
    // 2F1(1,1;2;z) = -ln(1-z)/z
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    // 2F1(a,b;b;z) = (1-z)^-a
    expect(hyp2f1(2.5, 3, 3, -0.4)).toBeCloseTo(Math.pow(1.4, -2.5), 12);
  });
});

describe("optimisers", () => {
  const rosen = (x: number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
  it("minimise Rosenbrock", () => {
    for (const r of [minimize(rosen, [-1.2, 1]), bfgs(rosen, [-1.2, 1])]) {
      expect(r.converged).toBe(true);
      expect(r.x[0]).toBeCloseTo(1, 4);
      expect(r.x[1]).toBeCloseTo(1, 4);
    }
    expect(nelderMead(rosen, [-1.2, 1]).x[0]).toBeCloseTo(1, 3);
  });
  it("solves SPD systems", () => {
    const a = [[4, 2], [2, 3]];
    expect(solveSpd(a, [2, 1])).toEqual([0.5, 0]);
    const inv = invertSpd(a)!;
    expect(inv[0]![0]).toBeCloseTo(0.375, 12);
    expect(inv[0]![1]).toBeCloseTo(-0.25, 12);
    expect(solveSpd([[1, 2], [2, 1]], [1, 1])).toBeNull();
  });
});
