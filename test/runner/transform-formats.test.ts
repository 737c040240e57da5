// A transform's table is formatted by declaration, like an analysis's: the declaration of its input
// flows through the verbs (runner/transform.ts transformOutputs). A renamed column keeps its format,
// a sound aggregate keeps it, a column given `format:` has it, and anything else is typed from its
// values — never from its name (a derived "revenue_share" is a plain number, not a percent).

import { describe, expect, it } from "vitest";
import type { ReportCell } from "../../src/definition/index.js";
import { checkTransformStep, normalizeTransformStep } from "../../src/definition/transform.js";
import { buildCell, type ResultsById } from "../../src/runner/cells.js";
import { runTransform, transformResult } from "../../src/runner/transform.js";
import { formatValue } from "../../src/util/format.js";
import { parsePeriod } from "../../src/util/period.js";
import { fakeAnalysis } from "../helpers/analysis.js";

const trend = fakeAnalysis({
  mainTable: "periods",
  outputs: {
    scalars: {},
    tables: {
      periods: {
        description: { "zh-CN": "各期", "en-US": "Periods" },
        columns: {
          period: { type: "string", format: "period" },
          plan: { type: "string", format: "label" },
          customers: { type: "integer", format: "count" },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "期内流失的期初客户占期初客户的比例", "en-US": "Share of the customers at the start who churned in the period" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" } },
          mrr: { type: "number", format: "currency", description: { "zh-CN": "月经常性收入", "en-US": "MRR" } },
        },
      },
    },
  },
});
const rows = [
  { period: "2026-09", plan: "Basic", customers: 40, churn_rate: 0.05, mrr: 4000 },
  { period: "2026-10", plan: "Basic", customers: 42, churn_rate: 0.025, mrr: 4300 },
  { period: "2026-10", plan: "Pro", customers: 10, churn_rate: 0.1, mrr: 5000 },
];
const scope = { params: {}, period: parsePeriod("2026-10"), locale: "en-US" as const, currency: "USD" };

/** Runs a transform over the stand-in table and shows its result in a table cell: each column's format and first printed value. */
function printed(steps: Record<string, unknown>[]): Record<string, { format: string; text: string; header: string }> {
  for (const s of steps) expect(checkTransformStep(s)).toEqual([]);
  const cell = { kind: "transform", id: "t", from: "trend", line: 1, steps: steps.map((s, i) => normalizeTransformStep(s, i + 2)) } as Extract<ReportCell, { kind: "transform" }>;
  const results: ResultsById = new Map([["trend", { analysis: trend, params: {}, plan: {}, result: { scalars: {}, tables: { periods: rows } } }]]);
  results.set("t", transformResult(cell, runTransform(cell, results, "t.yaml"), results));
  const table = buildCell({ kind: "table", id: "tab", from: "t", table: null, columns: null, limit: null, sort: null, landscape: false, line: 9 } as ReportCell, results, scope);
  if (table.kind !== "table") throw new Error(table.kind);
  return Object.fromEntries(table.columns.map((c) => [c.key, { format: c.format, text: formatValue(table.rows[0]![c.key] ?? null, c.format, "en-US", "USD"), header: c.label }]));
}

describe("a transform's table is formatted by declaration", () => {
  it("a column renamed from churn_rate to x still prints as a percent; kept columns keep their formats", () => {
    const t = printed([{ derive: { x: "d => d.churn_rate" } }, { select: ["period", "x", "mrr"] }]);
    expect(t.x).toEqual({ format: "percent", text: "5.0%", header: "X" });
    expect(t.period!.format).toBe("period");
    expect(t.mrr!.format).toBe("currency");
  });

  it("headers come from the declaration: the label, else the description; a kept column keeps its header", () => {
    const t = printed([{ filter: "d => d.customers > 0" }, { select: ["churn_rate", "mrr"] }]);
    expect([t.churn_rate!.header, t.mrr!.header]).toEqual(["Churn rate", "MRR"]);
  });

  it("a derived column named revenue_share with no format prints as a plain number, not a percent", () => {
    const t = printed([{ derive: { revenue_share: "d => d.mrr / 9300" } }, { select: ["revenue_share"] }]);
    expect(t.revenue_share!.format).toBe("number");
    expect(t.revenue_share!.text).not.toContain("%");
  });

  it("a derived column given a format has it", () => {
    const t = printed([{ derive: { revenue_share: { expr: "d => d.mrr / 9300", format: "percent" } } }]);
    expect(t.revenue_share).toMatchObject({ format: "percent", text: "43.0%" });
  });

  it("aggregates keep the format where that is sound: sum of currency, count, mean of percents; a ratio of sums is a number", () => {
    const t = printed([
      { groupby: "period" },
      { rollup: { mrr: "d => op.sum(d.mrr)", plans: "d => op.count()", mean_churn: "d => op.mean(d.churn_rate)", summed_churn: "d => op.sum(d.churn_rate)", mrr_per_customer: "d => op.sum(d.mrr) / op.sum(d.customers)", annual: "d => op.sum(d.mrr) * 12" } },
    ]);
    expect(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.format]))).toEqual({
      period: "period",
      mrr: "currency",
      plans: "integer",
      mean_churn: "percent",
      // A sum of rates is no rate; a ratio of two columns has no unit unless declared.
      summed_churn: "number",
      mrr_per_customer: "number",
      annual: "currency",
    });
    expect(t.plans!.text).toBe("1");
  });

  it("a new column no rule covers is typed from its values: integer, date, text", () => {
    const t = printed([{ derive: { n: "d => d.customers * 2", day: "d => d.period + '-01'", label: "d => d.plan + '!'" } }]);
    expect([t.n!.format, t.day!.format, t.label!.format]).toEqual(["integer", "date", "text"]);
  });

  it("a format that is not an output format is refused, with the allowed values", () => {
    const [p] = checkTransformStep({ derive: { x: { expr: "d => d.mrr", format: "percentage" } } });
    expect(p!.message).toContain('invalid format "percentage"');
    expect(p!.hint).toContain("percent, currency, count, number, ratio, date, period, label, days, months");
  });
});
