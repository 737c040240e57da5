import { describe, expect, it } from "vitest";
import { fitLogistic, logisticContributions, predictLogistic } from "../../../src/analysis/predict/logistic.js";

// 2×2 table: x = 0: 3 churned of 10; x = 1: 6 churned of 10. The MLE is closed-form:
// b0 = ln(3/7), b1 = ln(6/4) − ln(3/7) = ln 3.5; Var(b1) = 1/3 + 1/7 + 1/6 + 1/4, Var(b0) = 1/3 + 1/7.
function table(): { x: Float64Array; y: Float64Array } {
  const x: number[] = [], y: number[] = [];
  const cells: Array<[number, number, number]> = [[0, 1, 3], [0, 0, 7], [1, 1, 6], [1, 0, 4]];
  for (const [xv, yv, k] of cells) for (let i = 0; i < k; i++) { x.push(xv); y.push(yv); }
  return { x: Float64Array.from(x), y: Float64Array.from(y) };
}

describe("logistic regression (IRLS)", () => {
  it("matches the closed-form MLE, standard errors and odds ratio of a 2×2 table", () => {
    const { x, y } = table();
    const m = fitLogistic(x, y, 20, 1);
    expect(m.converged).toBe(true);
    expect(m.coef[0]).toBeCloseTo(Math.log(3 / 7), 8);
    expect(m.coef[1]).toBeCloseTo(Math.log(3.5), 8);
    expect(m.se[1]).toBeCloseTo(Math.sqrt(1 / 3 + 1 / 7 + 1 / 6 + 1 / 4), 6);
    expect(m.se[0]).toBeCloseTo(Math.sqrt(1 / 3 + 1 / 7), 6);
    expect(Math.exp(m.coef[1]!)).toBeCloseTo(3.5, 8);
    const pr = predictLogistic(m, Float64Array.from([0, 1]), 2);
    expect(pr[0]).toBeCloseTo(0.3, 8);
    expect(pr[1]).toBeCloseTo(0.6, 8);
    // standardised slope: sd of x is 0.5, so β_std = 0.5·ln 3.5; contribution of x=1: β_std·(1 − 0.5)/0.5
    expect(m.betaStd[1]).toBeCloseTo(0.5 * Math.log(3.5), 8);
    expect(logisticContributions(m, Float64Array.from([1]), 0)[0]).toBeCloseTo(0.5 * Math.log(3.5), 8);
  });

  it("shrinks with L2 and gives a constant column coefficient 0 and no standard error", () => {
    const { x: x1, y } = table();
    const x = new Float64Array(40);
    for (let i = 0; i < 20; i++) { x[i * 2] = x1[i]!; x[i * 2 + 1] = 7; }
    const free = fitLogistic(x, y, 20, 2);
    const ridge = fitLogistic(x, y, 20, 2, { l2: 5 });
    expect(free.coef[1]).toBeCloseTo(Math.log(3.5), 8);
    expect(free.coef[2]).toBe(0);
    expect(free.se[2]).toBeNull();
    expect(ridge.coef[1]!).toBeGreaterThan(0);
    expect(ridge.coef[1]!).toBeLessThan(free.coef[1]! - 0.1);
    // penalised optimum: gradient of the penalised log-likelihood is 0 → Σ z(y − p) = λ β_std
    const pr = predictLogistic(ridge, x, 20);
    let g = 0;
    for (let i = 0; i < 20; i++) g += ((x1[i]! - 0.5) / 0.5) * (y[i]! - pr[i]!);
    expect(g).toBeCloseTo(5 * ridge.betaStd[1]!, 6);
  });

  it("survives exactly collinear columns", () => {
    const { x: x1, y } = table();
    const x = new Float64Array(40);
    for (let i = 0; i < 20; i++) { x[i * 2] = x1[i]!; x[i * 2 + 1] = 2 * x1[i]!; }
    const m = fitLogistic(x, y, 20, 2);
    const pr = predictLogistic(m, Float64Array.from([0, 0, 1, 2]), 2);
    expect(pr[0]).toBeCloseTo(0.3, 5);
    expect(pr[1]).toBeCloseTo(0.6, 5);
  });
});
