import { describe, expect, it } from "vitest";
import { averagePrecision, brier, calibrationCurve, confusionAt, costTradeOff, gainsByDecile, logLoss, rocAuc, topDecileLift } from "../../../src/analysis/predict/metrics.js";

// Hand fixture: y = [1, 0, 1, 0, 1], p = [0.9, 0.8, 0.8, 0.3, 0.2]
const y = [1, 0, 1, 0, 1];
const p = [0.9, 0.8, 0.8, 0.3, 0.2];

describe("metrics", () => {
  it("ROC AUC by Mann–Whitney with ties counted ½", () => {
    // positive/negative pairs: (.9,.8)=1 (.9,.3)=1 (.8,.8)=½ (.8,.3)=1 (.2,.8)=0 (.2,.3)=0 → 3.5/6
    expect(rocAuc(y, p)).toBeCloseTo(3.5 / 6, 12);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 1, 1], [0.1, 0.2, 0.3])).toBe(1);
    expect(rocAuc([0, 0], [0.1, 0.2])).toBeNull();
    expect(rocAuc([], [])).toBeNull();
  });

  it("average precision, scikit-learn's step sum over distinct thresholds", () => {
    // thresholds .9: R=1/3 P=1; .8: R=2/3 P=2/3; .3: R unchanged; .2: R=1 P=3/5
    // AP = 1/3·1 + 1/3·2/3 + 0 + 1/3·3/5 = 34/45
    expect(averagePrecision(y, p)).toBeCloseTo(34 / 45, 12);
    expect(averagePrecision([0, 0], [0.3, 0.1])).toBeNull();
    expect(averagePrecision([1, 1], [0.3, 0.1])).toBe(1);
  });

  it("Brier score and log loss", () => {
    // (.1² + .8² + .2² + .3² + .8²)/5 = 1.42/5
    expect(brier(y, p)).toBeCloseTo(0.284, 12);
    expect(logLoss(y, p)).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.8) + Math.log(0.7) + Math.log(0.2)) / 5, 12);
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 6); // clipped, finite
    expect(brier([], [])).toBeNull();
  });

  it("lift and cumulative gains by decile", () => {
    // 20 rows, scores 20..1; positives at ranks 1, 2, 3 and 11 → base rate 4/20 = 0.2
    const yy = Array.from({ length: 20 }, (_, i) => ([0, 1, 2, 10].includes(i) ? 1 : 0));
    const pp = Array.from({ length: 20 }, (_, i) => 20 - i);
    const g = gainsByDecile(yy, pp);
    expect(g).toHaveLength(10);
    expect(g[0]).toEqual({ decile: 1, customers: 2, churners: 2, churn_rate: 1, lift: 5, cumulative_customers_share: 0.1, cumulative_churners_share: 0.5, cumulative_lift: 5 });
    expect(g[1]!.churners).toBe(1);
    expect(g[1]!.cumulative_lift).toBeCloseTo(0.75 / 0.2, 12);
    expect(g[5]!.churners).toBe(1);
    expect(g[9]!.cumulative_churners_share).toBe(1);
    expect(topDecileLift(yy, pp)).toBe(5);
    expect(gainsByDecile([], [])).toEqual([]);
  });

  it("calibration over equal-width bins, empty bins omitted", () => {
    const c = calibrationCurve([0, 1, 1, 0], [0.05, 0.15, 0.95, 1]);
    expect(c).toEqual([
      { bin: 1, bin_start: 0, bin_end: 0.1, customers: 1, mean_predicted: 0.05, observed_rate: 0 },
      { bin: 2, bin_start: 0.1, bin_end: 0.2, customers: 1, mean_predicted: 0.15, observed_rate: 1 },
      { bin: 10, bin_start: 0.9, bin_end: 1, customers: 2, mean_predicted: 0.975, observed_rate: 0.5 },
    ]);
  });

  it("confusion matrix at a threshold (p ≥ threshold flags) and the offer cost trade-off", () => {
    const c = confusionAt(y, p, 0.5);
    expect(c).toEqual({ threshold: 0.5, tp: 2, fp: 1, fn: 1, tn: 1, precision: 2 / 3, recall: 2 / 3, specificity: 0.5, accuracy: 0.6 });
    // offers to 3 customers at 10 each = 30; saved = 0.5 × (100 + 200) = 150; net 120
    const t = costTradeOff(y, p, 0.5, 10, 0.5, [100, 50, 200, 0, 300]);
    expect(t).toMatchObject({ offers: 3, offer_cost_total: 30, value_saved: 150, net_benefit: 120 });
    expect(costTradeOff(y, p, 0.5, 10, 0.5, null)).toMatchObject({ value_saved: null, net_benefit: null });
    expect(confusionAt([], [], 0.5)).toMatchObject({ precision: null, recall: null, accuracy: null });
  });
});
