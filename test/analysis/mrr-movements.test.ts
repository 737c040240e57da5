import { describe, expect, it } from "vitest";
import { mrrMovements } from "../../src/analysis/mrr-movements.js";
import { resolveParams } from "../../src/analysis/params.js";
import { runAnalysis } from "../../src/analysis/run.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, planFor, runOnRows } from "../helpers/analysis.js";
import { sub, subscriptions } from "./fixtures/subscription-book.js";
import { withRavenstack } from "./fixtures/ravenstack.js";

// Report period 2026-10 = [2026-10-01, 2026-11-01). Subscriptions (end exclusive; null = open):
//   A 01-01 → open 100 (unchanged)        B 01-01 → 10-15 50 (churn −50)
//   C 10-05 → open 30 (new +30)           D 01-01 → 06-01 40, 10-10 → open 60 (reactivation +60)
//   E 10-03 → 10-20 20 (joins and leaves within October: 0 → 0, no movement)
//   F 02-01 → 10-15 100, 10-15 → open 150 (expansion +50)
//   G 03-01 → 10-20 80, 10-20 → open 60 (contraction −20)
//   H 01-01 → open 0 (free)               I 01-01 → 10-05 70, 10-20 → open 70 (70 → 70: none)
// MRR at start (start < 10-01 ≤ end): 100 + 50 + 100 + 80 + 70 = 400; at end: 100 + 30 + 60 + 150 + 60 + 70 = 470
// Bridge: 400 + 30 + 50 + 60 − 20 − 50 = 470.

describe("mrr-movements", () => {
  it("logs one movement per customer whose MRR changes, in a stable order", async () => {
    const r = await runOnRows(mrrMovements, { subscriptions });
    expect(r.tables.movements).toEqual([
      { customer_id: "C", movement: "new", mrr_start: 0, mrr_end: 30, delta: 30 },
      { customer_id: "F", movement: "expansion", mrr_start: 100, mrr_end: 150, delta: 50 },
      { customer_id: "D", movement: "reactivation", mrr_start: 0, mrr_end: 60, delta: 60 },
      { customer_id: "G", movement: "contraction", mrr_start: 80, mrr_end: 60, delta: -20 },
      { customer_id: "B", movement: "churn", mrr_start: 50, mrr_end: 0, delta: -50 },
    ]);
  });

  it("builds a bridge that reconciles: start + Σ movements = end", async () => {
    const r = await runOnRows(mrrMovements, { subscriptions });
    const b = columns(r.tables.bridge!);
    expect(b.step).toEqual(["start", "new", "expansion", "reactivation", "contraction", "churn", "end"]);
    expect(b.value).toEqual([400, 30, 50, 60, -20, -50, 470]);
    expect(b.kind).toEqual(["start", "in", "in", "in", "out", "out", "end"]);
    expect(b.customers).toEqual([null, 1, 1, 1, 1, 1, null]);
    expect(b.label).toEqual(["MRR at start", "New", "Expansion", "Reactivation", "Contraction", "Churn", "MRR at end"]);
    expect([r.scalars.mrr_start, r.scalars.net_new_mrr, r.scalars.mrr_end, r.scalars.churned_mrr, r.scalars.contraction_mrr]).toEqual([400, 70, 470, 50, 20]);
    const zh = await runOnRows(mrrMovements, { subscriptions }, {}, { locale: "zh-CN" });
    expect(zh.tables.bridge!.map((x) => x.label)).toEqual(["期初MRR", "新增", "扩展", "恢复", "收缩", "流失", "期末MRR"]);
    const chart = mrrMovements.chart!(zh, planFor(mrrMovements, {}, { locale: "zh-CN" }));
    expect(chart!.marks[0]!.mark).toBe("waterfall");
    expect(chart!.title).toBe("MRR桥（2026-10）");
  });

  it("the reference example: start 100, churn 10, contraction 10, expansion 10", async () => {
    const rows = [
      sub("X", "2026-01-01", "2026-10-12", 10),
      sub("Y", "2026-01-01", "2026-10-15", 50),
      sub("Y", "2026-10-15", null, 40),
      sub("Z", "2026-01-01", "2026-10-20", 40),
      sub("Z", "2026-10-20", null, 50),
    ];
    const r = await runOnRows(mrrMovements, { subscriptions: rows });
    expect(r.tables.bridge!.map((x) => x.value)).toEqual([100, 0, 10, 0, -10, -10, 90]);
  });

  it("a subscription ending exactly on the period start counts at the start and churns in the period", async () => {
    // Boundary rule: MRR at b includes start_date < b ≤ end_date.
    const r = await runOnRows(mrrMovements, { subscriptions: [sub("P", "2026-05-01", "2026-10-01", 10), sub("Q", "2026-05-01", "2026-11-01", 20)] });
    // Q ends on 11-01 = the period end: still active at the end boundary, so no movement.
    expect(r.tables.movements).toEqual([{ customer_id: "P", movement: "churn", mrr_start: 10, mrr_end: 0, delta: -10 }]);
    expect([r.scalars.mrr_start, r.scalars.mrr_end]).toEqual([30, 20]);
  });

  it("throws mrr-bridge naming rows that cannot be attributed (missing customer_id)", async () => {
    const rows = [...subscriptions, sub(null, "2026-01-01", "2026-10-10", 25)];
    const err = await runOnRows(mrrMovements, { subscriptions: rows }).catch((e: unknown) => e);
    expect(isChurnbookError(err) && err.code).toBe("mrr-bridge");
    expect((err as Error).message).toContain("(no customer_id)");
    expect((err as Error).message).toContain("2026-10");
  });

  it("throws mrr-bridge naming a customer whose MRR is not a finite number", async () => {
    const rows = [...subscriptions, sub("Z9", "2026-01-01", null, Number.NaN)];
    const err = await runOnRows(mrrMovements, { subscriptions: rows }).catch((e: unknown) => e);
    expect(isChurnbookError(err) && err.code).toBe("mrr-bridge");
    expect((err as Error).message).toContain("Z9");
  });

  it("unattributable MRR that does not move keeps the bridge balanced, with a note", async () => {
    const rows = [...subscriptions, sub(null, "2026-01-01", null, 5)];
    const r = await runOnRows(mrrMovements, { subscriptions: rows });
    expect([r.scalars.mrr_start, r.scalars.mrr_end]).toEqual([405, 475]);
    expect(r.notes!.some((n) => n.includes("could not be attributed"))).toBe(true);
  });

  it("needs an mrr field", async () => {
    const rows = subscriptions.map(({ customer_id, start_date, end_date }) => ({ customer_id, start_date, end_date }));
    await expect(runOnRows(mrrMovements, { subscriptions: rows })).rejects.toSatisfy((e: unknown) => isChurnbookError(e) && e.code === "missing-field");
  });

  it("inactivity basis: previous period revenue → period revenue", async () => {
    // 30-day window. September revenue a100 b80 = 180; October a100 c60 d40 = 200.
    // b: churn −80; c: first purchase in October → new +60; d: bought in May → reactivation +40.
    const transactions: Row[] = [
      { customer_id: "a", date: "2026-09-10", amount: 100 },
      { customer_id: "a", date: "2026-10-05", amount: 50 },
      { customer_id: "a", date: "2026-10-25", amount: 50 },
      { customer_id: "b", date: "2026-09-15", amount: 80 },
      { customer_id: "c", date: "2026-10-12", amount: 60 },
      { customer_id: "d", date: "2026-05-01", amount: 40 },
      { customer_id: "d", date: "2026-10-20", amount: 40 },
      { customer_id: "e", date: "2026-11-30", amount: 10 },
    ];
    const r = await runOnRows(mrrMovements, { transactions }, {}, { churn: { kind: "inactivity", days: 30 } });
    expect(r.tables.movements).toEqual([
      { customer_id: "c", movement: "new", mrr_start: 0, mrr_end: 60, delta: 60 },
      { customer_id: "d", movement: "reactivation", mrr_start: 0, mrr_end: 40, delta: 40 },
      { customer_id: "b", movement: "churn", mrr_start: 80, mrr_end: 0, delta: -80 },
    ]);
    expect(r.tables.bridge!.map((x) => x.value)).toEqual([180, 60, 0, 40, 0, -80, 200]);
    expect(r.tables.bridge![0]!.label).toBe("Previous period revenue");
    expect(r.scalars.revenue_basis).toBe("period_revenue");
    expect(Object.is(r.scalars.contraction_mrr, 0)).toBe(true); // not −0
  });
});

describe("mrr-movements on ravenstack (integration)", () => {
  it("the bridge reconciles for every month of 2024", async () => {
    await withRavenstack(async (engine, ctxFor) => {
      let moved = 0;
      for (let m = 1; m <= 12; m++) {
        const period = parsePeriod(`2024-${String(m).padStart(2, "0")}`);
        const ctx = ctxFor(period.label);
        const r = await runAnalysis(engine, mrrMovements, resolveParams(mrrMovements, {}), ctx);
        const deltas = r.tables.movements!.reduce((s, x) => s + (x.delta as number), 0);
        const start = r.scalars.mrr_start as number, end = r.scalars.mrr_end as number;
        expect(start + deltas).toBeCloseTo(end, 6);
        const b = r.tables.bridge!;
        expect(b[0]!.value as number + b.slice(1, -1).reduce((s, x) => s + (x.value as number), 0)).toBeCloseTo(b[b.length - 1]!.value as number, 6);
        // independent check of the end level: Σ mrr of subscriptions active at the end boundary
        const [t] = await engine.query(`SELECT SUM(mrr) AS s FROM subscriptions WHERE start_date < DATE '${period.end}' AND (end_date IS NULL OR end_date >= DATE '${period.end}') AND (end_date IS NULL OR end_date > start_date)`);
        expect(end).toBeCloseTo(t!.s as number, 6);
        moved += r.tables.movements!.length;
      }
      expect(moved).toBeGreaterThan(100);
    });
  });
});
