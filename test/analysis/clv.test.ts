import { describe, expect, it } from "vitest";
import { clv } from "../../src/analysis/clv.js";
import { bgNbdConditionalExpected, bgNbdPAlive } from "../../src/analysis/stats/bg-nbd.js";
import { gammaGammaExpectedSpend } from "../../src/analysis/stats/gamma-gamma.js";
import type { Row } from "../../src/analysis/types.js";
import { ChurnbookError } from "../../src/util/errors.js";
import { runOnRows, chartPlan } from "../helpers/analysis.js";
import { createEngine } from "../../src/data/engine.js";
import { resolveParams } from "../../src/analysis/params.js";
import { runAnalysis } from "../../src/analysis/run.js";
import { parsePeriod } from "../../src/util/period.js";

/** runOnRows cannot type the columns of an empty table: load an empty transactions table here. */
async function runEmpty() {
  const engine = await createEngine();
  try {
    await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE" }, []);
    const ctx = { period: parsePeriod("2026-10"), locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, fields: { transactions: ["customer_id", "date", "amount"] } } as const;
    return await runAnalysis(engine, clv, resolveParams(clv, {}), { ...ctx, fields: { transactions: [...ctx.fields.transactions] } });
  } finally {
    engine.close();
  }
}
import { masterSummary, matchSample, readMaster, readSample } from "./stats/cdnow-fixture.js";

const sig = (got: unknown, want: number, digits: number) => expect(Math.abs((got as number) / want - 1)).toBeLessThan(0.5 * 10 ** (1 - digits));

// The published sample as a precomputed `summary` role, with the exact times (days ÷ 7; the CSV
// rounds them to 2 decimals, 1/7 > 0.01 so the days are recovered exactly) and zbar as monetary.
const sample = readSample();
const summaryRows: Row[] = sample.map((s) => ({ customer_id: s.id.padStart(4, "0"), frequency: s.x, recency: Math.round(s.tx * 7) / 7, T: Math.round(s.T * 7) / 7, monetary: s.zbar }));

/** A deterministic synthetic log: 120 customers, some buying several times a day, many once. */
function syntheticLog(): Row[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const rows: Row[] = [];
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  for (let c = 0; c < 120; c++) {
    const id = `c${String(c).padStart(3, "0")}`;
    let t = Math.floor(rand() * 60);
    // BG/NBD-like: purchase rate λ varies, drop-out probability after each purchase p = 0.6·u².
    const rate = 0.01 + rand() * 0.2, drop = 0.6 * rand() ** 2;
    const spend = 10 + rand() * 90;
    while (t < 365) {
      rows.push({ customer_id: id, date: day(t), amount: Math.round(spend * (0.5 + rand()) * 100) / 100 });
      if (rand() < drop) break;
      t += Math.max(1, Math.round(-Math.log(rand()) / rate));
    }
  }
  // Hand-checked customer: two purchases on 2025-01-01 (10 + 5), one on 2025-01-15 (30), two on 2025-02-12 (20 + 20).
  rows.push(
    { customer_id: "hand", date: "2025-01-01", amount: 10 },
    { customer_id: "hand", date: "2025-01-01", amount: 5 },
    { customer_id: "hand", date: "2025-01-15", amount: 30 },
    { customer_id: "hand", date: "2025-02-12", amount: 20 },
    { customer_id: "hand", date: "2025-02-12", amount: 20 },
    { customer_id: "once", date: "2025-03-05", amount: 7 },
    { customer_id: "once", date: "2025-03-05", amount: 8 },
  );
  return rows;
}

describe("clv", () => {
  it("reproduces the published CDNOW BG/NBD and Gamma–Gamma fits from the raw transaction log", async () => {
    // The raw transactions (calibration and holdout) of the master customers that match the
    // published sample's statistics (the sample's ids are not master ids; see cdnow-fixture.ts).
    const master = readMaster();
    const { matched } = matchSample(await masterSummary(master), sample);
    const ids = new Set(matched.map((r) => r.customer_id));
    const tx = master.filter((r) => ids.has(r.customer_id as string));
    // The sample's own last purchase is on 1998-06-29: the observation end is fixed at the log's end.
    const res = await runOnRows(clv, { transactions: tx }, { calibration_end: "1997-09-30", observation_end: "1998-06-30" });
    const s = res.scalars;
    expect(s.customers).toBe(2357);
    sig(s.r, 0.2425945, 6);
    sig(s.alpha, 4.4136019, 6);
    sig(s.a, 0.7929199, 5);
    sig(s.b, 2.4258881, 5);
    expect(s.bgnbd_log_likelihood).toBeCloseTo(-9582.429, 3);
    expect(s.p).toBeCloseTo(6.25, 2);
    expect(s.q).toBeCloseTo(3.74, 2);
    expect(s.gamma).toBeCloseTo(15.44, 2);
    expect(s.gg_log_likelihood).toBeCloseTo(-4055.9177, 3);
    expect(s.gg_customers).toBe(946);
    // Holdout: 1997-10-01 … 1998-06-30 = 273 days = 39 weeks; tracking over 78 weeks.
    expect(s.holdout_length).toBe(39);
    const tracking = res.tables.tracking!;
    expect(tracking).toHaveLength(78);
    const w39 = tracking[38]!;
    expect(w39).toMatchObject({ week: 39, week_end: "1997-09-30", phase: "calibration", last_calibration_week: true });
    // Cumulative repeat purchases at the end of calibration = Σ x over the sample.
    expect(w39.actual_cumulative).toBe(sample.reduce((a, r) => a + r.x, 0));
    expect(tracking[77]!.actual_cumulative as number - (w39.actual_cumulative as number)).toBe(s.actual_holdout_purchases);
    // At the calibration end Σ E[X(T_i)] matches the calibration total closely (the fit's moment check).
    expect(Math.abs((w39.expected_cumulative as number) / (w39.actual_cumulative as number) - 1)).toBeLessThan(0.02);
    expect(res.tables.conditional!.map((r) => r.label)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7+"]);
    expect(res.tables.conditional!.reduce((a, r) => a + (r.customers as number), 0)).toBe(2357);
    const err = ((s.expected_holdout_purchases as number) - (s.actual_holdout_purchases as number)) / (s.actual_holdout_purchases as number);
    expect(s.total_purchase_error).toBeCloseTo(err, 12);
    expect(s.mae).toBeGreaterThan(0);
  });

  it("computes P(alive), expected purchases, expected spend and discounted CLV per customer (lifetimes' formula)", async () => {
    const res = await runOnRows(clv, { summary: summaryRows }, { horizon: 12, discount_rate: 0.01, margin: 0.3 });
    const s = res.scalars;
    sig(s.r, 0.2425945, 6);
    expect(s.bgnbd_log_likelihood).toBeCloseTo(-9582.429, 3);
    const params = { r: s.r as number, alpha: s.alpha as number, a: s.a as number, b: s.b as number };
    const gg = { p: s.p as number, q: s.q as number, gamma: s.gamma as number };
    // Sample ID 1: x = 2, t_x = 213/7, T = 272/7, zbar 22.35.
    const row = res.tables.customers!.find((r) => r.customer_id === "0001")!;
    const spend = gammaGammaExpectedSpend(gg, 2, 22.35)!;
    let value = 0;
    for (let k = 1; k <= 12; k++) {
      const inc = bgNbdConditionalExpected(params, 4.345 * k, 2, 213 / 7, 272 / 7) - bgNbdConditionalExpected(params, 4.345 * (k - 1), 2, 213 / 7, 272 / 7);
      value += (0.3 * spend * inc) / 1.01 ** k;
    }
    expect(row.p_alive).toBeCloseTo(bgNbdPAlive(params, 2, 213 / 7, 272 / 7), 12);
    expect(row.p_alive).toBeCloseTo(0.7266, 3);
    expect(row.expected_purchases).toBeCloseTo(bgNbdConditionalExpected(params, 12 * 4.345, 2, 213 / 7, 272 / 7), 12);
    expect(row.expected_spend).toBeCloseTo(spend, 12);
    expect(row.clv).toBeCloseTo(value, 10);
    // One-time buyers get the population mean spend pγ/(q − 1).
    const once = res.tables.customers!.find((r) => r.frequency === 0)!;
    expect(once.expected_spend).toBeCloseTo((gg.p * gg.gamma) / (gg.q - 1), 12);
    // Sorted by clv desc, then customer id.
    const rows = res.tables.customers!;
    expect(rows).toHaveLength(2357);
    for (let i = 1; i < rows.length; i++) {
      const [u, v] = [rows[i - 1]!, rows[i]!];
      expect((u.clv as number) > (v.clv as number) || (u.clv === v.clv && (u.customer_id as string) < (v.customer_id as string))).toBe(true);
    }
    expect(Object.keys(rows[0]!)).toEqual(["customer_id", "frequency", "recency", "T", "monetary", "p_alive", "expected_purchases", "expected_spend", "clv"]);
    expect(res.tables.tracking).toEqual([]);
    expect(s.mae).toBeNull();
  });

  it("skips the Gamma–Gamma part without monetary values and says so", async () => {
    const rows = summaryRows.map(({ monetary: _m, ...r }) => r);
    const res = await runOnRows(clv, { summary: rows }, { calibration_end: "1997-09-30" });
    expect(res.scalars.p).toBeNull();
    expect(res.scalars.gg_log_likelihood).toBeNull();
    expect(res.scalars.total_clv).toBeNull();
    expect(res.tables.customers!.every((r) => r.clv === null && r.expected_spend === null && r.monetary === null)).toBe(true);
    expect(res.notes!.some((n) => /Gamma–Gamma spend model is skipped/.test(n))).toBe(true);
    // A summary has no transactions, so no holdout.
    expect(res.notes!.some((n) => /calibration_end is ignored/.test(n))).toBe(true);
    // Sorted by expected purchases instead.
    const e = res.tables.customers!.map((r) => r.expected_purchases as number);
    expect(e.every((v, i) => i === 0 || v <= e[i - 1]!)).toBe(true);
    // Localised note.
    const zh = await runOnRows(clv, { summary: rows }, {}, { locale: "zh-CN" });
    expect(zh.notes!.some((n) => n.includes("跳过 Gamma–Gamma"))).toBe(true);
  });

  it("summarises a small transaction log (same-day purchases, one-time buyers) and fits on it", async () => {
    const res = await runOnRows(clv, { transactions: syntheticLog() }, { unit: "week" }, { period: parsePeriod("2025-12") });
    // The observation ends at the log's last date (≤ 2025-12-31).
    const end = res.scalars.observation_end as string;
    const days = (Date.parse(end) - Date.parse("2025-01-01")) / 86_400_000;
    // "hand": purchase days 01-01 (15), 01-15 (30), 02-12 (40) → frequency 2, recency 42 days = 6 weeks,
    // T = (end − 01-01) days ÷ 7, monetary (30 + 40)/2 = 35.
    const hand = res.tables.customers!.find((r) => r.customer_id === "hand")!;
    expect(hand).toMatchObject({ frequency: 2, recency: 6, monetary: 35 });
    expect(hand.T).toBeCloseTo(days / 7, 12);
    // "once": two transactions on one day → frequency 0, recency 0, monetary 0, P(alive) = 1.
    const once = res.tables.customers!.find((r) => r.customer_id === "once")!;
    expect(once).toMatchObject({ frequency: 0, recency: 0, monetary: 0, p_alive: 1 });
    expect(res.scalars.r).toBeGreaterThan(0);
    expect(res.tables.customers).toHaveLength(122);
  });

  it("reports a fit that cannot be made, a calibration end past the data, and empty data", async () => {
    const onlyOnce: Row[] = [
      { customer_id: "a", date: "2026-01-05", amount: 10 },
      { customer_id: "b", date: "2026-02-05", amount: 10 },
      { customer_id: "b", date: "2026-02-05", amount: 12 }, // same day: still one purchase
    ];
    await expect(runOnRows(clv, { transactions: onlyOnce }, {})).rejects.toThrow(ChurnbookError);
    await expect(runOnRows(clv, { transactions: onlyOnce }, {})).rejects.toThrow(/no customer made a repeat purchase/);
    await expect(runOnRows(clv, { transactions: onlyOnce }, { calibration_end: "2026-03-01" })).rejects.toThrow(/not before the end of observation 2026-02-05/);
    await expect(runOnRows(clv, { transactions: onlyOnce }, { calibration_end: "2026-13-01x" })).rejects.toThrow(/calibration_end/);
    const empty = await runEmpty();
    expect(empty.scalars.customers).toBe(0);
    expect(empty.scalars.r).toBeNull();
    expect(empty.tables.customers).toEqual([]);
    expect(empty.notes!.length).toBeGreaterThan(0);
  });

  it("has a tracking chart with a holdout and a P(alive) chart without", async () => {
    const ctx = { period: { grain: "month", start: "2026-10-01", end: "2026-11-01", label: "2026-10" }, locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, fields: {} } as const;
    const withTracking = { scalars: {}, tables: { tracking: [{ week: 1 }], customers: [] } };
    expect(clv.chart!(withTracking, chartPlan({} as never, ctx))!.marks[0]!.data).toBe("tracking");
    const noTracking = { scalars: {}, tables: { tracking: [], customers: [{ clv: 1, p_alive: 0.5 }] } };
    expect(clv.chart!(noTracking, chartPlan({} as never, ctx))!.marks[0]!.options!.y).toBe("clv");
  });
});
