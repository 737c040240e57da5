import { describe, expect, it } from "vitest";
import { clvContractual } from "../../src/analysis/clv-contractual.js";
import { sbgSurvival } from "../../src/analysis/stats/sbg.js";
import type { Row } from "../../src/analysis/types.js";
import { ChurnbookError } from "../../src/util/errors.js";
import { parsePeriod } from "../../src/util/period.js";
import { runOnRows, chartPlan } from "../helpers/analysis.js";

const addYears = (iso: string, y: number) => `${Number(iso.slice(0, 4)) + y}${iso.slice(4)}`;
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** One yearly cohort acquired on 2018-01-15 with the given survivors after 0..7 years; survivors pay `mrr`. */
function cohort(survivors: number[], mrr = 10): Row[] {
  const rows: Row[] = [];
  let id = 0;
  for (let t = 1; t < survivors.length; t++) {
    // Lost in year t: the subscription ends 100 days into year t (after age t − 1, before age t).
    for (let i = 0; i < survivors[t - 1]! - survivors[t]!; i++) rows.push({ customer_id: `c${String(id++).padStart(4, "0")}`, start_date: "2018-01-15", end_date: addDays(addYears("2018-01-15", t - 1), 100), mrr });
  }
  for (let i = 0; i < survivors.at(-1)!; i++) rows.push({ customer_id: `c${String(id++).padStart(4, "0")}`, start_date: "2018-01-15", end_date: null, mrr });
  return rows;
}

/** Σ_{t ≥ k+1} S(t)/S(k)/(1+d)^(t−k−1) by brute force. */
function derl(alpha: number, beta: number, d: number, k: number): number {
  // S(t)/S(k) = Π_{i=k+1..t} (β + i − 1)/(α + β + i − 1), accumulated term by term.
  let s = 0, ratio = 1;
  for (let t = k + 1; t < k + 200_000; t++) {
    ratio *= (beta + t - 1) / (alpha + beta + t - 1);
    s += ratio / (1 + d) ** (t - k - 1);
  }
  return s;
}

// Report period 2026-01 (end 2026-02-01): the last 8 complete years are 2018…2025; the 2018
// cohort is observed at ages 0…7 (2018-01-01 + 8 years ≤ 2026-02-01).
const period = parsePeriod("2026-01");

describe("clv-contractual", () => {
  it("fits the sBG model of Fader & Hardie's 'regular' cohort and values the survivors", async () => {
    const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
    const res = await runOnRows(clvContractual, { subscriptions: cohort(regular) }, { period: "year", cohorts: 8, margin: 0.5 }, { period });
    const s = res.scalars;
    // Published: α = 0.704, β = 1.182, LL −1680.27.
    expect(s.alpha).toBeCloseTo(0.704, 3);
    expect(s.beta).toBeCloseTo(1.182, 3);
    expect(s.log_likelihood).toBeCloseTo(-1680.27, 2);
    expect(s.cohorts).toBe(1);
    // The 241 survivors are active at 2026-02-01 with 8 whole years of tenure (2018-01-15 → 2026-01-15).
    const rows = res.tables.customers!;
    expect(rows).toHaveLength(241);
    expect(Object.keys(rows[0]!)).toEqual(["customer_id", "mrr", "tenure_periods", "expected_remaining_periods", "clv"]);
    expect(rows[0]).toMatchObject({ mrr: 10, tenure_periods: 8, expected_remaining_periods: null });
    // clv = MRR × 12 months × margin × DERL(k = 8) with the yearly discount rate 1.01^12 − 1.
    const d = 1.01 ** 12 - 1;
    expect(s.period_discount_rate).toBeCloseTo(d, 14);
    expect(rows[0]!.clv).toBeCloseTo(10 * 12 * 0.5 * derl(s.alpha as number, s.beta as number, d, 8), 6);
    expect(s.total_clv).toBeCloseTo(241 * (rows[0]!.clv as number), 6);
    // α < 1: the undiscounted expected remaining lifetime is infinite.
    expect(res.notes!.some((n) => /α ≤ 1/.test(n))).toBe(true);
    // The survival table compares the observed cohort with S(t).
    expect(res.tables.survival!.map((r) => r.observed)).toEqual(regular.map((n) => n / 1000));
    expect(res.tables.survival![7]!.fitted).toBeCloseTo(sbgSurvival(s.alpha as number, s.beta as number, 7), 14);
  });

  it("expected remaining periods (β + k)/(α − 1) when α > 1; MRR summed; churned customers excluded; tenure from the current spell", async () => {
    // Expected survivors of θ ~ Beta(5, 20): n_t = round(1000 S(t)).
    const surv = Array.from({ length: 8 }, (_, t) => Math.round(1000 * sbgSurvival(5, 20, t)));
    const subs = cohort(surv);
    // x: a survivor with a second subscription (MRR 10 + 15 = 25); y: churned in 2020, returned on 2025-03-10.
    subs.push({ customer_id: "x", start_date: "2018-01-15", end_date: null, mrr: 10 }, { customer_id: "x", start_date: "2024-06-01", end_date: null, mrr: 15 });
    subs.push({ customer_id: "y", start_date: "2019-05-01", end_date: "2020-02-01", mrr: 40 }, { customer_id: "y", start_date: "2025-03-10", end_date: null, mrr: 40 });
    subs.push({ customer_id: "z", start_date: "2024-03-01", end_date: "2025-12-31", mrr: 99 }); // churned before the period end
    const res = await runOnRows(clvContractual, { subscriptions: subs }, { period: "year", cohorts: 8 }, { period });
    const { alpha, beta } = res.scalars as { alpha: number; beta: number };
    expect(alpha).toBeGreaterThan(1);
    const rows = res.tables.customers!;
    const x = rows.find((r) => r.customer_id === "x")!;
    expect(x).toMatchObject({ mrr: 25, tenure_periods: 8 });
    expect(x.expected_remaining_periods).toBeCloseTo((beta + 8) / (alpha - 1), 12);
    expect(x.expected_remaining_periods).toBeCloseTo(derl(alpha, beta, 0, 8), 3);
    // y's current spell started 2025-03-10: 0 whole years by 2026-02-01.
    const y = rows.find((r) => r.customer_id === "y")!;
    expect(y).toMatchObject({ mrr: 40, tenure_periods: 0 });
    expect(y.clv).toBeCloseTo(40 * 12 * derl(alpha, beta, 1.01 ** 12 - 1, 0), 6);
    expect(rows.some((r) => r.customer_id === "z")).toBe(false);
    // Sorted by clv desc then id.
    for (let i = 1; i < rows.length; i++) {
      const [u, v] = [rows[i - 1]!, rows[i]!];
      expect((u.clv as number) > (v.clv as number) || (u.clv === v.clv && (u.customer_id as string) < (v.customer_id as string))).toBe(true);
    }
  });

  it("reports an sBG fit that cannot be made", async () => {
    // Nobody churns: retention cannot be estimated.
    const res = runOnRows(clvContractual, { subscriptions: cohort([100, 100, 100, 100]) }, { period: "year", cohorts: 8 }, { period: parsePeriod("2022-01") });
    await expect(res).rejects.toThrow(ChurnbookError);
    await expect(runOnRows(clvContractual, { subscriptions: cohort([100, 100, 100, 100]) }, { period: "year", cohorts: 8 }, { period: parsePeriod("2022-01") })).rejects.toThrow(/no customer was lost/);
  });

  it("has a survival chart", () => {
    const ctx = { period, locale: "zh-CN", currency: "CNY", churn: { kind: "subscriptions" }, fields: {} } as const;
    const chart = clvContractual.chart!({ scalars: {}, tables: { survival: [{ age: 0, observed: 1, fitted: 1 }] } }, chartPlan({} as never, ctx))!;
    expect(chart.marks.map((m) => m.data)).toEqual(["survival", "survival"]);
    expect(chart.title).toContain("存活率");
  });
});
