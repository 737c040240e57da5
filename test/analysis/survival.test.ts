import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/engine.js";
import { survival } from "../../src/analysis/survival.js";
import { getAnalysis } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

async function readCsv(name: string): Promise<Row[]> {
  const file = referenceFile("lifelines", name);
  const engine = await createEngine();
  try {
    return await engine.query(`SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
  } finally {
    engine.close();
  }
}

// Contractual fixture, report period 2026-10 → as-of date A = 2026-11-01:
//  a  2026-01-01 → 2026-04-01            churned:  90 days (event)
//  b  2026-01-01 → open                  active:   censored at A, 304 days
//  c  2026-06-01 → 2026-12-01            ends after A: censored, 153 days
//  d  2026-11-15 → open                  starts after A: not a customer yet (left out)
//  e  2026-02-01 → 2026-03-01, then 2026-05-01 → open
//                                        first spell churned: 28 days (event); the reactivation is ignored
//  f  2026-03-01 → 2026-11-01            ends on A (the first day after the period): censored, 245 days
// KM (days): t=28 n=5 d=1 → S = 0.8; t=90 n=4 d=1 → S = 0.6; 153, 245, 304 censored. Median not reached.
// By plan (a, e basic; b, c, f pro): basic S = 0.5 at 28, 0 at 90 → median 28; pro never churns.
// Log-rank: t=28 n=5 (2 basic, 3 pro), d=1 basic: E_basic = 2/5, V = 1·4/4·(2/5)(3/5) = 0.24;
//           t=90 n=4 (1, 3), d=1 basic: E_basic += 1/4 → 0.65, V += 1·3/3·(1/4)(3/4) = 0.1875 → 0.4275.
//           O_basic = 2 → χ² = 1.35²/0.4275 = 4.263158, p = 0.038947.
const subscriptions: Row[] = [
  { customer_id: "a", start_date: "2026-01-01", end_date: "2026-04-01" },
  { customer_id: "b", start_date: "2026-01-01", end_date: null },
  { customer_id: "c", start_date: "2026-06-01", end_date: "2026-12-01" },
  { customer_id: "d", start_date: "2026-11-15", end_date: null },
  { customer_id: "e", start_date: "2026-02-01", end_date: "2026-03-01" },
  { customer_id: "e", start_date: "2026-05-01", end_date: null },
  { customer_id: "f", start_date: "2026-03-01", end_date: "2026-11-01" },
];
const customers: Row[] = [
  { customer_id: "a", plan: "basic" },
  { customer_id: "b", plan: "pro" },
  { customer_id: "c", plan: "pro" },
  { customer_id: "d", plan: "pro" },
  { customer_id: "e", plan: "basic" },
  { customer_id: "f", plan: "pro" },
];

describe("survival", () => {
  it("is registered", () => {
    expect(getAnalysis("survival")).toBe(survival);
    expect(resolveParams(survival, {})).toEqual({ by: "", horizons: "1,3,6,12", unit: "month", conf_level: 0.95 });
  });

  it("derives lifetimes from subscription spells, censored at the day after the period", async () => {
    const r = await runOnRows(survival, { subscriptions }, { unit: "day", horizons: "30,100,400" });
    expect(columns(r.tables.curve!)).toEqual({
      group: ["all", "all", "all", "all", "all", "all"],
      time: [0, 28, 90, 153, 245, 304],
      at_risk: [5, 5, 4, 3, 2, 1],
      events: [0, 1, 1, 0, 0, 0],
      censored: [0, 0, 0, 1, 1, 1],
      survival: [1, 0.8, expect.closeTo(0.6, 12), expect.closeTo(0.6, 12), expect.closeTo(0.6, 12), expect.closeTo(0.6, 12)],
      lower: expect.any(Array),
      upper: expect.any(Array),
      // Nelson–Aalen: 1/5, 1/5 + 1/4.
      cumulative_hazard: [0, 0.2, 0.45, 0.45, 0.45, 0.45],
    });
    expect(r.scalars).toMatchObject({ customers: 5, events: 2, time_unit: "day", median: null, median_lifetime: null, logrank_chi2: null, logrank_p: null });
    // The public shape: curve columns in this order (group first), one "all" medians row without groups.
    expect(Object.keys(r.tables.curve![0]!)).toEqual(["group", "time", "at_risk", "events", "censored", "survival", "lower", "upper", "cumulative_hazard"]);
    // Median not reached; the lower confidence curve already falls to 0.5 at t=28 (S = 0.8, V = 1/(5·4):
    // v = ln 0.8, lower = exp(−exp(ln(−v) + 1.96·√0.05/(−v))) ≈ 0.204), the upper one never does.
    expect(r.tables.medians).toEqual([{ group: "all", median: null, lower: 28, upper: null }]);
    expect(r.tables.horizons).toEqual([
      { group: "all", time: 30, survival: 0.8, lower: expect.any(Number), upper: expect.any(Number) },
      { group: "all", time: 100, survival: expect.closeTo(0.6, 12), lower: expect.any(Number), upper: expect.any(Number) },
      { group: "all", time: 400, survival: null, lower: null, upper: null }, // beyond the longest lifetime (304 days)
    ]);
    expect(r.notes).toEqual(expect.arrayContaining([expect.stringMatching(/beyond the longest/), expect.stringMatching(/not reached/)]));
  });

  it("measures months as days / 30.4375", async () => {
    const r = await runOnRows(survival, { subscriptions }, { unit: "month" });
    expect(r.tables.curve!.map((x) => x.time)).toEqual([0, 28 / 30.4375, 90 / 30.4375, 153 / 30.4375, 245 / 30.4375, 304 / 30.4375]);
    expect(r.scalars.time_unit).toBe("month");
    // Default horizons 1, 3, 6, 12 months: 1 month = 30.44 days > 28 → 0.8; 3 months = 91.3 days → 0.6; 12 months > 304 days → null.
    expect(r.tables.horizons!.map((x) => x.survival)).toEqual([0.8, expect.closeTo(0.6, 12), expect.closeTo(0.6, 12), null]);
  });

  it("stratifies by a customers attribute and runs the log-rank test", async () => {
    const r = await runOnRows(survival, { subscriptions, customers }, { unit: "day", by: "plan", horizons: "30" });
    expect(r.tables.groups).toEqual([
      { group: "basic", customers: 2, events: 2, expected_events: expect.closeTo(0.65, 12), median: 28, median_lower: 28, median_upper: 90, restricted_mean: 28 * 1 + 0.5 * 2 },
      { group: "pro", customers: 3, events: 0, expected_events: expect.closeTo(1.35, 12), median: null, median_lower: null, median_upper: null, restricted_mean: 30 },
    ]);
    expect(r.scalars.logrank_chi2).toBeCloseTo(4.263158, 6);
    expect(r.scalars.logrank_df).toBe(1);
    expect(r.scalars.logrank_p).toBeCloseTo(0.038947, 6);
    expect(r.scalars.median_lifetime).toBeNull();
    expect(r.scalars.median).toBeNull();
    // Per-group medians: basic S = 0.5 at 28 → median 28; its limits as in the groups table; pro never reaches 0.5.
    expect(r.tables.medians).toEqual([
      { group: "basic", median: 28, lower: 28, upper: 90 },
      { group: "pro", median: null, lower: null, upper: null },
    ]);
    expect(r.tables.curve!.filter((x) => x.group === "basic").map((x) => x.survival)).toEqual([1, 0.5, 0]);
    expect(r.tables.horizons).toEqual([
      { group: "basic", time: 30, survival: 0.5, lower: expect.any(Number), upper: expect.any(Number) },
      { group: "pro", time: 30, survival: 1, lower: 1, upper: 1 },
    ]);
  });

  it("derives lifetimes from inactivity spells; churn dates after the as-of date are censored", async () => {
    // 90-day window. x buys 2026-01-10 and 2026-02-01 → churns 2026-05-02: event, 112 days.
    // y buys 2026-09-15 → would churn 2026-12-14, after A: censored, 47 days.
    // w buys 2026-08-20 and 2026-11-10 (after A) → censored at A, 73 days. z first buys after A: left out.
    const transactions: Row[] = [
      { customer_id: "x", date: "2026-01-10", amount: 10 },
      { customer_id: "x", date: "2026-02-01", amount: 10 },
      { customer_id: "y", date: "2026-09-15", amount: 10 },
      { customer_id: "w", date: "2026-08-20", amount: 10 },
      { customer_id: "w", date: "2026-11-10", amount: 10 },
      { customer_id: "z", date: "2026-12-01", amount: 10 },
    ];
    const r = await runOnRows(survival, { transactions }, { unit: "day", horizons: "100" }, { churn: { kind: "inactivity", days: 90 } });
    expect(columns(r.tables.curve!)).toMatchObject({ time: [0, 47, 73, 112], events: [0, 0, 0, 1], censored: [0, 1, 1, 0], survival: [1, 1, 1, 0] });
    expect(r.scalars).toMatchObject({ customers: 3, events: 1, median: 112, median_lifetime: 112 });
    expect(r.tables.medians).toEqual([{ group: "all", median: 112, lower: 112, upper: 112 }]);
  });

  it("reproduces the log-rank reference through a lifetimes dataset", async () => {
    const T = [10, 20, 30, 10, 20, 50];
    const lifetimes = (events: number[]) => T.map((t, i) => ({ duration: t, event: events[i] === 1, arm: i < 3 ? "b" : "a" }));
    const all = await runOnRows(survival, { lifetimes: lifetimes([1, 1, 1, 1, 1, 1]) }, { by: "arm" });
    expect(all.scalars.logrank_chi2).toBeCloseTo(0.254237, 6);
    expect(all.scalars.logrank_p).toBeCloseTo(0.614107, 6);
    expect(all.scalars.time_unit).toBeNull();
    const censored = await runOnRows(survival, { lifetimes: lifetimes([1, 0, 1, 1, 0, 1]) }, { by: "arm" });
    expect(censored.scalars.logrank_chi2).toBeCloseTo(0.384615, 6);
    expect(censored.scalars.logrank_p).toBeCloseTo(0.535143, 6);
  });

  it("matches dd.csv: median 4 and log-rank χ² = 260.47 for democracy", async () => {
    const rows = await readCsv("dd.csv");
    const lifetimes = rows.map((x) => ({ duration: Number(x.duration), event: Number(x.observed) === 1, democracy: String(x.democracy) }));
    const overall = await runOnRows(survival, { lifetimes });
    expect(overall.scalars.median_lifetime).toBe(4);
    expect(overall.scalars.median).toBe(4);
    expect(overall.tables.medians).toEqual([{ group: "all", median: 4, lower: overall.scalars.median_lower, upper: overall.scalars.median_upper }]);
    expect(overall.scalars.customers).toBe(1808);
    const byRegime = await runOnRows(survival, { lifetimes }, { by: "democracy" });
    expect(byRegime.scalars.logrank_chi2).toBeCloseTo(260.47, 2);
    expect(byRegime.scalars.logrank_df).toBe(1);
    expect(byRegime.tables.groups!.map((g) => g.group)).toEqual(["Democracy", "Non-democracy"]);
  });

  it("matches the g3 Control curve and intervals", async () => {
    const rows = await readCsv("g3.csv");
    const lifetimes = rows.map((x) => ({ duration: Number(x.time), event: x.event === true, group: String(x.group) }));
    const r = await runOnRows(survival, { lifetimes }, { by: "group", horizons: "9,19,32,34" });
    const control = r.tables.horizons!.filter((x) => x.group === "Control");
    const ref = [
      [0.833, 0.2731, 0.975],
      [0.667, 0.1946, 0.904],
      [0.5, 0.1109, 0.804],
      [0.333, 0.0461, 0.676],
    ];
    control.forEach((row, i) => {
      expect(row.survival as number).toBeCloseTo(ref[i]![0]!, 3);
      expect(row.lower as number).toBeCloseTo(ref[i]![1]!, 4);
      expect(row.upper as number).toBeCloseTo(ref[i]![2]!, 3);
    });
    expect(r.tables.groups!.find((g) => g.group === "Control")).toMatchObject({ customers: 6, events: 4, median: 32 });
    expect(r.tables.medians!.find((g) => g.group === "Control")).toMatchObject({ median: 32 });
    expect(Object.keys(r.tables.horizons![0]!)).toEqual(["group", "time", "survival", "lower", "upper"]);
  });

  it("handles no events, a group of one, missing attribute values and excluded rows", async () => {
    const lifetimes: Row[] = [
      { customer_id: "1", duration: 5, event: false, tier: "gold" },
      { customer_id: "2", duration: 7, event: false, tier: "gold" },
      { customer_id: "3", duration: 2, event: false, tier: "silver" },
      { customer_id: "4", duration: 3, event: false, tier: null },
      { customer_id: "5", duration: null, event: true, tier: "gold" },
    ];
    const r = await runOnRows(survival, { lifetimes }, { by: "tier", horizons: "1" });
    expect(r.scalars).toMatchObject({ customers: 4, events: 0, median_lifetime: null, logrank_chi2: null, logrank_df: 0, logrank_p: null });
    expect(r.tables.groups!.map((g) => [g.group, g.customers, g.median])).toEqual([
      ["gold", 2, null],
      ["silver", 1, null],
    ]);
    expect(r.notes).toEqual(
      expect.arrayContaining([
        "1 lifetimes row was left out (missing or negative duration, or missing event)",
        expect.stringMatching(/1 customer without a value of "tier"/),
        expect.stringMatching(/log-rank test cannot be computed/),
      ]),
    );
  });

  it("returns an empty result with a note when there are no customers", async () => {
    const r = await runOnRows(survival, { subscriptions: [{ customer_id: "d", start_date: "2027-01-01", end_date: null }] });
    expect(r.tables).toEqual({ curve: [], horizons: [], groups: [], medians: [] });
    expect(r.scalars.median).toBeNull();
    expect(r.scalars.customers).toBe(0);
    // d starts after the as-of date: a later customer, not dropped data.
    expect(r.notes).toEqual([expect.stringMatching(/no customer lifetimes/)]);
    expect(survival.chart!(r, chartPlan(resolveParams(survival, {}), ctxFor()))).toBeNull();
  });

  it("rejects unknown attributes and bad horizons with clear errors", async () => {
    await expect(runOnRows(survival, { subscriptions, customers }, { by: "plna" })).rejects.toMatchObject({ code: "unknown-attribute", hint: expect.stringMatching(/"plan"/) });
    await expect(runOnRows(survival, { subscriptions }, { horizons: "1,x" })).rejects.toMatchObject({ code: "bad-param" });
    await expect(runOnRows(survival, { transactions: [{ customer_id: "a", date: "2026-01-01", amount: 1 }] })).rejects.toMatchObject({ code: "missing-role" });
  });

  it("charts survival as step lines with a percent axis, localised", async () => {
    const r = await runOnRows(survival, { subscriptions, customers }, { by: "plan" });
    const params = resolveParams(survival, { by: "plan" });
    const en = survival.chart!(r, chartPlan(params, ctxFor()));
    expect(en).toMatchObject({ y: { format: "percent" }, x: { label: "Lifetime (months)" }, color: { legend: true } });
    expect(en!.marks.find((m) => m.mark === "lineY")).toEqual({ mark: "lineY", data: "curve", options: { x: "time", y: "survival", stroke: "group", curve: "step-after" } });
    const zh = survival.chart!(r, chartPlan(params, ctxFor("zh-CN")));
    expect(zh!.title).toBe("客户生存曲线");
    expect(zh!.x!.label).toBe("客户生命周期（月）");
    // The grouping attribute as readers name it; an unknown column name as it is.
    expect([zh!.subtitle, zh!.color!.label, en!.subtitle, en!.color!.label]).toEqual(["按套餐分组", "套餐", "By Plan", "Plan"]);
    const other = survival.chart!(r, chartPlan({ ...params, by: "segment_code" }, ctxFor("zh-CN")));
    expect([other!.subtitle, other!.color!.label]).toEqual(["按 segment_code 分组", "segment_code"]);
  });
});

function ctxFor(locale: AnalysisContext["locale"] = "en-US"): AnalysisContext {
  return { locale, currency: "USD", churn: { kind: "subscriptions" }, period: parsePeriod("2026-10"), fields: { subscriptions: ["customer_id", "start_date", "end_date"] } };
}
