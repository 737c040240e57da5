// A zh-CN report carries no English sentence in an analysis's notes: every analysis runs in zh-CN
// on the sample company (both churn bases where the basis matters), on data too thin to analyse,
// and down the failure paths whose notes name a model's trouble — an sBG fit that fails for a
// cohort, a churn model with nothing to learn, a single outcome, a column that restates the label,
// an identifier column and a separated logistic regression. Codes (AUC, MRR, RFM, CLV, l2 …),
// column names and data values may stay Latin; three Latin words in a row are a sentence.

import { describe, expect, it } from "vitest";
import { churnModel } from "../../src/analysis/churn-model.js";
import { cohortProjection } from "../../src/analysis/cohort-projection.js";
import { customerCard } from "../../src/analysis/customer-card.js";
import { playbook } from "../../src/analysis/playbook.js";
import { registry } from "../../src/analysis/registry.js";
import { riskList } from "../../src/analysis/risk-list.js";
import { sbgFailureText, type SbgFailure } from "../../src/analysis/stats/sbg.js";
import type { Analysis, AnalysisResult, Row } from "../../src/analysis/types.js";
import { msg } from "../../src/locales/index.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { runOnRows } from "../helpers/analysis.js";
import { sampleRuns } from "../helpers/sample-runs.js";
import { rng } from "../analysis/predict/fixtures.js";

const cjk = /[\u3400-\u9fff]/;
/** Three Latin words in a row ("the fit failed"): an English sentence, not a code or a name. */
const latinSentence = /\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b/;

/** The notes that would read as English in a zh-CN report, as "label: note". */
function english(label: string, notes: readonly string[] | undefined): string[] {
  return (notes ?? []).filter((n) => !cjk.test(n) || latinSentence.test(n)).map((n) => `${label}: ${n}`);
}

/** Runs in zh-CN; an analysis that refuses the data (a user error) has no notes to check. */
async function notesOf(a: Analysis, data: Parameters<typeof runOnRows>[1], params: Record<string, unknown> = {}): Promise<AnalysisResult | null> {
  try {
    return await runOnRows(a, data, params, { locale: "zh-CN" });
  } catch (e) {
    if (isChurnbookError(e)) return null;
    throw e;
  }
}

describe("zh-CN notes", () => {
  it("the detector flags English and passes codes, names and numbers", () => {
    expect(english("x", ["the fit failed", "群组：sBG 模型拟合失败（the estimates run off to infinity）", "no churn"])).toHaveLength(3);
    expect(english("x", ["BG/NBD 参数 r = 0.5（趋于 0）", "字段 status（AUC 0.999）已排除", "逻辑回归未收敛：可设置 l2 > 0", "min_peers = 5，CPM 与 RFM 分组"])).toEqual([]);
  });

  it("every analysis on the sample company, both churn bases", { timeout: 600_000 }, async () => {
    const runs = await sampleRuns({ quick: true, locale: "zh-CN" });
    expect(new Set(runs.map((r) => r.analysis.id)).size).toBe(registry.size);
    expect(runs.flatMap((r) => english(`${r.analysis.id} ${r.label}`, r.result.notes))).toEqual([]);
    // The runs did say something in Chinese (the check is not vacuous).
    expect(runs.flatMap((r) => r.result.notes ?? []).filter((n) => cjk.test(n)).length).toBeGreaterThan(5);
  });

  it("every analysis on thin data (one customer, one subscription, one purchase)", { timeout: 300_000 }, async () => {
    const data = {
      customers: [{ customer_id: "C1", signup_date: "2026-01-05", plan: "基础版" }],
      subscriptions: [{ customer_id: "C1", start_date: "2026-01-05", end_date: null, mrr: 100, plan: "基础版" }],
      transactions: [{ customer_id: "C1", date: "2026-02-01", amount: 100 }],
      churn_events: [{ customer_id: "C1", date: "2026-10-03", reason: "too expensive", type: "sideways" }],
    };
    const found: string[] = [];
    let ran = 0, noted = 0;
    for (const a of registry.values()) {
      const params = a.id === "customer-card" ? { customer_id: "C1" } : {};
      const res = await notesOf(a, data, params);
      if (res) ran++;
      if (res?.notes?.length) noted++;
      found.push(...english(a.id, res?.notes));
    }
    expect(found).toEqual([]);
    // Most analyses run on it, and most of those have something to say (22 and 15 today).
    expect(ran).toBeGreaterThan(15);
    expect(noted).toBeGreaterThan(8);
  });

  it("an sBG fit that fails for one cohort, and every failure code, in Chinese", { timeout: 120_000 }, async () => {
    // Cohort 2026-01 keeps all its customers (no loss: the fit fails); 2026-02 loses some.
    const subscriptions: Row[] = [];
    for (let i = 0; i < 6; i++) subscriptions.push({ customer_id: `A${i}`, start_date: "2026-01-10", end_date: null, mrr: 50 });
    for (let i = 0; i < 8; i++) subscriptions.push({ customer_id: `B${i}`, start_date: "2026-02-10", end_date: i < 3 ? `2026-0${4 + i}-10` : null, mrr: 50 });
    const res = await notesOf(cohortProjection, { subscriptions }, { mode: "per_cohort" });
    expect(res?.notes?.some((n) => /sBG 模型拟合失败/.test(n))).toBe(true);
    expect(english("cohort-projection", res?.notes)).toEqual([]);
    expect(res!.tables.fits!.filter((f) => f.error !== null).every((f) => cjk.test(String(f.error)))).toBe(true);
    const failures: SbgFailure[] = [
      { code: "invalid-count", period: 2, value: -1 },
      { code: "increasing", period: 2, from: 60, to: 70 },
      { code: "no-cohort" },
      { code: "too-few-periods" },
      { code: "no-loss" },
      { code: "all-lost-first" },
      { code: "no-heterogeneity" },
      { code: "boundary" },
      { code: "not-converged" },
    ];
    expect(english("sbg", failures.map((f) => msg("zh-CN").cohorts.sbgFitFailed("2026-01", sbgFailureText(f, "zh-CN"))))).toEqual([]);
  });

  it("the churn model's failure, leakage, identifier and separation notes", { timeout: 300_000 }, async () => {
    const r = rng(11);
    // Legacy customers all churned (quasi-complete separation); status restates the label; row_no numbers the rows.
    const customers: Row[] = Array.from({ length: 120 }, (_, i) => {
      const legacy = i % 7 === 3;
      const churned = legacy ? true : r() < 0.25;
      return { customer_id: `C${String(i).padStart(3, "0")}`, churned, plan: legacy ? "Legacy" : i % 2 ? "Basic" : "Pro", tenure: Math.round(1 + 60 * r()), status: churned ? "Cancelled" : "Active", row_no: i + 1 };
    });
    const model = await notesOf(churnModel, { customers }, { models: "logistic", folds: 3 });
    const notes = model?.notes ?? [];
    expect(notes.some((n) => /完全分离/.test(n))).toBe(true);
    expect(notes.some((n) => /status/.test(n) && /排除/.test(n))).toBe(true);
    expect(notes.some((n) => /row_no/.test(n) && /编号/.test(n))).toBe(true);
    const found = english("churn-model", notes);
    // Nothing to learn from: no rows, and a single outcome — in the model and the analyses that score with it.
    const none = customers.map((c) => ({ customer_id: c.customer_id, churned: false, plan: c.plan, tenure: c.tenure }));
    for (const [a, params] of [[churnModel, {}], [riskList, {}], [playbook, {}], [customerCard, { customer_id: "C001" }]] as const) {
      const res = await notesOf(a, { customers: none }, params);
      expect(res?.notes?.length ?? 0, a.id).toBeGreaterThan(0);
      found.push(...english(a.id, res?.notes));
    }
    const empty = await notesOf(churnModel, { customers: [{ customer_id: "C1", churned: null, plan: "Basic" }] });
    found.push(...english("churn-model (no rows)", empty?.notes));
    expect(found).toEqual([]);
  });
});
