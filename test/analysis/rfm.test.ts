import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rfm } from "../../src/analysis/rfm.js";
import { cpm } from "../../src/analysis/cpm.js";
import { deciles } from "../../src/analysis/deciles.js";
import { segments } from "../../src/analysis/segments.js";
import { customerValue } from "../../src/analysis/customer-value.js";
import { getAnalysis } from "../../src/analysis/registry.js";
import { renderChart } from "../../src/charts/index.js";
import { defaultRfmSegmentMap, parseSegmentMap } from "../../src/analysis/segmentation/rfm-segments.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, defaultDefinition, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

const t = (customer_id: string, date: string, amount: number, quantity = 1): Row => ({ customer_id, date, amount, quantity });

// Period 2026-10 → as-of 2026-10-31.
const tx: Row[] = [
  t("a", "2026-09-01", 50), t("a", "2026-10-01", 50), t("a", "2026-10-30", 100), t("a", "2026-11-01", 1000), // after as-of: ignored
  t("b", "2026-10-31", 30),
  ...["06", "07", "08", "09", "10"].map((m) => t("c", `2026-${m}-01`, 500)),
  t("d", "2026-01-15", 20), t("d", "2026-01-15", 20), // two transactions, one purchase day
  t("e", "2026-10-20", 80), t("e", "2026-10-20", -30), // return: netted, not a purchase
  t("f", "2026-05-01", 60), t("f", "2026-05-10", 60),
  t("g", "2026-09-15", 40), t("g", "2026-10-15", 40), t("g", "2026-10-25", 40), t("g", "2026-10-28", 40),
  t("h", "2026-03-01", 300), t("h", "2026-04-01", 300), t("h", "2026-05-01", 300),
  t("i", "2026-07-01", 25), t("i", "2026-08-01", 10, -1), // negative quantity: return of 10 (not the last purchase)
  t("j", "2026-10-01", 70), t("j", "2026-10-01", 30), t("j", "2026-10-29", 100),
  t("k", "2026-10-05", -50), // only a return: not scored
];

describe("rfm", () => {
  it("scores a hand-computed fixture exactly", async () => {
    const res = await runOnRows(rfm, { transactions: tx }, {}, { period: parsePeriod("2026-10") });
    // recency (days to 2026-10-31): a 1, b 0, c 30, d 289, e 11, f 174, g 3, h 183, i 122, j 2
    //   sorted 0 1 2 3 11 30 122 174 183 289; h = 9p → edges 0, 1.8, 7.8, 66.8, 175.8, 289
    //   bins: {0,1}→1 {2,3}→2 {11,30}→3 {122,174}→4 {183,289}→5; R = 6 − bin
    // frequency (distinct days): a 3, b 1, c 5, d 1, e 1, f 2, g 4, h 3, i 1, j 2
    //   rank first (ties in id order): b1 d2 e3 i4 f5 j6 a7 h8 g9 c10 → two ranks per bin
    // monetary (net): a 200, b 30, c 2500, d 40, e 50, f 120, g 160, h 900, i 15, j 200
    //   edges 15, 38, 92, 176, 340, 2500 → {15,30}→1 {40,50}→2 {120,160}→3 {200,200}→4 {900,2500}→5
    expect(columns(res.tables.customers!)).toEqual({
      customer_id: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
      recency: [1, 0, 30, 289, 11, 174, 3, 183, 122, 2],
      frequency: [3, 1, 5, 1, 1, 2, 4, 3, 1, 2],
      monetary: [200, 30, 2500, 40, 50, 120, 160, 900, 15, 200],
      r_score: [5, 5, 3, 1, 3, 2, 4, 1, 2, 4],
      f_score: [4, 1, 5, 1, 2, 3, 5, 4, 2, 3],
      m_score: [4, 1, 5, 2, 2, 3, 3, 5, 1, 4],
      segment: ["champions", "new", "loyal", "hibernating", "about_to_sleep", "at_risk", "loyal", "at_risk", "hibernating", "potential_loyalist"],
    });
    const seg = columns(res.tables.segments!);
    expect(seg.segment).toEqual(["champions", "loyal", "potential_loyalist", "new", "promising", "need_attention", "about_to_sleep", "at_risk", "cant_lose", "hibernating"]);
    expect(seg.customers).toEqual([1, 2, 1, 1, 0, 0, 1, 2, 0, 2]);
    expect(seg.revenue).toEqual([200, 2660, 200, 30, 0, 0, 50, 1020, 0, 55]);
    const loyal = res.tables.segments![1]!;
    expect(loyal).toMatchObject({ label: "Loyal", share: 0.2, avg_recency: 16.5, avg_frequency: 4.5, avg_monetary: 1330 });
    expect(loyal.revenue_share).toBeCloseTo(2660 / 4215, 12);
    expect(res.tables.segments![4]).toMatchObject({ customers: 0, share: 0, avg_recency: null, avg_monetary: null });
    expect(res.scalars).toMatchObject({ as_of: "2026-10-31", customers: 10, revenue: 4215, return_rows: 3, unscored_customers: 1 });
    expect(res.notes!.join(" ")).toMatch(/1 customer\(s\) with returns but no purchase/);
  });

  it("counts transactions and averages spend when asked", async () => {
    const res = await runOnRows(rfm, { transactions: tx }, { frequency_unit: "transactions", monetary: "average" }, { period: parsePeriod("2026-10") });
    const c = columns(res.tables.customers!);
    expect(c.frequency).toEqual([3, 1, 5, 2, 1, 2, 4, 3, 1, 3]); // d: 2 rows on one day; j: 3 rows
    expect(c.monetary![0]).toBeCloseTo(200 / 3, 12);
    expect(c.monetary![3]).toBe(20);
  });

  it("honours as_of and localises labels", async () => {
    const res = await runOnRows(rfm, { transactions: tx }, { as_of: "2026-11-01" }, { period: parsePeriod("2026-10"), locale: "zh-CN" });
    expect(res.tables.customers![0]).toMatchObject({ customer_id: "a", recency: 0, frequency: 4, monetary: 1200 });
    expect(res.tables.segments![0]).toMatchObject({ label: "冠军客户" });
    expect(String(res.tables.segments![0]!.action)).toMatch(/专属/);
  });

  it("falls back to rank(method='first') when value edges coincide, and says so", async () => {
    // recency [0, 0, 0, 0, 10]: edges 0, 0, 0, 0, 2, 10 → pandas raises; ranks in id order: p1..p4 → 1..4, p5 → 5
    const rows = ["p1", "p2", "p3", "p4"].map((id) => t(id, "2026-10-31", 10)).concat([t("p5", "2026-10-21", 10)]);
    const res = await runOnRows(rfm, { transactions: rows }, {}, { period: parsePeriod("2026-10") });
    expect(columns(res.tables.customers!).r_score).toEqual([5, 4, 3, 2, 1]);
    expect(res.notes!.some((n) => n.startsWith("recency: quantile edges are not unique"))).toBe(true);
    expect(res.notes!.some((n) => n.startsWith("monetary: quantile edges are not unique"))).toBe(true);
  });

  it("handles empty data", async () => {
    const res = await runOnRows(rfm, { transactions: [t("z", "2027-01-01", 5)] }, {}, { period: parsePeriod("2026-10") });
    expect(res.tables.customers).toEqual([]);
    expect(res.scalars.customers).toBe(0);
    expect(res.tables.segments!.every((s) => s.customers === 0 && s.share === null)).toBe(true);
  });

  it("accepts a custom segment map and other bins", async () => {
    const res = await runOnRows(rfm, { transactions: tx }, { bins: 2, segment_map: "best=R2F2;rest=R1F1-2+R2F1" }, { period: parsePeriod("2026-10") });
    // bins 2: recency edges 0, 20.5 (h = 4.5 → 11 + .5·19), 289 → a b e g j recent (R2); frequency ranks 1–5 → F1
    expect(columns(res.tables.customers!).segment).toEqual(["best", "rest", "rest", "rest", "rest", "rest", "best", "rest", "rest", "best"]);
    expect(res.tables.segments![0]).toMatchObject({ segment: "best", label: "best", customers: 3, action: null });
    await expect(runOnRows(rfm, { transactions: tx }, { bins: 4 }, { period: parsePeriod("2026-10") })).rejects.toThrow(/5×5 grid/);
  });
});

describe("RFM segment maps", () => {
  it("the default map assigns every R×F cell exactly once", () => {
    const m = parseSegmentMap(defaultRfmSegmentMap, 5);
    const cells = m.cell.flat();
    expect(cells).toHaveLength(25);
    const count = (s: string) => cells.filter((c) => c === s).length;
    expect(m.segments.map(count)).toEqual([2, 4, 4, 1, 1, 1, 2, 4, 2, 4]);
    expect(m.cell[4]![0]).toBe("new");
    expect(m.cell[3]![0]).toBe("promising");
    expect(m.cell[2]![2]).toBe("need_attention");
    expect(m.cell[0]![4]).toBe("cant_lose");
  });
  it("names overlapping and unmapped cells", () => {
    expect(() => parseSegmentMap("a=R1-2F1-2;b=R2F2", 2)).toThrow(/more than once: R2F2 \(a, b\)/);
    expect(() => parseSegmentMap("a=R1F1-2", 2)).toThrow(/not mapped: R2F1, R2F2/);
    expect(() => parseSegmentMap("a=R1-3F1", 2)).toThrow(/score 3, outside 1–2/);
    expect(() => parseSegmentMap("a=X1", 2)).toThrow(/is not R/);
    expect(() => parseSegmentMap("a=R1-2F1-2;a=R1F1", 2)).toThrow(/defined twice/);
  });
});

/** CDNOW_master.txt: whitespace-separated customer id, yyyymmdd, quantity, amount. */
function loadCdnow(): Row[] {
  const text = readFileSync(referenceFile("cdnow", "CDNOW_master.txt"), "utf8");
  const rows: Row[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    rows.push({ customer_id: f[0]!, date: `${f[1]!.slice(0, 4)}-${f[1]!.slice(4, 6)}-${f[1]!.slice(6, 8)}`, quantity: Number(f[2]), amount: Number(f[3]) });
  }
  return rows;
}

describe("rfm on CDNOW", () => {
  it("scores all 23,570 customers and every one lands in a segment", async () => {
    const rows = loadCdnow();
    expect(rows).toHaveLength(69659);
    const res = await runOnRows(rfm, { transactions: rows }, {}, { period: parsePeriod("1998-06") });
    expect(res.scalars.as_of).toBe("1998-06-30");
    expect(res.tables.customers).toHaveLength(23570);
    const seg = res.tables.segments!;
    expect(seg.reduce((s, r) => s + (r.customers as number), 0)).toBe(23570);
    expect(seg.reduce((s, r) => s + (r.share as number), 0)).toBeCloseTo(1, 12);
    expect(seg.reduce((s, r) => s + (r.revenue_share as number), 0)).toBeCloseTo(1, 12);
    // frequency is binned on rank-first: each F score holds a fifth of the customers
    const f = columns(res.tables.customers!).f_score as number[];
    for (let s = 1; s <= 5; s++) expect(f.filter((x) => x === s)).toHaveLength(23570 / 5);
  });
});

describe("rfm chart and contract", () => {
  it("draws the segment bar chart without warnings, in both locales", async () => {
    for (const locale of ["zh-CN", "en-US"] as const) {
      const res = await runOnRows(rfm, { transactions: tx }, {}, { period: parsePeriod("2026-10"), locale });
      const spec = rfm.chart!(res, chartPlan({} as never, { period: parsePeriod("2026-10"), locale, currency: "CNY", churn: { kind: "subscriptions" }, fields: {} }))!;
      expect(spec.title).toBe(locale === "zh-CN" ? "RFM 细分客户数" : "Customers by RFM segment");
      expect(renderChart(spec, res.tables, { locale, currency: "CNY", fontFamily: "sans-serif" }).warnings).toEqual([]);
    }
  });

  it("every analysis of this family declares documented, defaulted params", () => {
    for (const a of [rfm, cpm, deciles, segments, customerValue]) {
      expect(getAnalysis(a.id)).toBe(a);
      for (const [name, schema] of Object.entries(a.params.properties)) {
        expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(schema).toHaveProperty("default");
        expect((schema as { description?: string }).description, `${a.id}.${name}`).toBeTruthy();
      }
      for (const l of ["zh-CN", "en-US"] as const) expect(defaultDefinition(a)[l].length).toBeGreaterThan(100);
    }
  });
});
