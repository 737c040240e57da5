import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cohortRetention } from "../../src/analysis/cohort-retention.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

const sub = (customer_id: string, start_date: string, end_date: string | null, mrr: number | null): Row => ({ customer_id, start_date, end_date, mrr });

// Report period 2026-03 (ends 2026-04-01), monthly cohorts 2026-01..2026-03, ages 0..3.
const subs: Row[] = [
  sub("a", "2026-01-10", null, 100),
  sub("b", "2026-01-20", "2026-02-20", 50), // ends exactly on its age-1 day → not active at age 1
  sub("c", "2026-01-31", null, 80), // age-1 day clamps to 2026-02-28, age 2 = 2026-03-31
  sub("c", "2026-02-15", null, 40), // expansion
  sub("d", "2026-01-05", "2026-01-25", 30), // churns, then returns (spell 2)
  sub("d", "2026-02-10", null, 20),
  sub("e", "2026-02-15", "2026-03-10", 10),
  sub("f", "2026-02-01", null, 0), // trial at acquisition
  sub("f", "2026-03-01", null, 60),
  sub("g", "2026-03-20", null, null),
  sub("h", "2025-12-01", null, 999), // older cohort: not shown
  sub("i", "2026-04-02", null, 999), // after the period: not in any cohort
  sub("j", "2026-01-15", "2026-01-15", 999), // empty subscription: ignored
];

describe("cohort-retention", () => {
  it("counts active customers and revenue retention per age (hand-computed)", async () => {
    const r = await runOnRows(cohortRetention, { subscriptions: subs }, { periods: 3, cohorts: 3 }, { period: parsePeriod("2026-03") });
    // Jan cohort = a, b, c, d (4); MRR at age 0 = 100 + 50 + 80 + 30 = 260.
    //  age 1 days: a 02-10 (100), b 02-20 (ended that day: out), c 02-28 (80 + 40 = 120), d 02-05 (gap: out)
    //    active 2 → 0.5; MRR 220 → NRR 220/260; capped: min(100,100) + min(120,80) = 180 → GRR 180/260
    //  age 2 days: a 03-10 (100), b out, c 03-31 (120), d 03-05 (returned: 20)
    //    active 3 → 0.75; MRR 240 → NRR 240/260; capped 100 + 80 + min(20,30) = 200 → GRR 200/260
    //  age 3: 2026-02-01 + 3 months > 2026-04-01 → no cell.
    // Feb cohort = e, f (2); MRR at age 0 = 10 + 0 = 10.
    //  age 1: e 03-15 (ended 03-10: out), f 03-01 (0 + 60 = 60) → 0.5; NRR 6; GRR min(60, 0)/10 = 0.
    // Mar cohort = g (1), MRR 0 at acquisition → revenue retention null (noted).
    expect(columns(r.tables.cohorts!)).toEqual({
      cohort: ["2026-01", "2026-01", "2026-01", "2026-02", "2026-02", "2026-03"],
      age: [0, 1, 2, 0, 1, 0],
      customers: [4, 4, 4, 2, 2, 1],
      active: [4, 2, 3, 2, 1, 1],
      retention: [1, 0.5, 0.75, 1, 0.5, 1],
      mrr: [260, 220, 240, 10, 60, 0],
      net_revenue_retention: [1, 220 / 260, 240 / 260, 1, 6, null],
      gross_revenue_retention: [1, 180 / 260, 200 / 260, 1, 0, null],
    });
    expect(r.tables.cohort_sizes).toEqual([
      { cohort: "2026-01", cohort_start: "2026-01-01", customers: 4, starting_mrr: 260, observed_ages: 3 },
      { cohort: "2026-02", cohort_start: "2026-02-01", customers: 2, starting_mrr: 10, observed_ages: 2 },
      { cohort: "2026-03", cohort_start: "2026-03-01", customers: 1, starting_mrr: 0, observed_ages: 1 },
    ]);
    // Age 1 over Jan and Feb: (2 + 1)/(4 + 2).
    expect(r.scalars).toMatchObject({ cohorts: 3, customers: 7, retention_age_1: 0.5, retention_age_3: null, retention_age_12: null, net_revenue_retention_age_12: null });
    expect(r.notes).toEqual(["cohort 2026-03 has no MRR at acquisition: its revenue retention is not defined"]);
    // Each cohort labelled with its size; label colours by the cell's place on the ramp over [50%, 100%].
    expect(r.tables.heatmap![1]).toEqual({ cohort: "2026-01", cohort_label: "January 2026 (n=4)", age: 1, retention: 0.5, label: "50%", label_tone: "dark" });
    expect(r.tables.heatmap!.map((h) => [h.retention, h.label_tone])).toEqual([[1, "light"], [0.5, "dark"], [0.75, "dark"], [1, "light"], [0.5, "dark"], [1, "light"]]);
    // Default chart: a heatmap with a continuous, percent-formatted colour legend and labels in the cells.
    const chart = cohortRetention.chart!(r, chartPlan({ cohort_grain: "month", periods: 3, cohorts: 3 }, { locale: "zh-CN" } as never))!;
    expect(chart.marks.map((m) => [m.mark, m.data, m.options?.x, m.options?.y])).toEqual([["cell", "heatmap", "age", "cohort_label"], ["text", "heatmap", "age", "cohort_label"], ["text", "heatmap", "age", "cohort_label"]]);
    // Cohorts by date, not by their labels' text order.
    expect(chart.y!.domain).toEqual(["January 2026 (n=4)", "February 2026 (n=2)", "March 2026 (n=1)"]);
    expect(chart.marks[0]!.options).toMatchObject({ fill: "retention" });
    // Labels without a halo: white on dark cells, dark grey on light ones.
    expect(chart.marks.slice(1).map((m) => [m.filter, m.options?.text, m.options?.fill, m.options?.stroke])).toEqual([[{ label_tone: "light" }, "label", "white", undefined], [{ label_tone: "dark" }, "label", "#1f2933", undefined]]);
    expect(chart.color).toMatchObject({ legend: true, format: "percent", type: "linear", label: "客户留存率", domain: [0.5, 1] });
  });

  it("shows only the most recent complete cohorts, with empty ones sized 0", async () => {
    const r = await runOnRows(cohortRetention, { subscriptions: subs }, { periods: 1, cohorts: 5 }, { period: parsePeriod("2026-03") });
    expect(r.tables.cohort_sizes!.map((s) => [s.cohort, s.customers])).toEqual([["2025-11", 0], ["2025-12", 1], ["2026-01", 4], ["2026-02", 2], ["2026-03", 1]]);
    expect(r.tables.cohorts!.filter((c) => c.cohort === "2025-12").map((c) => c.age)).toEqual([0, 1]);
  });

  it("quarter cohorts: ages in quarters, an incomplete quarter is not a cohort", async () => {
    // Report period 2026-05: the last complete quarter is 2026-Q1 (Q2 ends after 2026-06-01).
    const r = await runOnRows(cohortRetention, { subscriptions: subs }, { cohort_grain: "quarter", periods: 4, cohorts: 2 }, { period: parsePeriod("2026-05") });
    // 2026-Q1 = a, b, c, d, e, f, g (7); age 1 (3 months after each acquisition) needs Q1 end + 3 months = 07-01 > 06-01 → only age 0.
    // 2025-Q4 = h (1): age 1 = 2026-03-01 (active), needs 2026-01-01 + 3 months ≤ 06-01 ✓; age 2 needs 07-01 ✗.
    expect(columns(r.tables.cohorts!)).toMatchObject({ cohort: ["2025-Q4", "2025-Q4", "2026-Q1"], age: [0, 1, 0], customers: [1, 1, 7], active: [1, 1, 7] });
  });

  it("works on the inactivity basis (transactions), without revenue retention", async () => {
    const tx: Row[] = [
      { customer_id: "x", date: "2026-01-05", amount: 5 }, // spell [01-05, 03-03) with the 02-01 purchase
      { customer_id: "x", date: "2026-02-01", amount: 5 },
      { customer_id: "y", date: "2026-01-15", amount: 5 }, // spell [01-15, 02-14)
    ];
    const r = await runOnRows(cohortRetention, { transactions: tx }, { periods: 2, cohorts: 3 }, { period: parsePeriod("2026-03"), churn: { kind: "inactivity", days: 30 } });
    // Jan cohort: age 1 days x 02-05 (active), y 02-15 (out); age 2: x 03-05 (out: spell ended 03-03).
    expect(r.tables.cohorts!.filter((c) => c.cohort === "2026-01").map((c) => [c.age, c.active, c.retention, c.mrr, c.net_revenue_retention])).toEqual([[0, 2, 1, null, null], [1, 1, 0.5, null, null], [2, 0, 0, null, null]]);
  });

  it("handles no data: empty tables and a note", async () => {
    const r = await runOnRows(cohortRetention, { subscriptions: [sub("h", "2025-12-01", null, 1)] }, { cohorts: 2 }, { period: parsePeriod("2026-03") });
    expect(r.tables.cohorts).toEqual([]);
    expect(r.scalars.customers).toBe(0);
    expect(r.notes?.[0]).toMatch(/no customers were acquired/);
    expect(cohortRetention.chart!(r, chartPlan(cohortRetention.params as never, { locale: "en-US" } as never))).toBeNull();
  });

  it("refuses a missing basis role with a clear error", async () => {
    await expect(runOnRows(cohortRetention, { transactions: [{ customer_id: "x", date: "2026-01-05", amount: 1 }] }, {}, { period: parsePeriod("2026-03") })).rejects.toThrow(/needs a "subscriptions" dataset/);
  });

  it("is internally consistent on RavenStack subscriptions and matches a direct computation", async () => {
    const file = referenceFile("ravenstack", "ravenstack_subscriptions.csv");
    const [header, ...lines] = readFileSync(file, "utf8").trim().split(/\r?\n/);
    const h = header!.split(",");
    const col = (n: string) => h.indexOf(n);
    const rows: Row[] = lines.map((l) => {
      const f = l.split(",");
      return { customer_id: f[col("account_id")]!, start_date: f[col("start_date")]!, end_date: f[col("end_date")] || null, mrr: Number(f[col("mrr_amount")]) };
    });
    const r = await runOnRows(cohortRetention, { subscriptions: rows }, { cohorts: 24, periods: 12 }, { period: parsePeriod("2024-12") });
    const cells = r.tables.cohorts!;
    expect(cells.length).toBeGreaterThan(100);
    for (const c of cells) {
      if (c.age === 0) expect(c.retention).toBe(1);
      expect(c.active as number).toBeLessThanOrEqual(c.customers as number);
      expect(c.retention as number).toBeGreaterThanOrEqual(0);
      expect(c.retention as number).toBeLessThanOrEqual(1);
      if (c.gross_revenue_retention !== null) {
        expect(c.gross_revenue_retention as number).toBeGreaterThanOrEqual(0);
        expect(c.gross_revenue_retention as number).toBeLessThanOrEqual(1 + 1e-12);
        expect(c.gross_revenue_retention as number).toBeLessThanOrEqual((c.net_revenue_retention as number) + 1e-12);
      }
    }
    // No future cells: the 2024-06 cohort reaches at most age 6 by 2025-01-01.
    expect(Math.max(...cells.filter((c) => c.cohort === "2024-06").map((c) => c.age as number))).toBe(6);
    // Independent computation in JS: active on day d = some valid subscription covers d.
    const valid = rows.filter((s) => s.end_date === null || (s.end_date as string) > (s.start_date as string));
    const byCustomer = new Map<string, Row[]>();
    for (const s of valid) byCustomer.set(s.customer_id as string, [...(byCustomer.get(s.customer_id as string) ?? []), s]);
    const addMonths = (d: string, k: number) => {
      const [y, m, day] = d.split("-").map(Number) as [number, number, number];
      const t = new Date(Date.UTC(y, m - 1 + k, 1));
      const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), Math.min(day, last))).toISOString().slice(0, 10);
    };
    const expected = new Map<string, number>();
    for (const [, ss] of byCustomer) {
      const acquired = ss.map((s) => s.start_date as string).sort()[0]!;
      for (let k = 0; k <= 12; k++) {
        const d = addMonths(acquired, k);
        const active = ss.some((s) => (s.start_date as string) <= d && (s.end_date === null || (s.end_date as string) > d));
        const key = `${acquired.slice(0, 7)}|${k}`;
        expected.set(key, (expected.get(key) ?? 0) + (active ? 1 : 0));
      }
    }
    for (const c of cells) expect([c.cohort, c.age, c.active]).toEqual([c.cohort, c.age, expected.get(`${c.cohort}|${c.age}`)]);
  });
});
