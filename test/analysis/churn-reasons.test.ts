import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { churnReasons } from "../../src/analysis/churn-reasons.js";
import { parseReasonMap } from "../../src/analysis/cohorts/churn-labels.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

const ev = (customer_id: string, date: string, reason: string | null, type: string | null = null, subtype: string | null = null): Row => ({ customer_id, date, reason, type, subtype });
const events: Row[] = [
  ev("u1", "2026-03-10", "pricing", "voluntary", "competitive"),
  ev("u2", "2026-03-05", "Too Expensive", null, "malicious"), // type inferred: involuntary
  ev("u3", "2026-03-20", "budget", "passive"), // unknown code → other
  ev("u4", "2026-03-21", null, "主动", "过失"), // no reason → other
  ev("u1", "2026-03-25", "support", "weird"), // type not recognised → unknown
  ev("u5", "2026-02-10", "pricing"),
  ev("u6", "2026-02-11", "product"),
  ev("u7", "2026-01-05", "competition"),
  ev("u8", "2025-12-31", "pricing"), // before the trend window
  ev("u9", "2026-04-01", "pricing"), // after the period
];
const subscriptions: Row[] = [
  { customer_id: "u1", start_date: "2026-01-01", end_date: "2026-03-10", mrr: 100 }, // covers the day before 03-10, not 03-25
  { customer_id: "u2", start_date: "2026-02-01", end_date: null, mrr: 50 },
  { customer_id: "u2", start_date: "2025-01-01", end_date: "2026-03-05", mrr: 20 },
];
const reason_map = "pricing=price,support=service,too_expensive=price";

describe("churn-reasons", () => {
  it("counts, shares and lost MRR by reason, category, type and subtype (hand-computed)", async () => {
    const r = await runOnRows(churnReasons, { churn_events: events, subscriptions }, { reason_map, trend_periods: 3 }, { period: parsePeriod("2026-03") });
    // March: 5 events. Lost MRR: u1@03-10 → 100; u2@03-05 → 50 + 20 = 70; u3, u4, u1@03-25 → no subscription → 0 (3 unmatched).
    // Reasons, every label of the data as it is (1 event each: label order): (none) and budget
    // are not mapped (category unmapped), Too Expensive→price (normalised too_expensive), pricing→price, support→service.
    expect(columns(r.tables.reasons!)).toEqual({
      reason: ["(none)", "Too Expensive", "budget", "pricing", "support"],
      label: ["(not given)", "Too Expensive", "budget", "pricing", "support"],
      category: ["unmapped", "price", "unmapped", "price", "service"],
      category_label: ["Unmapped", "Price", "Unmapped", "Price", "Service"],
      mapped: [false, true, false, true, true],
      events: [1, 1, 1, 1, 1],
      share: [0.2, 0.2, 0.2, 0.2, 0.2],
      lost_mrr: [0, 70, 0, 100, 0],
    });
    // The taxonomy's categories, then unmapped (the taxonomy is a mapping, not a filter).
    expect(columns(r.tables.categories!)).toEqual({
      category: ["price", "service", "product", "competition", "other", "unmapped"],
      label: ["Price", "Service", "Product", "Competition", "Other", "Unmapped"],
      events: [2, 1, 0, 0, 0, 2],
      share: [0.4, 0.2, 0, 0, 0, 0.4],
      lost_mrr: [170, 0, 0, 0, 0, 0],
    });
    // Types: voluntary u1 (pricing), u4 (主动); involuntary u2 (from subtype malicious), u3 (passive); unknown u1 (weird).
    expect(r.tables.types!.map((t) => [t.type, t.events, t.share, t.lost_mrr])).toEqual([["voluntary", 2, 0.4, 100], ["involuntary", 2, 0.4, 70], ["unknown", 1, 0.2, 0]]);
    expect(r.tables.subtypes!.map((t) => [t.type, t.subtype, t.events, t.share_of_type, t.lost_mrr])).toEqual([
      ["voluntary", "competitive", 1, 0.5, 100],
      ["voluntary", "fault", 1, 0.5, 0],
      ["involuntary", "malicious", 1, 0.5, 70],
      ["involuntary", "unknown", 1, 0.5, 0],
      ["unknown", "unknown", 1, 1, 0],
    ]);
    // Trend Jan..Mar by category.
    const trend = r.tables.trend!.filter((t) => (t.events as number) > 0).map((t) => [t.period, t.category, t.events, t.share]);
    expect(trend).toEqual([
      ["2026-01", "competition", 1, 1],
      ["2026-02", "price", 1, 0.5], ["2026-02", "product", 1, 0.5],
      ["2026-03", "price", 2, 0.4], ["2026-03", "service", 1, 0.2], ["2026-03", "unmapped", 2, 0.4],
    ]);
    expect(r.tables.trend!.length).toBe(18);
    // Top category: price and other tie at 2; ties go to the category order (price first).
    expect(r.scalars).toEqual({
      events: 5, customers: 4, lost_mrr: 170, top_category: "price", top_category_share: 0.4, voluntary_share: 0.4, involuntary_share: 0.4,
      other_share: 0, unknown_codes: 1, events_previous: 2, events_change: 3,
      reason_labels: 5, top_reason: "Too Expensive", top_reason_share: 0.2, unmapped_events: 2, unmapped_share: 0.4, missing_reasons: 1,
      unknown_types: 1, open_subtypes: 0, dropped_events: 0,
    });
    expect(r.notes).toEqual([
      `1 churn event's reason is not mapped by the reason taxonomy (reason_map and the built-in category names); listed as they are, category "unmapped": budget (1)`,
      `1 churn event has no reason, listed as "(not given)".`,
      "1 churn event's type is not recognised (neither voluntary nor involuntary) and counted as not stated: weird (1)",
      "3 churn events had no active subscription the day before the churn date: lost MRR counted as 0",
    ]);
  });

  it("localises labels in zh-CN and needs no subscriptions (lost MRR null)", async () => {
    const r = await runOnRows(churnReasons, { churn_events: events }, { reason_map }, { period: parsePeriod("2026-03"), locale: "zh-CN" });
    expect(r.tables.categories!.map((c) => c.label)).toEqual(["价格", "服务", "产品", "竞争", "其他", "未映射"]);
    expect(r.tables.types!.map((c) => c.label)).toEqual(["主动流失", "被动流失", "未注明"]);
    expect(r.tables.subtypes!.map((c) => c.label)).toEqual(["竞争流失", "过失流失", "恶意被动流失", "未注明", "未注明"]);
    expect(r.scalars.lost_mrr).toBeNull();
    expect(r.tables.reasons!.every((x) => x.lost_mrr === null)).toBe(true);
    expect(r.notes).toEqual([
      "1 个流失事件的原因不在原因分类映射（reason_map 及内置类别名）中，按数据原样列出、类别记为“未映射”：budget（1）。",
      "1 个流失事件没有填写原因，列为“（未填写）”。",
      "1 个流失事件的类型无法识别（不是主动/被动），记为“未注明”：weird（1）。",
    ]);
    // Some reasons are unmapped: one bar per reason label of the data, on the axis; no colour legend.
    const chart = churnReasons.chart!(r, chartPlan({} as never, { locale: "zh-CN" } as never))!;
    expect(chart.marks[0]).toMatchObject({ mark: "barX", data: "reasons", options: { x: "events", y: "label" } });
    expect(chart.marks.every((m) => m.options?.y === undefined || m.options.y === "label")).toBe(true);
    expect(chart.color).toBeUndefined();
    // Every reason mapped (February, with the map): one bar per category.
    const feb = await runOnRows(churnReasons, { churn_events: events }, { reason_map, trend_periods: 1 }, { period: parsePeriod("2026-02") });
    expect(churnReasons.chart!(feb, chartPlan({} as never, { locale: "en-US" } as never))!.marks[0]).toMatchObject({ data: "categories", options: { y: "label" } });
    expect(feb.tables.categories!.map((c) => c.label)).toEqual(["Price", "Service", "Product", "Competition", "Other"]);
    // A built-in category name reads in the report's language; other labels as they are.
    expect(feb.tables.reasons!.map((c) => c.label)).toEqual(["pricing", "Product"]);
  });

  it("without a reason map every code except the category names is listed as it is, unmapped", async () => {
    const r = await runOnRows(churnReasons, { churn_events: events }, {}, { period: parsePeriod("2026-02") });
    // Feb: pricing (not mapped), product (built in).
    expect(r.tables.reasons!.map((x) => [x.reason, x.category])).toEqual([["pricing", "unmapped"], ["product", "product"]]);
    expect(r.notes).toEqual([`1 churn event's reason is not mapped by the reason taxonomy (reason_map and the built-in category names); listed as they are, category "unmapped": pricing (1)`]);
  });

  it("empty period: zero counts, null shares, a note", async () => {
    const r = await runOnRows(churnReasons, { churn_events: events }, {}, { period: parsePeriod("2026-06") });
    expect(r.tables.reasons).toEqual([]);
    expect(r.tables.categories!.every((c) => c.events === 0 && c.share === null)).toBe(true);
    expect(r.scalars).toMatchObject({ events: 0, top_category: null, voluntary_share: null });
    expect(r.notes).toEqual(["no churn events in 2026-06"]);
  });

  it("validates the reason map", () => {
    expect(parseReasonMap(" Pricing = PRICE , 服务差=service").get("pricing")).toBe("price");
    expect(parseReasonMap("服务差=service").get("服务差")).toBe("service");
    expect(() => parseReasonMap("pricing=cheap")).toThrow(/unknown category "cheap"/);
    expect(() => parseReasonMap("pricing")).toThrow(/expected code=category/);
  });

  it("runs on the RavenStack churn events", async () => {
    const file = referenceFile("ravenstack", "ravenstack_churn_events.csv");
    const [header, ...lines] = readFileSync(file, "utf8").trim().split(/\r?\n/);
    const h = header!.split(",");
    const rows: Row[] = lines.map((l) => {
      const f = l.split(",");
      return { customer_id: f[h.indexOf("account_id")]!, date: f[h.indexOf("churn_date")]!, reason: f[h.indexOf("reason_code")]! };
    });
    const r = await runOnRows(churnReasons, { churn_events: rows }, { reason_map: "pricing=price,support=service,features=product,competitor=competition" }, { period: parsePeriod("2024-Q4") });
    const inPeriod = rows.filter((x) => (x.date as string) >= "2024-10-01" && (x.date as string) < "2025-01-01").length;
    expect(r.scalars.events).toBe(inPeriod);
    expect(r.tables.categories!.reduce((a, c) => a + (c.events as number), 0)).toBe(inPeriod);
    expect(r.tables.categories!.reduce((a, c) => a + (c.share as number), 0)).toBeCloseTo(1, 12);
  });
});
