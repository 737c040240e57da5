// Issue 9 item 8: nothing is dropped silently. Rows an analysis leaves out are counted and
// noted in the report's language; churn reasons and subtypes are open vocabularies — the data's
// own labels are tabulated as they are, the built-in taxonomy maps them but never filters them.

import { describe, expect, it } from "vitest";
import { churnReasons } from "../../src/analysis/churn-reasons.js";
import { churnSummary } from "../../src/analysis/churn-summary.js";
import { churnedValue } from "../../src/analysis/churned-value.js";
import { churnTrend } from "../../src/analysis/churn-trend.js";
import { leakyBucket } from "../../src/analysis/leaky-bucket.js";
import { mrrMovements } from "../../src/analysis/mrr-movements.js";
import { cox } from "../../src/analysis/cox.js";
import { hazard } from "../../src/analysis/hazard.js";
import { survival } from "../../src/analysis/survival.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { runOnRows, chartPlan } from "../helpers/analysis.js";

// Report period 2026-10 → as-of date 2026-11-01.
const subscriptions: Row[] = [
  { customer_id: "a", start_date: "2026-01-01", end_date: "2026-04-01", plan: "basic" }, // churned
  { customer_id: "b", start_date: "2026-01-01", end_date: null, plan: "pro" }, // active
  { customer_id: "z", start_date: "2026-03-01", end_date: "2026-03-01", plan: "basic" }, // zero length: z has nothing else
  { customer_id: "b", start_date: "2026-05-01", end_date: "2026-05-01", plan: "pro" }, // zero length, b still counts
  { customer_id: "r", start_date: "2026-06-01", end_date: "2026-05-01", plan: "pro" }, // ends before it starts
  { customer_id: null, start_date: "2026-02-01", end_date: null, plan: "pro" }, // no customer_id
  { customer_id: "f", start_date: "2026-11-15", end_date: null, plan: "pro" }, // starts after the as-of date: a later customer, not dropped data (no note)
];

describe("survival, hazard and cox: rows left out of the lifetimes are counted and noted", () => {
  it("survival (en-US): zero-length and inverted subscriptions, missing ids, customers left out", async () => {
    const r = await runOnRows(survival, { subscriptions }, { unit: "day" });
    expect(r.scalars.customers).toBe(2); // a and b
    expect(r.notes).toEqual([
      "2 subscriptions end on the day they start (zero length) in subscriptions: no activity spell, left out.",
      "1 subscription ends before it starts in subscriptions: left out.",
      "1 row of subscriptions without a customer_id left out.",
      "2 customers have no usable subscription (all zero-length, ending before the start, or without a start_date) and are not in the lifetimes.",
    ]);
  });

  it("survival (zh-CN): the same notes in Chinese", async () => {
    const r = await runOnRows(survival, { subscriptions }, { unit: "day" }, { locale: "zh-CN" });
    expect(r.notes!.slice(0, 4)).toEqual([
      "subscriptions 中有 2 条订阅的结束日等于开始日（时长为零），不构成活跃期，未计入。",
      "subscriptions 中有 1 条订阅的结束日早于开始日，已剔除。",
      "subscriptions 中有 1 行没有客户编号（customer_id），已剔除。",
      "2 位客户没有任何有效订阅（都为零时长、结束早于开始或缺少开始日），不在生命周期数据中。",
    ]);
  });

  it("hazard and cox carry the same notes", async () => {
    const h = await runOnRows(hazard, { subscriptions }, { unit: "day" });
    expect(h.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^2 subscriptions end on the day they start/), expect.stringMatching(/^2 customers have no usable subscription/)]));
    const customers: Row[] = [
      { customer_id: "a", plan: "basic" },
      { customer_id: "b", plan: "pro" },
    ];
    const c = await runOnRows(cox, { subscriptions: subscriptions.map(({ plan: _plan, ...s }) => s), customers }, { covariates: "plan" });
    expect(c.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^2 subscriptions end on the day they start/), expect.stringMatching(/^2 customers have no usable subscription/)]));
  });

  it("transactions: rows without a customer or date, customers with only returns", async () => {
    const transactions: Row[] = [
      { customer_id: "a", date: "2026-01-10", amount: 50 },
      { customer_id: "b", date: "2026-09-10", amount: 20 },
      { customer_id: "x", date: "2026-03-01", amount: -30 }, // only a return: never active
      { customer_id: null, date: "2026-02-01", amount: 10 },
      { customer_id: "b", date: null, amount: 10 },
    ];
    const r = await runOnRows(survival, { transactions }, { unit: "day" }, { churn: { kind: "inactivity", days: 30 } });
    expect(r.scalars.customers).toBe(2);
    expect(r.notes).toEqual(expect.arrayContaining([
      "1 row of transactions without a customer_id left out.",
      "1 row of transactions without a date left out.",
      "1 customer has no usable purchase (only returns, or no date) and is not in the lifetimes.",
    ]));
  });
});

describe("churn-reasons: open vocabularies", () => {
  // 20 free-text reasons (as a CRM export gives them), most of which no taxonomy maps.
  const texts = [
    "Too expensive", "Moved to competitor", "Missing integrations", "Bad support experience", "Company closed", "Budget cuts",
    "Switched to in-house tool", "Slow performance", "Hard to use", "Merged with another company", "Project ended", "Security concerns",
    "Billing problems", "Did not see value", "Seasonal business", "Owner retired", "Price", "Downsizing", "Data export limits", "Other",
  ];
  // Reason i has i + 1 events, except two ties (Price and Other: 3 each), all in 2026-10.
  const counts = texts.map((t, i) => (t === "Price" || t === "Other" ? 3 : i + 1));
  const events: Row[] = texts.flatMap((reason, i) =>
    Array.from({ length: counts[i]! }, (_, k) => ({ customer_id: `c${i}-${k}`, date: `2026-10-${String(1 + (k % 28)).padStart(2, "0")}`, reason, type: null, subtype: null })),
  );

  it("lists every distinct reason label with its count, count desc then label; the taxonomy maps, it does not filter", async () => {
    const r = await runOnRows(churnReasons, { churn_events: events }, { trend_periods: 1 }, { period: parsePeriod("2026-10") });
    const rows = r.tables.reasons!;
    expect(rows.length).toBe(20);
    const expected = texts.map((t, i) => [t, counts[i]!] as const).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    expect(rows.map((x) => [x.reason, x.events])).toEqual(expected);
    expect(rows.reduce((s, x) => s + (x.events as number), 0)).toBe(events.length);
    // Built-in names map (Price → price, Other → other); the rest are listed as they are, unmapped.
    const byReason = new Map(rows.map((x) => [x.reason, x]));
    expect(byReason.get("Price")).toMatchObject({ category: "price", mapped: true, label: "Price" });
    expect(byReason.get("Other")).toMatchObject({ category: "other", mapped: true });
    expect(byReason.get("Budget cuts")).toMatchObject({ category: "unmapped", category_label: "Unmapped", mapped: false, label: "Budget cuts" });
    const unmapped = events.length - 6;
    expect(r.scalars).toMatchObject({ reason_labels: 20, unknown_codes: 18, unmapped_events: unmapped, other_share: 3 / events.length, top_reason: "Data export limits" });
    expect(r.tables.categories!.find((c) => c.category === "unmapped")!.events).toBe(unmapped);
    expect(r.notes![0]).toMatch(new RegExp(`^${unmapped} churn events' reasons are not mapped by the reason taxonomy .*: Data export limits \\(19\\), Downsizing \\(18\\), .*, and 8 more$`));
    // The chart shows the data's own labels when the taxonomy leaves some unmapped.
    expect(churnReasons.chart!(r, chartPlan({} as never, { locale: "en-US" } as never))!.marks[0]).toMatchObject({ data: "reasons" });
    // A reason_map maps more of them; every label is still listed.
    const mapped = await runOnRows(churnReasons, { churn_events: events }, { trend_periods: 1, reason_map: "too expensive=price,budget cuts=price,moved to competitor=competition" }, { period: parsePeriod("2026-10") });
    expect(mapped.tables.reasons!.length).toBe(20);
    expect(mapped.tables.reasons!.find((x) => x.reason === "Budget cuts")).toMatchObject({ category: "price", mapped: true });
    expect(mapped.scalars.unknown_codes).toBe(15);
  });

  it("unknown subtypes and types are listed or counted, and noted (zh-CN)", async () => {
    const rows: Row[] = [
      { customer_id: "u1", date: "2026-10-02", reason: "price", type: "voluntary", subtype: "natural" },
      { customer_id: "u2", date: "2026-10-03", reason: "price", type: "involuntary", subtype: "card_expired" },
      { customer_id: "u3", date: "2026-10-04", reason: "price", type: "involuntary", subtype: "card_expired" },
      { customer_id: "u4", date: "2026-10-05", reason: "price", type: "churned?", subtype: null },
      { customer_id: "u5", date: null, reason: "price", type: null, subtype: null }, // no date: left out, counted
    ];
    const r = await runOnRows(churnReasons, { churn_events: rows }, { trend_periods: 1 }, { period: parsePeriod("2026-10"), locale: "zh-CN" });
    expect(r.tables.subtypes!.map((s) => [s.type, s.subtype, s.label, s.mapped, s.events])).toEqual([
      ["voluntary", "natural", "自然流失", true, 1],
      ["involuntary", "card_expired", "card_expired", false, 2],
      ["unknown", "unknown", "未注明", true, 1],
    ]);
    expect(r.scalars).toMatchObject({ events: 3 + 1, open_subtypes: 2, unknown_types: 1, dropped_events: 1 });
    expect(r.notes).toEqual([
      "1 条流失事件没有日期，未计入。",
      "1 个流失事件的类型无法识别（不是主动/被动），记为“未注明”：churned?（1）。",
      "2 个流失事件的细分类型不在内置分类中，按数据原样列出：card_expired（2）。",
    ]);
  });
});

describe("period metrics: rows and free customers left out are counted and noted", () => {
  // October 2026. a, b paid; h free (0 MRR throughout) → left out by default.
  const subs: Row[] = [
    { customer_id: "a", start_date: "2026-01-01", end_date: null, mrr: 100 },
    { customer_id: "b", start_date: "2026-01-01", end_date: "2026-10-15", mrr: 50 },
    { customer_id: "h", start_date: "2026-01-01", end_date: null, mrr: 0 },
    { customer_id: "z", start_date: "2026-10-05", end_date: "2026-10-05", mrr: 30 }, // zero length
    { customer_id: "r", start_date: "2026-10-20", end_date: "2026-10-10", mrr: 30 }, // ends before it starts
    { customer_id: "s", start_date: null, end_date: "2026-10-10", mrr: 30 }, // no start_date
  ];
  it("churn-summary (en-US and zh-CN)", async () => {
    const r = await runOnRows(churnSummary, { subscriptions: subs });
    expect([r.scalars.customers_start, r.scalars.churned_customers, r.scalars.customers_end]).toEqual([2, 1, 1]);
    expect(r.notes!.slice(0, 4)).toEqual([
      "1 subscription ends on the day it starts (zero length) in subscriptions: no activity spell, left out.",
      "1 subscription ends before it starts in subscriptions: left out.",
      "1 row of subscriptions without a start_date left out.",
      "2026-10: 1 free customer (no paid subscription or purchase in the spell) left out (counted when the report is set to include free customers).",
    ]);
    const zh = await runOnRows(churnSummary, { subscriptions: subs }, {}, { locale: "zh-CN" });
    expect(zh.notes!.slice(0, 4)).toEqual([
      "subscriptions 中有 1 条订阅的结束日等于开始日（时长为零），不构成活跃期，未计入。",
      "subscriptions 中有 1 条订阅的结束日早于开始日，已剔除。",
      "subscriptions 中有 1 行没有日期（start_date），已剔除。",
      "2026-10：1 位免费客户（活跃期内 MRR 始终为 0）未计入（报告设置为包含免费客户时计入）。",
    ]);
    // With include_free the free customer counts, and no note says otherwise.
    const all = await runOnRows(churnSummary, { subscriptions: subs }, { include_free: true });
    expect(all.scalars.customers_start).toBe(3);
    expect(all.notes!.some((n) => n.includes("free customer"))).toBe(false);
  });

  it("churn-trend, leaky-bucket, mrr-movements and churned-value carry the notes", async () => {
    for (const a of [churnTrend, leakyBucket, mrrMovements, churnedValue]) {
      const r = await runOnRows(a, { subscriptions: subs }, a === churnTrend || a === leakyBucket ? { periods: 2 } : {});
      expect(r.notes ?? [], a.id).toEqual(expect.arrayContaining([expect.stringMatching(/^1 subscription ends on the day it starts/), expect.stringMatching(/^1 row of subscriptions without a start_date/)]));
    }
  });

  it("clean data: no notes about left-out rows", async () => {
    const r = await runOnRows(leakyBucket, { subscriptions: subs.slice(0, 2) }, { periods: 2 });
    expect(r.notes).toBeUndefined();
  });
});
