import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deciles } from "../../src/analysis/deciles.js";
import { customersForShare, deciles as oracleDeciles, groupSizes, sortByValue } from "../helpers/pareto.js";
import type { Row } from "../../src/analysis/types.js";
import { renderChart } from "../../src/charts/index.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

const t = (customer_id: string, date: string, amount: number, cost = 0): Row => ({ customer_id, date, amount, cost });
const oct = { period: parsePeriod("2026-10") };

// 12 customers, values (net): c01 100 (60 + 40), c02 50, c03 50, c04 30, c05 20, c06 20, c07 10, c08 10,
// c09 5, c10 5, c11 0, c12 −20 (10 bought, 30 returned). Total 280.
const tx: Row[] = [
  t("c01", "2026-10-01", 60), t("c01", "2026-09-01", 40), t("c03", "2026-10-02", 50), t("c02", "2026-10-03", 50),
  t("c04", "2026-10-01", 30), t("c06", "2026-10-01", 20), t("c05", "2026-10-01", 20), t("c07", "2026-10-01", 10),
  t("c08", "2026-10-01", 10), t("c09", "2026-10-01", 5), t("c10", "2026-10-01", 5), t("c11", "2026-10-01", 0),
  t("c12", "2026-10-01", 10), t("c12", "2026-10-05", -30), t("c99", "2026-11-01", 1000), // after the period: ignored
];

describe("deciles", () => {
  it("splits a hand-computed fixture into ten groups", async () => {
    const res = await runOnRows(deciles, { transactions: tx }, {}, oct);
    // sorted desc, ties by id: c01 100 | c02 50, c03 50 | c04 30 | c05 20, c06 20 | c07 10, c08 10 | c09 5, c10 5 | c11 0 | c12 −20
    // n = 12 = 10·1 + 2 → deciles 1 and 2 hold 2 customers: {c01, c02} {c03, c04} c05 c06 c07 c08 c09 c10 c11 c12
    const d = columns(res.tables.deciles!);
    expect(d.customers).toEqual([2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(d.total).toEqual([150, 80, 20, 20, 10, 10, 5, 5, 0, -20]);
    expect(d.average).toEqual([75, 40, 20, 20, 10, 10, 5, 5, 0, -20]);
    // cumulative 150 230 250 270 280 290 295 300 300 280 (÷ 280): the whale curve peaks at 300/280
    const cum = [150, 230, 250, 270, 280, 290, 295, 300, 300, 280].map((x) => x / 280);
    (d.cumulative_share as number[]).forEach((v, i) => expect(v).toBeCloseTo(cum[i]!, 12));
    expect(d.cumulative_customer_share).toEqual([2, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((k) => k / 12));
    expect(d.max_value![1]).toBe(50);
    expect(d.min_value![1]).toBe(30);
    // 80% of 280 = 224; top-k running sums 100, 150, 200, 230 → k = 4 → 4/12
    expect(res.scalars).toMatchObject({ customers: 12, total_value: 280, customers_for_80pct: 4, negative_customers: 1, negative_value: -20 });
    expect(res.scalars.share_for_80pct).toBeCloseTo(1 / 3, 15);
    expect(res.scalars.top_decile_share).toBeCloseTo(150 / 280, 12);
    expect(res.scalars.top_20pct_share).toBeCloseTo(230 / 280, 12);
    expect(res.notes!.join(" ")).toMatch(/1 customer\(s\) with negative revenue/);
  });

  it("uses profit and the period window when asked", async () => {
    const rows = [t("a", "2026-10-01", 100, 90), t("b", "2026-10-01", 50, 10), t("a", "2026-09-01", 500, 0)];
    const res = await runOnRows(deciles, { transactions: rows }, { measure: "profit", window: "period" }, oct);
    // a: 100 − 90 = 10 (September excluded), b: 40 → b first
    expect(res.tables.deciles!.slice(0, 2).map((r) => r.total)).toEqual([40, 10]);
    expect(res.scalars).toMatchObject({ customers: 2, total_value: 50, customers_for_80pct: 1, share_for_80pct: 0.5 });
    const noCost = [{ customer_id: "a", date: "2026-10-01", amount: 1 }];
    await expect(runOnRows(deciles, { transactions: noCost }, { measure: "profit" }, oct)).rejects.toThrow(/needs field "cost"/);
  });

  it("counts the exact 80% boundary as reached, and breaks ties by id", () => {
    expect(customersForShare(sortByValue([{ customer_id: "x", value: 2 }, { customer_id: "y", value: 8 }]))).toBe(1);
    expect(customersForShare(sortByValue([{ customer_id: "x", value: 5 }, { customer_id: "y", value: 5 }]))).toBe(2);
    expect(sortByValue([{ customer_id: "b", value: 1 }, { customer_id: "a", value: 1 }, { customer_id: "c", value: 2 }]).map((c) => c.customer_id)).toEqual(["c", "a", "b"]);
    expect(customersForShare([{ customer_id: "x", value: -1 }])).toBeNull();
    expect(groupSizes(23, 10)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    expect(groupSizes(3, 10)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("handles empty data and zero totals", async () => {
    const res = await runOnRows(deciles, { transactions: [t("z", "2027-01-01", 5)] }, {}, oct);
    expect(res.scalars).toMatchObject({ customers: 0, share_for_80pct: null, top_decile_share: null });
    expect(res.tables.deciles!.every((d) => d.customers === 0 && d.average === null)).toBe(true);
    const zero = await runOnRows(deciles, { transactions: [t("a", "2026-10-01", 0)] }, {}, oct);
    expect(zero.scalars.share_for_80pct).toBeNull();
    expect(zero.notes!.join(" ")).toMatch(/not positive/);
  });

  it("draws a Pareto chart without warnings", async () => {
    const res = await runOnRows(deciles, { transactions: tx }, {}, { ...oct, locale: "zh-CN" });
    const spec = deciles.chart!(res, chartPlan({ measure: "revenue", window: "all", target_share: 0.8 }, { period: oct.period, locale: "zh-CN", currency: "CNY", churn: { kind: "subscriptions" }, fields: {} }))!;
    expect(spec.title).toMatch(/十分位/);
    const out = renderChart(spec, res.tables, { locale: "zh-CN", currency: "CNY", fontFamily: "sans-serif" });
    expect(out.warnings).toEqual([]);
    expect(String(out.svg)).toContain("<svg");
  });
});

function loadCdnow(): Row[] {
  const text = readFileSync(referenceFile("cdnow", "CDNOW_master.txt"), "utf8");
  return text.split(/\r?\n/).slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4)
    .map((f) => ({ customer_id: f[0]!, date: `${f[1]!.slice(0, 4)}-${f[1]!.slice(4, 6)}-${f[1]!.slice(6, 8)}`, quantity: Number(f[2]), amount: Number(f[3]) }));
}

describe("deciles on CDNOW", () => {
  it("finds a plausible 80/20 share on the full log", async () => {
    const res = await runOnRows(deciles, { transactions: loadCdnow() }, {}, { period: parsePeriod("1998-06") });
    expect(res.scalars.customers).toBe(23570);
    // total revenue of the 69,659 transactions
    expect(res.scalars.total_value as number).toBeCloseTo(2500315.63, 2);
    // Checked independently (plain Python: per-customer sums, sorted, running total ≥ 0.8·total):
    // 7,695 of 23,570 customers bring 80% of revenue (32.6%, a 80/33 rather than 80/20 split);
    // the top decile alone brings 50.9%.
    expect(res.scalars.customers_for_80pct).toBe(7695);
    expect(res.scalars.share_for_80pct).toBeCloseTo(7695 / 23570, 15);
    expect(res.scalars.top_decile_share as number).toBeCloseTo(0.509427, 6);
    const d = res.tables.deciles!;
    expect(d.every((r) => r.customers === 2357)).toBe(true);
    expect(d.at(-1)!.cumulative_share).toBeCloseTo(1, 12);
  });

  it("ranks and sums in the engine to the numbers of the per-customer computation in JavaScript", async () => {
    const log = loadCdnow();
    const res = await runOnRows(deciles, { transactions: log }, {}, { period: parsePeriod("1998-06") });
    // The oracle: per-customer sums in JavaScript (amounts to the cent), sorted, cut into ten.
    const sums = new Map<string, number>();
    for (const r of log) sums.set(String(r.customer_id), Math.round(((sums.get(String(r.customer_id)) ?? 0) + Number(r.amount)) * 100) / 100);
    const sorted = sortByValue([...sums].map(([customer_id, value]) => ({ customer_id, value })));
    const expected = oracleDeciles(sorted);
    const got = res.tables.deciles!;
    expect(got.map((r) => r.customers)).toEqual(expected.map((r) => r.customers));
    for (const [i, e] of expected.entries()) {
      for (const k of ["total", "average", "share", "cumulative_share", "cumulative_customer_share", "min_value", "max_value"] as const) {
        expect(got[i]![k] as number, `decile ${i + 1} ${k}`).toBeCloseTo(e[k]!, 6);
      }
    }
    expect(res.scalars.customers_for_80pct).toBe(customersForShare(sorted));
  });
});
