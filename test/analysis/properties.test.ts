// Property tests over random (seeded) data: identities that must hold for any input.
// - the period identity: end = start + new + reactivated − churned, and the MRR bridge
//   start + new + expansion + reactivation − contraction − churned = end;
// - the leaky bucket's waterfall: start + in − out = end, for customers and MRR;
// - Kaplan–Meier is non-increasing, within [0, 1], inside its confidence interval.

import { describe, expect, it } from "vitest";
import { churnSummary } from "../../src/analysis/churn-summary.js";
import { leakyBucket } from "../../src/analysis/leaky-bucket.js";
import { kaplanMeier } from "../../src/analysis/stats/kaplan-meier.js";
import type { Row } from "../../src/analysis/types.js";
import { createRng, type Rng } from "../../src/sample/random.js";
import { addDays } from "../../src/util/period.js";
import { runOnRows } from "../helpers/analysis.js";

/** A random subscription book: overlapping plans, upgrades, gaps, free plans, open ends. */
function randomSubscriptions(rng: Rng, customers: number): Row[] {
  const rows: Row[] = [];
  for (let c = 0; c < customers; c++) {
    let day = rng.int(0, 500);
    for (let k = rng.int(1, 4); k > 0; k--) {
      const start = addDays("2025-01-01", day);
      const length = rng.int(1, 300);
      const open = k === 1 && rng.next() < 0.4;
      const mrr = rng.next() < 0.1 ? 0 : rng.int(1, 20) * 50;
      rows.push({ customer_id: `c${c}`, start_date: start, end_date: open ? null : addDays(start, length), mrr });
      // The next row: back-to-back (plan change), overlapping, or after a gap (reactivation).
      day += rng.next() < 0.5 ? length : rng.next() < 0.5 ? Math.max(1, length - rng.int(0, length)) : length + rng.int(1, 120);
    }
  }
  return rows;
}

describe("properties", () => {
  it("the customer identity and the MRR bridge reconcile for any subscription book", async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rng = createRng(seed);
      const subscriptions = randomSubscriptions(rng, 25);
      const month = `2025-${String(rng.int(2, 12)).padStart(2, "0")}`;
      const r = await runOnRows(churnSummary, { subscriptions }, { include_free: rng.next() < 0.5 }, { period: month });
      const s = r.scalars as Record<string, number>;
      expect(s.customers_end, `seed ${seed}`).toBe(s.customers_start + s.new_customers + s.reactivated_customers - s.churned_customers);
      expect(s.mrr_end, `seed ${seed}`).toBeCloseTo(s.mrr_start + s.new_mrr + s.expansion_mrr + s.reactivation_mrr - s.contraction_mrr - s.churned_mrr, 6);
      for (const k of ["churn_rate", "retention_rate", "grr"]) {
        if (s[k] !== null) {
          expect(s[k]).toBeGreaterThanOrEqual(0);
          expect(s[k]).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it("the leaky bucket's waterfall always reconciles", async () => {
    for (let seed = 100; seed < 115; seed++) {
      const rng = createRng(seed);
      const subscriptions = randomSubscriptions(rng, 20);
      const r = await runOnRows(leakyBucket, { subscriptions }, {}, { period: "2025-09" });
      for (const measure of ["customers", "revenue"]) {
        const rows = r.tables.waterfall!.filter((w) => w.measure === measure);
        if (!rows.length) continue;
        const start = rows.find((w) => w.kind === "start")!.value as number;
        const end = rows.find((w) => w.kind === "end")!.value as number;
        const flows = rows.filter((w) => w.kind === "in" || w.kind === "out").reduce((a, w) => a + (w.value as number), 0);
        expect(start + flows, `seed ${seed} ${measure}`).toBeCloseTo(end, 6);
      }
    }
  });

  it("Kaplan–Meier is non-increasing, within [0, 1] and inside its interval", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = createRng(seed);
      const n = rng.int(1, 60);
      const lifetimes = Array.from({ length: n }, () => ({ duration: rng.int(0, 30), event: rng.next() < 0.7 }));
      const fit = kaplanMeier(lifetimes);
      let previous = 1;
      for (const p of fit.points) {
        expect(p.survival).toBeLessThanOrEqual(previous + 1e-12);
        expect(p.survival).toBeGreaterThanOrEqual(0);
        if (p.lower !== null && p.upper !== null) {
          expect(p.lower).toBeLessThanOrEqual(p.survival + 1e-12);
          expect(p.upper).toBeGreaterThanOrEqual(p.survival - 1e-12);
          expect(p.lower).toBeGreaterThanOrEqual(0);
          expect(p.upper).toBeLessThanOrEqual(1);
        }
        previous = p.survival;
      }
      expect(fit.points.reduce((a, p) => a + p.events + p.censored, 0)).toBe(n);
    }
  });
});
