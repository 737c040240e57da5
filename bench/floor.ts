// The benchmark's floor: the data reductions the flagship report needs, written by hand as
// plain DuckDB SQL over `read_csv_auto` tables — no checking, typing, renaming or analysis
// layer. A fresh in-process engine with the same settings as churnbook's (src/data/engine.ts).
//
//   summary  the period's churn counts (customers at start, new, reactivated, churned, at end)
//            and MRR at start / end, on gaps-and-islands activity spells (as sql/spells.ts)
//   trend    the same for the 12 months ending with the period, in one query
//   cohorts  the monthly acquisition cohort × age (0…12) customer and active counts
//   reasons  churn events by reason in the period
//
// Each query is self-contained (it rebuilds the spells it needs, as churnbook's analyses do).
// Loading is timed once; every query is run `repeats` times and its best time kept.
// Standalone: `TZ=UTC npx tsx bench/floor.ts bench/tmp/company-10000 [2026-10]`.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createEngine, quoteLiteral } from "../src/data/engine.js";
import type { Row } from "../src/analysis/types.js";

/** The datasets the flagship report loads (usage.csv is not one of them). */
export const floorTables = ["customers", "subscriptions", "transactions", "tickets", "churn_events"] as const;
export const floorQueryNames = ["summary", "trend", "cohorts", "reasons"] as const;
export type FloorQueryName = (typeof floorQueryNames)[number];

export interface FloorResult {
  /** Wall time of loading every table, ms. */
  loadMs: number;
  loadByTable: Record<string, { ms: number; rows: number }>;
  /** Σ of the per-query best times, ms. */
  queriesMs: number;
  queries: Record<FloorQueryName, { bestMs: number; runsMs: number[] }>;
  results: Record<FloorQueryName, Row[]>;
}

/** yyyy-mm-01 of the month `k` months after the month of `iso`. */
export function addMonths(iso: string, k: number): string {
  const m0 = Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1 + k;
  return `${String(Math.floor(m0 / 12)).padStart(4, "0")}-${String((m0 % 12) + 1).padStart(2, "0")}-01`;
}

const d = (iso: string) => `DATE ${quoteLiteral(iso)}`;
const openEnd = "DATE '9999-12-31'";

/** Gaps-and-islands: a customer's overlapping or back-to-back subscriptions form one spell.
 * end_or_open (the end, or 9999-12-31 while active) keeps range joins free of ORs, so DuckDB
 * can hash-join on customer_id instead of a nested loop. */
const spellCtes = `
  i AS (SELECT customer_id, start_date AS s, COALESCE(end_date, ${openEnd}) AS e FROM subscriptions
        WHERE customer_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date)),
  o AS (SELECT *, MAX(e) OVER (PARTITION BY customer_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end FROM i),
  g AS (SELECT *, SUM(CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END) OVER (PARTITION BY customer_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS spell_no FROM o),
  sp AS (SELECT customer_id, spell_no, MIN(s) AS start_date, NULLIF(MAX(e), ${openEnd}) AS end_date, MAX(e) AS end_or_open
         FROM g GROUP BY customer_id, spell_no)`;

/** Counts and MRR per month for the months [from, to). A customer's spells are disjoint, so at
 * most one is active at a boundary b (start < b ≤ end) and COUNT(*) counts customers. */
function periodCountsSql(from: string, to: string): string {
  return `WITH ${spellCtes},
  p AS (SELECT s, CAST(s + INTERVAL 1 MONTH AS DATE) AS e FROM (SELECT CAST(range AS DATE) AS s FROM range(${d(from)}, ${d(to)}, INTERVAL 1 MONTH))),
  c AS (
    SELECT p.s,
      COUNT(*) FILTER (WHERE sp.start_date < p.s AND (sp.end_date IS NULL OR sp.end_date >= p.s)) AS customers_start,
      COUNT(*) FILTER (WHERE sp.start_date >= p.s AND sp.spell_no = 1) AS new_customers,
      COUNT(*) FILTER (WHERE sp.start_date >= p.s AND sp.spell_no > 1) AS reactivated_customers,
      COUNT(*) FILTER (WHERE sp.end_date < p.e) AS churned_customers,
      COUNT(*) FILTER (WHERE sp.end_date IS NULL OR sp.end_date >= p.e) AS customers_end
    FROM p JOIN sp ON sp.start_date < p.e AND (sp.end_date IS NULL OR sp.end_date >= p.s)
    GROUP BY p.s),
  m AS (
    SELECT p.s,
      SUM(x.mrr) FILTER (WHERE x.start_date < p.s AND COALESCE(x.end_date, ${openEnd}) >= p.s) AS mrr_start,
      SUM(x.mrr) FILTER (WHERE COALESCE(x.end_date, ${openEnd}) >= p.e) AS mrr_end
    FROM p JOIN subscriptions x ON x.start_date < p.e AND COALESCE(x.end_date, ${openEnd}) >= p.s AND (x.end_date IS NULL OR x.end_date > x.start_date)
    GROUP BY p.s)
  SELECT strftime(p.s, '%Y-%m') AS period, c.customers_start, c.new_customers, c.reactivated_customers, c.churned_customers, c.customers_end,
    CAST(m.mrr_start AS DOUBLE) AS mrr_start, CAST(m.mrr_end AS DOUBLE) AS mrr_end
  FROM p LEFT JOIN c USING (s) LEFT JOIN m USING (s) ORDER BY p.s`;
}

/** The hand-written SQL of each reduction, for the month `period` (yyyy-mm). */
export function floorQueries(period: string): Record<FloorQueryName, string> {
  const start = `${period}-01`, end = addMonths(start, 1);
  const first = addMonths(start, -11); // 12 months (and 12 cohorts) ending with the period
  return {
    summary: periodCountsSql(start, end),
    trend: periodCountsSql(first, end),
    // Cohort: month of the first spell's start; age k: the day k months after acquisition
    // (month ends clamp); active when a spell covers it; a cell only once the whole cohort
    // has reached age k by the period's end.
    cohorts: `WITH ${spellCtes},
      coh AS (SELECT customer_id, start_date AS acquired, CAST(date_trunc('month', start_date) AS DATE) AS cohort
              FROM sp WHERE spell_no = 1 AND start_date >= ${d(first)} AND start_date < ${d(end)}),
      ca AS (SELECT coh.*, a.age, CAST(coh.acquired + to_months(a.age) AS DATE) AS day
             FROM coh CROSS JOIN (SELECT CAST(range AS INTEGER) AS age FROM range(0, 13)) a
             WHERE CAST(coh.cohort + to_months(a.age + 1) AS DATE) <= ${d(end)})
      SELECT strftime(ca.cohort, '%Y-%m') AS cohort, ca.age, COUNT(*) AS customers, COUNT(sp.customer_id) AS active
      FROM ca LEFT JOIN sp ON sp.customer_id = ca.customer_id AND sp.start_date <= ca.day AND sp.end_or_open > ca.day
      GROUP BY ca.cohort, ca.age ORDER BY ca.cohort, ca.age`,
    reasons: `SELECT reason, COUNT(*) AS events FROM churn_events
      WHERE date >= ${d(start)} AND date < ${d(end)} GROUP BY reason ORDER BY events DESC, reason`,
  };
}

export async function runFloor(dir: string, period: string, repeats = 3): Promise<FloorResult> {
  const engine = await createEngine();
  try {
    const loadByTable: FloorResult["loadByTable"] = {};
    for (const t of floorTables) {
      const t1 = performance.now();
      await engine.query(`CREATE TABLE ${t} AS SELECT * FROM read_csv_auto(${quoteLiteral(join(dir, `${t}.csv`))})`);
      const ms = performance.now() - t1;
      const [c] = await engine.query(`SELECT COUNT(*) AS n FROM ${t}`);
      loadByTable[t] = { ms, rows: Number(c!.n) };
    }
    // Σ of the CREATE TABLEs; the row COUNT(*)s are bookkeeping, not loading.
    const loadMs = Object.values(loadByTable).reduce((s, x) => s + x.ms, 0);

    const sql = floorQueries(period);
    const queries = {} as FloorResult["queries"];
    const results = {} as FloorResult["results"];
    for (const name of floorQueryNames) {
      const runsMs: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const t1 = performance.now();
        results[name] = await engine.query(sql[name]);
        runsMs.push(performance.now() - t1);
      }
      queries[name] = { bestMs: Math.min(...runsMs), runsMs };
    }
    const queriesMs = floorQueryNames.reduce((s, n) => s + queries[n].bestMs, 0);
    return { loadMs, loadByTable, queriesMs, queries, results };
  } finally {
    engine.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = resolve(process.argv[2] ?? "bench/tmp/company-10000");
  const period = process.argv[3] ?? "2026-10";
  if (!existsSync(join(dir, "subscriptions.csv"))) {
    console.error(`no sample company in ${dir} (run npm run bench, or npx churnbook sample-data --out ${dir})`);
    process.exit(1);
  }
  const f = await runFloor(dir, period);
  const s = (ms: number) => (ms / 1000).toFixed(3);
  console.log(`floor on ${dir}, period ${period}`);
  for (const [t, x] of Object.entries(f.loadByTable)) console.log(`  load ${t.padEnd(14)} ${String(x.rows).padStart(9)} rows  ${s(x.ms)} s`);
  console.log(`  load total ${s(f.loadMs)} s`);
  for (const n of floorQueryNames) console.log(`  ${n.padEnd(8)} best ${s(f.queries[n].bestMs)} s  (runs ${f.queries[n].runsMs.map(s).join(", ")})`);
  console.log(`  queries total ${s(f.queriesMs)} s`);
  console.log(JSON.stringify(f.results.summary), JSON.stringify(f.results.reasons));
}
