import { describe, expect, it } from "vitest";
import { applyBins, fitBins, fitGbdt, gbdtContributions, predictGbdt } from "../../../src/analysis/predict/gbdt.js";
import { rocAuc } from "../../../src/analysis/predict/metrics.js";
import { permutationImportance } from "../../../src/analysis/predict/validation.js";

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

function noisy(n: number, seed = 3): { x: Float64Array; y: Float64Array } {
  // feature 0 drives churn, feature 1 is noise
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const x = new Float64Array(n * 2), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * 2] = r() * 10;
    x[i * 2 + 1] = r() * 10;
    y[i] = r() < sigmoid(x[i * 2]! - 5) ? 1 : 0;
  }
  return { x, y };
}

describe("histogram GBDT", () => {
  it("bins distinct values at midpoints and caps the number of bins at 255", () => {
    const b = fitBins(Float64Array.from([1, 3, 3, 7]), 4, 1);
    expect(Array.from(b.edges[0]!)).toEqual([2, 5]);
    expect(Array.from(applyBins(b, Float64Array.from([0, 1, 2, 2.5, 3, 7, 100]), 7))).toEqual([0, 0, 0, 1, 1, 2, 2]);
    const many = Float64Array.from({ length: 2000 }, (_, i) => i);
    const e = fitBins(many, 2000, 1).edges[0]!;
    expect(e.length + 1).toBeLessThanOrEqual(255);
    const bins = applyBins({ edges: [e] }, many, 2000);
    expect(Math.max(...bins)).toBe(e.length);
  });

  it("one depth-1 tree gives the hand-computed leaf values −lr·G/(H+λ)", () => {
    // x = [0, 0, 1, 1], y = [0, 1, 1, 1]: base score ln(0.75/0.25) = ln 3, p = 0.75 everywhere.
    // left (x = 0): g = [0.75, −0.25] → G = 0.5, H = 2·0.1875 = 0.375 → leaf −0.5/0.375 = −4/3
    // right (x = 1): G = −0.5, H = 0.375 → +4/3   (lr = 1, λ = 0)
    const m = fitGbdt(Float64Array.from([0, 0, 1, 1]), Float64Array.from([0, 1, 1, 1]), 4, 1, { rounds: 1, depth: 1, learningRate: 1, l2: 0, minLeaf: 1, validationFraction: 0 });
    expect(m.trees).toHaveLength(1);
    expect(m.baseScore).toBeCloseTo(Math.log(3), 10);
    const pr = predictGbdt(m, Float64Array.from([0, 1]), 2);
    expect(pr[0]).toBeCloseTo(sigmoid(Math.log(3) - 4 / 3), 10);
    expect(pr[1]).toBeCloseTo(sigmoid(Math.log(3) + 4 / 3), 10);
    // path contribution of x = 1: value(right) − value(root) = 4/3 − (−0/0.75) = 4/3
    expect(gbdtContributions(m, Uint8Array.from([1]))[0]).toBeCloseTo(4 / 3, 10);
    expect(Array.from(m.gain)).toEqual([1]);
  });

  it("learns a signal, puts the gain on the informative feature, stops early, and is deterministic", () => {
    const { x, y } = noisy(3000);
    const m = fitGbdt(x, y, 3000, 2, { rounds: 400, depth: 3, learningRate: 0.3, minLeaf: 20, seed: 5 });
    expect(m.bestRound).toBeLessThan(400); // early stopping on the held-out 10%
    expect(m.validationRows.length).toBe(300);
    expect(m.gain[0]!).toBeGreaterThan(0.8);
    const test = noisy(2000, 99);
    const auc = rocAuc(test.y, predictGbdt(m, test.x, 2000))!;
    expect(auc).toBeGreaterThan(0.85); // the Bayes AUC of this design is about 0.9
    const again = fitGbdt(x, y, 3000, 2, { rounds: 400, depth: 3, learningRate: 0.3, minLeaf: 20, seed: 5 });
    expect(Array.from(predictGbdt(again, test.x, 50))).toEqual(Array.from(predictGbdt(m, test.x, 50)));
    const perm = permutationImportance((xx, nn) => predictGbdt(m, xx, nn), test.x, test.y, 2000, 2, 1);
    expect(perm[0]!).toBeGreaterThan(0.2);
    expect(Math.abs(perm[1]!)).toBeLessThan(0.03);
  });

  it("respects min_leaf and depth; no split on a constant feature", () => {
    const m = fitGbdt(Float64Array.from([1, 1, 1, 1]), Float64Array.from([0, 1, 0, 1]), 4, 1, { rounds: 3, validationFraction: 0, minLeaf: 1 });
    expect(m.trees.every((t) => t.left[0] === -1)).toBe(true);
    expect(Array.from(predictGbdt(m, Float64Array.from([1]), 1))[0]).toBeCloseTo(0.5, 10);
    const { x, y } = noisy(500);
    const d2 = fitGbdt(x, y, 500, 2, { rounds: 5, depth: 2, minLeaf: 100, validationFraction: 0 });
    for (const t of d2.trees) expect(t.value.length).toBeLessThanOrEqual(7);
  });
});
