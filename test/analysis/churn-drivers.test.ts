import { describe, expect, it } from "vitest";
import { churnDrivers, decompose, type SegmentCounts } from "../../src/analysis/churn-drivers.js";
import { churnSummary } from "../../src/analysis/churn-summary.js";
import type { Row } from "../../src/analysis/types.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { runOnRows } from "../helpers/analysis.js";
import { sub } from "./fixtures/subscription-book.js";

// Hand-computed fixture. Report period 2026-10, previous 2026-09; split by region.
//   September start (09-01): A1 A2 A3 A4 (region A), B1 B2 B3 B4 (region B); N0 = 8
//     churned in September: A1 (09-15); B1 (09-05), B2 (09-25)
//     A: n 4, c 1, w .5, r .25 · B: n 4, c 2, w .5, r .5 → churn 3/8 = .375
//   October start (10-01): A2 A3 A4 A5 (A5 joined 09-10); B3 B4 B5 B6 B7 B8 (B5–B8 joined in September); N1 = 10
//     churned in October: A2 (10-10), A3 (10-20); B3 (10-05), B4 (10-06), B5 (10-07)
//     A: n 4, c 2, w .4, r .5 · B: n 6, c 3, w .6, r .5 → churn 5/10 = .5
//   change = .5 − .375 = .125
//   rate effects (mean weight × Δrate): A .45 × .25 = .1125; B .55 × 0 = 0 → .1125
//   mix effects (mean rate × Δweight):  A .375 × −.1 = −.0375; B .5 × .1 = .05 → .0125
//   .1125 + .0125 = .125 ✓; A's total .075, B's .05
const subs: Row[] = [
  sub("A1", "2026-01-01", "2026-09-15", 100),
  sub("A2", "2026-01-01", "2026-10-10", 100),
  sub("A3", "2026-01-01", "2026-10-20", 100),
  sub("A4", "2026-01-01", null, 100),
  sub("A5", "2026-09-10", null, 100),
  sub("B1", "2026-01-01", "2026-09-05", 100),
  sub("B2", "2026-01-01", "2026-09-25", 100),
  sub("B3", "2026-01-01", "2026-10-05", 100),
  sub("B4", "2026-01-01", "2026-10-06", 100),
  sub("B5", "2026-09-02", "2026-10-07", 100),
  sub("B6", "2026-09-02", null, 100),
  sub("B7", "2026-09-03", null, 100),
  sub("B8", "2026-09-04", null, 100),
];
const customers: Row[] = subs.map((s) => ({ customer_id: s.customer_id, signup_date: s.start_date, region: String(s.customer_id).slice(0, 1) }));

describe("churn-drivers", () => {
  it("splits the change into rate and mix effects, by hand", async () => {
    const res = await runOnRows(churnDrivers, { subscriptions: subs, customers }, { by: "region" });
    const s = res.scalars;
    expect(s.prev_churn_rate).toBeCloseTo(0.375, 12);
    expect(s.churn_rate).toBeCloseTo(0.5, 12);
    expect(s.change).toBeCloseTo(0.125, 12);
    expect(s.rate_effect).toBeCloseTo(0.1125, 12);
    expect(s.mix_effect).toBeCloseTo(0.0125, 12);
    expect(s.top_segment).toBe("A");
    expect(s.top_rate_effect).toBeCloseTo(0.1125, 12);
    expect(s.top_mix_effect).toBeCloseTo(-0.0375, 12);
    const rows = res.tables.segments!;
    expect(rows.map((r) => r.segment)).toEqual(["A", "B"]);
    expect(rows[0]).toMatchObject({ prev_customers_start: 4, prev_churned: 1, customers_start: 4, churned: 2 });
    expect(rows[1]).toMatchObject({ prev_customers_start: 4, prev_churned: 2, customers_start: 6, churned: 3 });
    expect(rows[1]!.rate_effect).toBeCloseTo(0, 12);
    expect(rows[1]!.mix_effect).toBeCloseTo(0.05, 12);
    expect(Number(s.rate_effect) + Number(s.mix_effect)).toBeCloseTo(Number(s.change), 14);
    // The usual level over the 12 periods before October: A and B have customers at the start of
    // February … September (8 periods), no churn before September: A (0 × 7 + .25) / 8, B (0 × 7 + .5) / 8.
    expect(rows[0]!.usual_periods).toBe(8);
    expect(rows[0]!.usual_churn_rate).toBeCloseTo(0.25 / 8, 12);
    expect(rows[1]!.usual_churn_rate).toBeCloseTo(0.5 / 8, 12);
    const sdA = Math.sqrt((7 * (0.25 / 8) ** 2 + (0.25 - 0.25 / 8) ** 2) / 7);
    expect(rows[0]!.usual_sd).toBeCloseTo(sdA, 12);
    const hist = res.tables.history!;
    expect(hist.filter((r) => r.segment === "A").map((r) => r.period)).toEqual(["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]);
    const none = await runOnRows(churnDrivers, { subscriptions: subs, customers }, { by: "region", history: 0 });
    expect(none.tables.history).toEqual([]);
    expect(none.tables.segments![0]!.usual_churn_rate).toBeNull();
    expect(none.scalars.change).toBe(s.change);
  });

  it("agrees with churn-summary's standard churn rates", async () => {
    const sum = await runOnRows(churnSummary, { subscriptions: subs, customers });
    const drv = await runOnRows(churnDrivers, { subscriptions: subs, customers }, { by: "region" });
    expect(drv.scalars.churn_rate).toBe(sum.scalars.churn_rate);
    expect(drv.scalars.prev_churn_rate).toBe(sum.scalars.prev_churn_rate);
  });

  it("uses the plan active at each period start, and tenure bands", async () => {
    // X moves from basic to pro on 09-20: basic at the September start, pro at the October start.
    const planSubs: Row[] = [
      { ...sub("X", "2026-01-01", "2026-09-20", 10), plan: "basic" },
      { ...sub("X", "2026-09-20", "2026-10-15", 20), plan: "pro" },
      { ...sub("Y", "2026-08-15", null, 10), plan: "basic" },
    ];
    const res = await runOnRows(churnDrivers, { subscriptions: planSubs }, { by: "plan" });
    const rows = new Map(res.tables.segments!.map((r) => [r.segment, r]));
    expect(rows.get("basic")).toMatchObject({ prev_customers_start: 2, customers_start: 1, churned: 0 });
    expect(rows.get("pro")).toMatchObject({ prev_customers_start: 0, customers_start: 1, churned: 1, prev_churn_rate: null });
    // pro has no rate in September: its whole contribution is mix.
    expect(rows.get("pro")!.rate_effect).toBe(0);
    expect(Number(res.scalars.rate_effect) + Number(res.scalars.mix_effect)).toBeCloseTo(Number(res.scalars.change), 14);

    const ten = await runOnRows(churnDrivers, { subscriptions: planSubs }, { by: "tenure" }, { locale: "zh-CN" });
    expect(ten.tables.segments!.map((r) => r.segment).sort()).toEqual(["在网 0–3 个月", "在网 3–12 个月"]);
  });

  it("refuses an unknown attribute with a hint", async () => {
    const err = await runOnRows(churnDrivers, { subscriptions: subs, customers }, { by: "regoin" }).catch((e) => e);
    expect(isChurnbookError(err)).toBe(true);
    expect(String(err.hint)).toContain("region");
  });

  it("no customers at the start of the previous period: null effects and a note", async () => {
    const res = await runOnRows(churnDrivers, { subscriptions: [sub("Z", "2026-09-10", null, 5)] }, { by: "tenure" });
    expect(res.scalars.change).toBeNull();
    expect(res.scalars.rate_effect).toBeNull();
    expect(res.notes!.length).toBe(1);
  });

  it("property: rate + mix effects sum to the change on random segments", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = 0; t < 2000; t++) {
      const k = 1 + Math.floor(rand() * 8);
      const rows: SegmentCounts[] = [];
      for (let g = 0; g < k; g++) {
        const n0 = rand() < 0.15 ? 0 : Math.floor(rand() * 5000);
        const n1 = rand() < 0.15 ? 0 : Math.floor(rand() * 5000);
        rows.push({ segment: `g${g}`, n0, c0: Math.floor(rand() * (n0 + 1)), n1, c1: Math.floor(rand() * (n1 + 1)) });
      }
      const d = decompose(rows);
      if (d.change === null) continue;
      expect(Math.abs(d.rateEffect! + d.mixEffect! - d.change)).toBeLessThan(1e-12);
      for (const s of d.segments) expect(Math.abs(s.rateEffect + s.mixEffect - (s.w1 * (s.r1 ?? 0) - s.w0 * (s.r0 ?? 0)))).toBeLessThan(1e-12);
      // Deterministic order: |effect| desc, then segment.
      for (let i = 1; i < d.segments.length; i++) expect(Math.abs(d.segments[i - 1]!.effect)).toBeGreaterThanOrEqual(Math.abs(d.segments[i]!.effect));
    }
  });

  it("property: on random subscription books the decomposition matches churn-summary", async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const day = (d: number) => new Date(Date.UTC(2026, 5, 1) + d * 86400000).toISOString().slice(0, 10);
    for (let t = 0; t < 3; t++) {
      const rows: Row[] = [];
      const cust: Row[] = [];
      for (let i = 0; i < 60; i++) {
        const s = Math.floor(rand() * 140);
        const e = rand() < 0.4 ? null : s + 1 + Math.floor(rand() * 150);
        rows.push(sub(`C${i}`, day(s), e === null ? null : day(e), 10));
        cust.push({ customer_id: `C${i}`, signup_date: day(s), region: ["N", "S", "E"][Math.floor(rand() * 3)]! });
      }
      const sum = await runOnRows(churnSummary, { subscriptions: rows, customers: cust });
      const drv = await runOnRows(churnDrivers, { subscriptions: rows, customers: cust }, { by: "region" });
      expect(drv.scalars.churn_rate).toBe(sum.scalars.churn_rate);
      expect(drv.scalars.prev_churn_rate).toBe(sum.scalars.prev_churn_rate);
      if (drv.scalars.change !== null) expect(Math.abs(Number(drv.scalars.rate_effect) + Number(drv.scalars.mix_effect) - Number(drv.scalars.change))).toBeLessThan(1e-12);
    }
  });
});
