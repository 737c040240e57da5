import { describe, expect, it } from "vitest";
import { createEngine } from "../../../src/data/engine.js";
import type { Row } from "../../../src/analysis/types.js";
import { repeatsByWeekSql, summaryMetaSql, summarySql, type SummarySqlOptions } from "../../../src/analysis/stats/rfm-summary.js";
import { masterSummary, matchSample, readSample, readSummaryCsv } from "./cdnow-fixture.js";

// A tiny log. A buys twice on 2026-01-01 (10 + 5), on Sun 01-04 (4), 01-08 (20), twice on 01-22
// (30 + 6), then in the holdout twice on 02-03 (7 + 8) and on 02-10 (9). B buys twice on 01-15
// only (a one-time buyer: one purchase day). C first buys on 02-05, after the calibration end.
const log: Row[] = [
  { customer_id: "A", date: "2026-01-01", amount: 10 },
  { customer_id: "A", date: "2026-01-01", amount: 5 },
  { customer_id: "A", date: "2026-01-04", amount: 4 },
  { customer_id: "A", date: "2026-01-08", amount: 20 },
  { customer_id: "A", date: "2026-01-22", amount: 30 },
  { customer_id: "A", date: "2026-01-22", amount: 6 },
  { customer_id: "A", date: "2026-02-03", amount: 7 },
  { customer_id: "A", date: "2026-02-03", amount: 8 },
  { customer_id: "A", date: "2026-02-10", amount: 9 },
  { customer_id: "B", date: "2026-01-15", amount: 25 },
  { customer_id: "B", date: "2026-01-15", amount: 25 },
  { customer_id: "C", date: "2026-02-05", amount: 12 },
  { customer_id: "C", date: null, amount: 99 }, // no date: ignored
];

async function run(o: Partial<SummarySqlOptions>, which: "summary" | "meta" | "weeks" = "summary", rows: Row[] = log): Promise<Row[]> {
  const engine = await createEngine();
  try {
    await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE" }, rows);
    const opts: SummarySqlOptions = { unit: "week", floor: "day", calibrationEnd: "2026-01-28", lastDay: "2026-10-31", amount: true, ...o };
    const sql = which === "summary" ? summarySql(opts) : which === "meta" ? summaryMetaSql(opts) : repeatsByWeekSql(opts);
    return await engine.query(sql);
  } finally {
    engine.close();
  }
}
const pick = (rows: Row[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
const stats = ["customer_id", "frequency", "recency", "T", "monetary", "holdout_frequency"];
const dayIndex = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe("transaction log → repeat-purchase summary (lifetimes definitions)", () => {
  it("floors to days: same-day purchases count once with spend summed; weeks = days ÷ 7", async () => {
    // A: purchase days 01-01 (15), 01-04 (4), 01-08 (20), 01-22 (36) up to the calibration end 01-28:
    //   frequency 4 − 1 = 3; recency 21 days = 3 weeks; T = 27 days = 27/7; monetary (4+20+36)/3 = 20
    //   (the first day's 15 excluded); holdout days 02-03 and 02-10 → 2.
    // B: one purchase day → frequency 0, recency 0, monetary 0; T = 13 days. C: not in the sample.
    const rows = await run({});
    expect(pick(rows, stats)).toEqual([
      { customer_id: "A", frequency: 3, recency: 3, T: 27 / 7, monetary: 20, holdout_frequency: 2 },
      { customer_id: "B", frequency: 0, recency: 0, T: 13 / 7, monetary: 0, holdout_frequency: 0 },
    ]);
    expect(rows[0]!.first_date).toBe("2026-01-01");
    expect(rows[0]!.first_p).toBe(dayIndex("2026-01-01"));
    const [meta] = await run({}, "meta");
    expect(meta).toMatchObject({ start_date: "2026-01-01", cal_end: "2026-01-28", obs_end: "2026-02-10", holdout_length: 13 / 7, customers: 2 });
  });

  it("unit = day and month (days ÷ 365.25/12)", async () => {
    expect(pick(await run({ unit: "day" }), stats)[0]).toEqual({ customer_id: "A", frequency: 3, recency: 21, T: 27, monetary: 20, holdout_frequency: 2 });
    const m = pick(await run({ unit: "month" }), ["recency", "T"])[0]!;
    expect(m.recency).toBeCloseTo(21 / 30.4375, 12);
    expect(m.T).toBeCloseTo(27 / 30.4375, 12);
  });

  it("floor = unit: ISO weeks (Monday start) and calendar months", async () => {
    // Thu 01-01 and Sun 01-04 fall in the week of Mon 2025-12-29 → one period (15 + 4 = 19);
    // 01-08 → week of 01-05; 01-22 → week of 01-19; the calibration end (Wed 01-28) → week of 01-26.
    // A: frequency 2, recency 3 weeks, T 4 weeks, monetary (20 + 36)/2 = 28. B (Thu 01-15, week of
    // 01-12): T = 2. Holdout weeks of 02-02 and 02-09 → 2; holdout length 2 weeks.
    expect(pick(await run({ floor: "unit" }), stats)).toEqual([
      { customer_id: "A", frequency: 2, recency: 3, T: 4, monetary: 28, holdout_frequency: 2 },
      { customer_id: "B", frequency: 0, recency: 0, T: 2, monetary: 0, holdout_frequency: 0 },
    ]);
    expect((await run({ floor: "unit" }, "meta"))[0]!.holdout_length).toBe(2);
    // Months: all of A's calibration purchases are in January → one period; February is the holdout.
    expect(pick(await run({ floor: "unit", unit: "month" }), stats)).toEqual([
      { customer_id: "A", frequency: 0, recency: 0, T: 0, monetary: 0, holdout_frequency: 1 },
      { customer_id: "B", frequency: 0, recency: 0, T: 0, monetary: 0, holdout_frequency: 0 },
    ]);
  });

  it("without a calibration end the observation ends at the last transaction, capped at the last day", async () => {
    // Up to 02-10: A's days 01-01, 01-04, 01-08, 01-22, 02-03, 02-10 → frequency 5, recency = T = 40 days,
    // monetary (4+20+36+15+9)/5 = 16.8; B: T = 26 days; C: one day 02-05, T = 5 days.
    expect(pick(await run({ calibrationEnd: null }), stats)).toEqual([
      { customer_id: "A", frequency: 5, recency: 40 / 7, T: 40 / 7, monetary: 16.8, holdout_frequency: 0 },
      { customer_id: "B", frequency: 0, recency: 0, T: 26 / 7, monetary: 0, holdout_frequency: 0 },
      { customer_id: "C", frequency: 0, recency: 0, T: 5 / 7, monetary: 0, holdout_frequency: 0 },
    ]);
    // Capped at 02-05 (the report period's last day): 02-10 is ignored.
    expect(pick(await run({ calibrationEnd: null, lastDay: "2026-02-05" }), stats)).toEqual([
      { customer_id: "A", frequency: 4, recency: 33 / 7, T: 35 / 7, monetary: 18.75, holdout_frequency: 0 },
      { customer_id: "B", frequency: 0, recency: 0, T: 21 / 7, monetary: 0, holdout_frequency: 0 },
      { customer_id: "C", frequency: 0, recency: 0, T: 0, monetary: 0, holdout_frequency: 0 },
    ]);
  });

  it("a fixed observation end replaces the last transaction date", async () => {
    // Observation to 02-14: T of A = 44 days (no calibration end), holdout length 17 days with one.
    expect(pick(await run({ calibrationEnd: null, observationEnd: "2026-02-14" }), ["customer_id", "T"])[0]).toEqual({ customer_id: "A", T: 44 / 7 });
    expect((await run({ observationEnd: "2026-02-14" }, "meta"))[0]).toMatchObject({ obs_end: "2026-02-14", holdout_length: 17 / 7 });
    // Before the last transaction: later transactions are ignored (A's 02-10 purchase).
    expect(pick(await run({ observationEnd: "2026-02-05" }), stats)[0]).toEqual({ customer_id: "A", frequency: 3, recency: 3, T: 27 / 7, monetary: 20, holdout_frequency: 1 });
  });

  it("monetary is NULL without amounts; no transactions give no rows", async () => {
    const rows = await run({ amount: false });
    expect(rows.map((r) => r.monetary)).toEqual([null, null]);
    expect(await run({}, "summary", [])).toEqual([]);
    expect(await run({}, "weeks", [])).toEqual([]);
  });

  it("counts the sample's repeat purchases by week over calibration and holdout", async () => {
    // d0 = 01-01; 41 days to 02-10 → 6 weeks. Repeats: 01-04 (wk 1), 01-08 (wk 2), 01-22 (wk 4),
    // 02-03 (wk 5), 02-10 (wk 6). B's and C's first purchases are not repeats (C is not in the sample).
    const rows = await run({}, "weeks");
    expect(pick(rows, ["week", "week_end", "repeats"])).toEqual([
      { week: 1, week_end: "2026-01-07", repeats: 1 },
      { week: 2, week_end: "2026-01-14", repeats: 1 },
      { week: 3, week_end: "2026-01-21", repeats: 0 },
      { week: 4, week_end: "2026-01-28", repeats: 1 },
      { week: 5, week_end: "2026-02-04", repeats: 1 },
      { week: 6, week_end: "2026-02-10", repeats: 1 },
    ]);
    expect(rows[5]!.p_end).toBe(dayIndex("2026-02-10"));
  });

  it("reproduces the published CDNOW sample from the raw log (all 2,357 customers)", async () => {
    // Calibration = 39 weeks: 1997-01-01 … 1997-09-30 inclusive (T of a 01-01 customer = 272 days
    // = 38.86 weeks); unit week with purchases floored to days (recency 30.43 = 213 days ÷ 7).
    const summary = await masterSummary();
    expect(summary).toHaveLength(23_570);
    // Master customer 00004 = sample ID 1: days 01-01, 01-18, 08-02 → x 2, t_x 213/7, zbar (29.73+14.96)/2.
    const c4 = summary.find((r) => r.customer_id === "00004")!;
    expect(c4).toMatchObject({ frequency: 2, recency: 213 / 7, T: 272 / 7 });
    expect(c4.monetary).toBeCloseTo(22.345, 10);
    // The sample's ids are not master ids: match each of its rows (x, t_x, T, zbar) to a distinct
    // master customer with the same statistics.
    const sample = readSample();
    const { matched, unmatched } = matchSample(summary, sample);
    expect(unmatched).toEqual([]);
    expect(matched).toHaveLength(2357);
    // cdnow_customers_summary.csv carries the same (frequency, recency, T) as the file with zbar.
    const plain = readSummaryCsv();
    expect(plain.every((r, i) => r.x === sample[i]!.x && r.tx === sample[i]!.tx && r.T === sample[i]!.T)).toBe(true);
  });
});
