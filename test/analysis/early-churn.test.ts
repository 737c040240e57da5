import { describe, expect, it } from "vitest";
import { earlyChurn, parseHorizons } from "../../src/analysis/early-churn.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";

const sub = (customer_id: string, start_date: string, end_date: string | null): Row => ({ customer_id, start_date, end_date, mrr: 1 });

// Report period 2026-06 (ends 2026-07-01); monthly cohorts 2026-04..06; horizons 1 and 3.
const subs: Row[] = [
  sub("p1", "2026-04-10", "2026-04-25"), // lost within 1 (ends before its age-1 day 05-10)
  sub("p2", "2026-04-15", "2026-06-01"), // survives its age-1 day 05-15
  sub("p3", "2026-04-20", null),
  sub("p4", "2026-04-05", "2026-04-20"), // lost within 1 …
  sub("p4", "2026-05-01", null), // … and returns: still counted as lost
  sub("q1", "2026-05-31", "2026-06-30"), // age-1 day clamps to 06-30 = its churn date → lost
  sub("q2", "2026-05-02", null),
  sub("q3", "2026-05-03", "2026-05-10"),
  sub("r1", "2026-06-10", null),
];

describe("early-churn", () => {
  it("share lost within h periods per cohort, null when too young (hand-computed)", async () => {
    const r = await runOnRows(earlyChurn, { subscriptions: subs }, { cohorts: 3, horizons: "3,1" }, { period: parsePeriod("2026-06") });
    // h = 1: Apr (4 members) needs 05-01 + 1 month ≤ 07-01 ✓: p1, p4 lost → 2/4.
    //        May (3) needs 06-01 + 1 month ≤ 07-01 ✓: q1, q3 lost → 2/3.   Jun (1): 08-01 > 07-01 → null.
    // h = 3: Apr needs 05-01 + 3 months = 08-01 > 07-01 → null, so all null.
    expect(columns(r.tables.early_churn!)).toEqual({
      cohort: ["2026-04", "2026-05", "2026-06", "2026-04", "2026-05", "2026-06"],
      horizon: [1, 1, 1, 3, 3, 3],
      series: ["Lost within 1 month", "Lost within 1 month", "Lost within 1 month", "Lost within 3 months", "Lost within 3 months", "Lost within 3 months"],
      customers: [4, 3, 1, 4, 3, 1],
      lost: [2, 2, null, null, null, null],
      early_churn: [0.5, 2 / 3, null, null, null, null],
    });
    // Trend h = 1: latest = May 2/3; previous = Apr pooled 2/4; change 1/6; slope over indices 0, 1 = 1/6.
    const t1 = r.tables.trend![0]!;
    expect(t1).toMatchObject({ horizon: 1, cohorts: 2, latest_cohort: "2026-05", latest: 2 / 3, previous: 0.5 });
    expect(t1.change as number).toBeCloseTo(1 / 6, 12);
    expect(t1.slope as number).toBeCloseTo(1 / 6, 12);
    expect(r.tables.trend![1]).toMatchObject({ horizon: 3, cohorts: 0, latest: null, previous: null, change: null, slope: null });
    expect(r.scalars).toMatchObject({ early_churn_1: 2 / 3, early_churn_1_previous: 0.5, early_churn_3: null });
    expect(r.notes).toEqual(["no cohort is 3 periods old yet: early churn within 3 is not available"]);
  });

  it("older report period: the 3-period horizon becomes available", async () => {
    const r = await runOnRows(earlyChurn, { subscriptions: subs }, { cohorts: 3, horizons: "3" }, { period: parsePeriod("2026-08"), locale: "zh-CN" });
    // Cohorts Jun, Jul, Aug; only Jun has members and 07-01 + 3 months > 09-01 → null. Apr is not shown.
    expect(r.tables.early_churn!.map((x) => [x.cohort, x.early_churn, x.series])).toEqual([["2026-06", null, "3 个月内流失"]]);
    const r2 = await runOnRows(earlyChurn, { subscriptions: subs }, { cohorts: 6, horizons: "3" }, { period: parsePeriod("2026-08") });
    // Apr at age 3 (08-01 ≤ 09-01): first spells ended by their age-3 day: p1, p2 (06-01 ≤ 07-15), p4 → 3/4.
    // May at age 3 (09-01 ≤ 09-01): q1, q3 → 2/3.
    expect(r2.tables.early_churn!.filter((x) => x.early_churn !== null).map((x) => [x.cohort, x.lost, x.early_churn])).toEqual([["2026-04", 3, 0.75], ["2026-05", 2, 2 / 3]]);
  });

  it("parses and validates horizons", () => {
    expect(parseHorizons(" 6, 1,3,1")).toEqual([1, 3, 6]);
    expect(() => parseHorizons("1,x")).toThrow(/horizons/);
    expect(() => parseHorizons("0")).toThrow(/horizons/);
    expect(() => parseHorizons("")).toThrow(/empty/);
  });

  it("no customers in the cohorts: no rows, no chart", async () => {
    const r = await runOnRows(earlyChurn, { subscriptions: [sub("z", "2020-01-01", null)] }, {}, { period: parsePeriod("2026-06") });
    expect(r.tables.early_churn).toEqual([]);
    expect(earlyChurn.chart!(r, chartPlan({} as never, { locale: "en-US" } as never))).toBeNull();
  });
});
