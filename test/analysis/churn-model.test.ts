import { describe, expect, it } from "vitest";
import { churnModel } from "../../src/analysis/churn-model.js";
import { ChurnbookError } from "../../src/util/errors.js";
import { runOnRows } from "../helpers/analysis.js";
import { syntheticCompany, telcoRows } from "./predict/fixtures.js";

describe("churn-model on IBM Telco (flat customers table)", () => {
  it("reaches the published cross-validated AUC with logistic regression; GBDT at least as good", async () => {
    const res = await runOnRows(churnModel, { customers: telcoRows() }, { models: "logistic,gbdt", folds: 5 });
    expect(res.scalars).toMatchObject({ source: "flat", training_rows: 7043, churners: 1869, features: 23, folds: 5, logistic_converged: true });
    expect(res.scalars.churn_rate).toBeCloseTo(0.2654, 4);
    const m = Object.fromEntries(res.tables.metrics!.map((r) => [r.model, r]));
    // REFERENCE-NUMBERS.md: 5-fold (row index mod 5) ROC AUC ≈ 0.845 for the IRLS logistic regression
    expect(Math.abs((m.logistic!.auc as number) - 0.845)).toBeLessThan(0.0015);
    // values obtained (pooled out-of-fold predictions): AUC 0.8453, AP 0.6518, Brier 0.1354
    expect(m.logistic!.auc).toBeCloseTo(0.8453, 4);
    expect(m.logistic!.average_precision).toBeCloseTo(0.6518, 4);
    expect(m.logistic!.brier).toBeCloseTo(0.1354, 4);
    expect(m.gbdt!.auc as number).toBeGreaterThanOrEqual(m.logistic!.auc as number);
    // GBDT obtained with the defaults (depth 3, learning rate 0.1, min leaf 50, early stopping): AUC 0.8484, AP 0.6640, Brier 0.1342
    expect(m.gbdt!.auc).toBeCloseTo(0.8484, 4);
    expect(m.gbdt!.average_precision).toBeCloseTo(0.664, 3);
    expect(m.gbdt!.brier).toBeCloseTo(0.1342, 4);
    expect(m.gbdt!.brier as number).toBeLessThanOrEqual(0.137);
    // the encoding is generic: yes/no columns binary, text one-hot (first level base), numbers numeric
    const coefs = res.tables.coefficients!.map((r) => r.feature);
    expect(coefs).toContain("Contract=One year");
    expect(coefs).toContain("Contract=Two year");
    expect(coefs).not.toContain("Contract=Month-to-month");
    expect(coefs).toContain("OnlineSecurity"); // "No internet service" → No
    const contract2 = res.tables.coefficients!.find((r) => r.feature === "Contract=Two year")!;
    expect(contract2.coefficient as number).toBeLessThan(-1); // long contracts churn less
    expect(res.tables.scores!.filter((r) => r.model === "logistic")).toHaveLength(7043);
    expect(res.tables.gains!.filter((r) => r.model === "gbdt")).toHaveLength(10);
    expect(res.tables.model_card!.map((r) => r.item)).toEqual(["data", "sample", "features", "validation", "metrics", "drivers", "limitations"]);
    const top = res.tables.drivers!.find((r) => r.model === "logistic" && r.rank === 1)!;
    expect(top.feature).toBe("tenure");
    expect(top.direction).toBe("down");
  });
});

describe("churn-model on event data", () => {
  it("trains on past monthly cutoffs, validates by customer folds and a time split, scores the active base", async () => {
    const data = syntheticCompany(500);
    const res = await runOnRows(churnModel, data, { cutoffs: 4 });
    expect(res.scalars).toMatchObject({ source: "events", first_cutoff: "2026-05-01", last_cutoff: "2026-08-01", scoring_date: "2026-11-01", label_window_end: "2026-10-30" });
    const validations = res.tables.metrics!.map((r) => `${r.model}/${r.validation}`);
    expect(validations).toEqual(["logistic/cv", "logistic/time:2026-08-01", "gbdt/cv", "gbdt/time:2026-08-01"]);
    for (const r of res.tables.metrics!) expect(r.auc as number).toBeGreaterThan(0.55);
    // scored customers = active on the eve of 2026-11-01 (subscription open or ending on/after it)
    const active = new Set(data.subscriptions.filter((s) => s.start_date! < "2026-11-01" && (s.end_date === null || s.end_date! >= "2026-11-01")).map((s) => s.customer_id));
    const scored = res.tables.scores!.filter((r) => r.model === "logistic").map((r) => r.customer_id);
    expect(new Set(scored)).toEqual(active);
    for (const r of res.tables.scores!) expect(r.probability as number).toBeGreaterThan(0);
    expect(res.tables.drivers!.some((r) => String(r.feature).startsWith("usage"))).toBe(true);
    // deterministic
    const again = await runOnRows(churnModel, data, { cutoffs: 4 });
    expect(again.tables.metrics).toEqual(res.tables.metrics);
  });

  it("returns empty tables with a note when there is nothing to learn from", async () => {
    const res = await runOnRows(churnModel, { subscriptions: [{ customer_id: "a", start_date: "2026-01-01", end_date: null, mrr: 10 }] }, {});
    expect(res.tables.metrics).toEqual([]);
    expect(res.notes![0]).toMatch(/single outcome/);
    // a subscription starting after the period: nobody is active at any cutoff
    const none = await runOnRows(churnModel, { subscriptions: [{ customer_id: "a", start_date: "2027-01-01", end_date: null, mrr: 10 }] }, {});
    expect(none.notes![0]).toMatch(/no training rows/);
  });

  it("rejects an unknown model and data without events or a churned label", async () => {
    await expect(runOnRows(churnModel, { customers: telcoRows().slice(0, 50) }, { models: "logistic,forest" })).rejects.toThrow(/unknown model "forest"/);
    await expect(runOnRows(churnModel, { customers: [{ customer_id: "a", region: "x" }] })).rejects.toBeInstanceOf(ChurnbookError);
  });
});
