// Models that fail quietly (issue 9, item 7): a separated logistic regression, a column that
// restates the label, an id column, and a BG/NBD fit at the boundary of its parameter space
// must each be detected, fall back as documented and say so in a note (both languages).

import { describe, expect, it } from "vitest";
import { churnModel } from "../../src/analysis/churn-model.js";
import { clv } from "../../src/analysis/clv.js";
import { fitLogistic, predictLogistic } from "../../src/analysis/predict/logistic.js";
import { idLikeName, screenColumns } from "../../src/analysis/predict/leakage.js";
import { riskList } from "../../src/analysis/risk-list.js";
import type { Row } from "../../src/analysis/types.js";
import { runOnRows } from "../helpers/analysis.js";
import { rng } from "./predict/fixtures.js";

const hasChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);
const hasEnglishWords = (s: string) => /\b(the|is|and|of|model|column|customers?)\b/i.test(s);

/** 100 customers: the 15 on the Legacy plan all churned (quasi-complete separation); the rest
 * churn at about 25% whatever their plan; tenure is noise. No column alone restates the label. */
function separatedCustomers(): Row[] {
  const r = rng(11);
  return Array.from({ length: 100 }, (_, i) => {
    const legacy = i % 7 === 3 && i < 105;
    const plan = legacy ? "Legacy" : i % 2 ? "Basic" : "Pro";
    return { customer_id: `C${String(i).padStart(3, "0")}`, churned: legacy ? true : r() < 0.25, plan, tenure: Math.round(1 + 60 * r()) };
  });
}

describe("logistic regression under (quasi-)complete separation", () => {
  // x = 1 → always churned (10 rows); x = 0 → 10 of 40 churned. The MLE of the slope is +∞.
  const x = new Float64Array(50), y = new Float64Array(50);
  for (let i = 0; i < 50; i++) {
    x[i] = i < 10 ? 1 : 0;
    y[i] = i < 10 ? 1 : i < 20 ? 1 : 0;
  }

  it("is not reported as converged: status separated, the separating column named", () => {
    const m = fitLogistic(x, y, 50, 1, { separationL2: null });
    expect(m.status).toBe("separated");
    expect(m.converged).toBe(false);
    expect(m.separated).toEqual([0]);
    expect(Math.abs(m.coef[1]!)).toBeGreaterThan(10); // the runaway unpenalised slope, kept as asked
  });

  it("falls back to L2 = 1 on the standardised slopes: a finite slope, probabilities inside (0, 1)", () => {
    const m = fitLogistic(x, y, 50, 1);
    expect(m.status).toBe("separated");
    expect(m.l2).toBe(1);
    expect(m.betaStd[1]!).toBeGreaterThan(0.5);
    expect(m.betaStd[1]!).toBeLessThan(10);
    const pr = predictLogistic(m, Float64Array.from([0, 1]), 2);
    expect(pr[0]).toBeCloseTo(0.25, 1);
    expect(pr[1]!).toBeGreaterThan(0.7);
    expect(pr[1]!).toBeLessThan(1 - 1e-6);
  });

  it("leaves a fit with a finite MLE alone (status converged, no penalty)", () => {
    const xx = Float64Array.from(x);
    xx[0] = 0; xx[20] = 1; // one non-churner with x = 1: the MLE exists
    const m = fitLogistic(xx, y, 50, 1);
    expect(m.status).toBe("converged");
    expect(m.l2).toBe(0);
    expect(m.separated).toEqual([]);
  });

  it("exactly collinear columns (a, b, 2a − b: huge opposite slopes, huge errors) are not separation", () => {
    const r = rng(3), n = 300, xx = new Float64Array(n * 3), yy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = 100 * r(), b = 100 * r();
      xx[i * 3] = a; xx[i * 3 + 1] = b; xx[i * 3 + 2] = 2 * a - b;
      yy[i] = r() < 1 / (1 + Math.exp(-(a - 50) / 20)) ? 1 : 0;
    }
    const m = fitLogistic(xx, yy, n, 3);
    expect(m.status).not.toBe("separated");
    expect(m.l2).toBe(0);
  });

  it("churn-model: logistic_status separated, a note in the report's language, a finite coefficient", async () => {
    const rows = separatedCustomers();
    for (const locale of ["en-US", "zh-CN"] as const) {
      const res = await runOnRows(churnModel, { customers: rows }, { models: "logistic", folds: 3 }, { locale, churn: { kind: "subscriptions" } });
      expect(res.scalars.logistic_status).toBe("separated");
      expect(res.scalars.logistic_converged).toBe(false);
      const note = res.notes!.find((n) => (locale === "zh-CN" ? /完全分离/.test(n) : /separated/.test(n)));
      expect(note).toBeDefined();
      expect(note).toContain("Legacy");
      if (locale === "zh-CN") expect(hasEnglishWords(note!)).toBe(false);
      else expect(hasChinese(note!)).toBe(false);
      const legacy = res.tables.coefficients!.find((c) => c.feature === "plan=Legacy")!;
      expect(Number.isFinite(legacy.coefficient)).toBe(true);
      expect(Math.abs(legacy.coefficient as number)).toBeLessThan(10);
    }
  });
});

/** 120 customers; `status` restates the label, `row_no` numbers the rows, `signup_rank` is an
 * unnamed row number (rises with the row order); `usage` and `plan` are honest features. */
function leakyCustomers(): Row[] {
  const r = rng(5);
  return Array.from({ length: 120 }, (_, i) => {
    const usage = Math.round(100 * r());
    const churned = r() < 0.15 + (usage < 30 ? 0.3 : 0);
    return { customer_id: `K${String(i).padStart(3, "0")}`, churned, status: churned ? "Cancelled" : "Active", row_no: i + 1, signup_rank: 1000 + 7 * i, usage, plan: i % 3 ? "Basic" : "Pro" };
  });
}

describe("leakage: columns that restate the label or number the rows", () => {
  it("names like id / row / index / *_id / 编号 say identifier", () => {
    for (const n of ["id", "ID", "row", "row_no", "index", "order_id", "customerId", "会员编号", "序号", "seq", "row-number"]) expect(idLikeName(n), n).toBe(true);
    for (const n of ["usage", "plan", "Paid", "tenure", "rowing_club", "identity_verified", "monthly_charges"]) expect(idLikeName(n), n).toBe(false);
  });

  it("screens status (single-feature AUC 1), row_no (id name) and signup_rank (monotone, unique) out", () => {
    const rows = leakyCustomers();
    const y = rows.map((r) => (r.churned ? 1 : 0));
    const out = screenColumns(rows, ["plan", "row_no", "signup_rank", "status", "usage"], y, rows.map((r) => String(r.customer_id)));
    expect(out.map((e) => [e.column, e.reason])).toEqual([["row_no", "id"], ["signup_rank", "id"], ["status", "label"]]);
    expect(out[2]!.auc).toBe(1);
  });

  it("churn-model leaves them out and says which and why, in both languages", async () => {
    const rows = leakyCustomers();
    const en = await runOnRows(churnModel, { customers: rows }, { models: "logistic", folds: 3 });
    expect(en.scalars.excluded_columns).toBe("row_no, signup_rank, status");
    const features = en.tables.drivers!.map((d) => String(d.feature));
    expect(features.some((f) => /status|row_no|signup_rank/.test(f))).toBe(false);
    expect(features).toContain("usage");
    // without the leak the model is honest, not perfect
    expect(en.scalars.best_auc as number).toBeLessThan(0.95);
    const note = en.notes!.find((n) => n.includes("status"))!;
    expect(note).toMatch(/AUC 1\.000/);
    expect(note).toMatch(/row_no, signup_rank are identifiers or row numbers/);
    const zh = await runOnRows(churnModel, { customers: rows }, { models: "logistic", folds: 3 }, { locale: "zh-CN" });
    const zhNote = zh.notes!.find((n) => n.includes("status"))!;
    expect(zhNote).toMatch(/已从模型中排除/);
    expect(zhNote).toMatch(/编号或行号/);
    expect(hasEnglishWords(zhNote)).toBe(false);
  });

  it("the scoring analyses (risk-list) say so too", async () => {
    const res = await runOnRows(riskList, { customers: leakyCustomers() }, {});
    expect(res.notes!.some((n) => n.includes("status") && /left out of the model/.test(n))).toBe(true);
  });
});
