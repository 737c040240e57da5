// The benchmark's floor: every data reduction the flagship report (reports/monthly-churn.yaml)
// needs, written by hand as plain DuckDB SQL over tables read with read_csv_auto or
// read_parquet — no checking, typing, renaming or analysis layer — and brought into
// JavaScript column by column. A fresh DuckDB with churnbook's settings (2 threads).
//
// The reductions, for the report's month P (yyyy-mm) and its end E:
//   spells    gaps-and-islands activity spells of every customer, and which are paid
//             (a subscription with MRR > 0 starts in them) — shared by all that follows
//   periods   per customer and month, the 24 months ending with P (the trend and its previous
//             year; the summary's P, P-1 and P-12; the leaky bucket's 12; churn-drivers' 13;
//             churned-value's 6 are among them): active at start / end, new, reactivated,
//             churned, MRR at start / end and its movement; then per month the counts, MRR
//             and MRR bridge; the churn by plan (churn-drivers' history); the customers of P
//             with an MRR movement (the MRR cell's table)
//   lost      churned-value: the customers at the start of each of the 6 months ending with P
//             in value tiers (top / bottom 20% by MRR), the churned ones and the MRR they
//             took; P's churned customers with name, tenure, churn date and reason
//   cohorts   the 12 monthly acquisition cohorts × age 0…12: customers, active, first spell
//             not yet ended (early churn reads its 1, 3, 6), MRR at age k and at acquisition
//   reasons   churn events of the 6 months by reason / type / subtype with the MRR they took
//   survival  first spells by plan: months to churn or censoring (Kaplan–Meier's input)
//   cox       the same spells by plan × channel × region × company size, days to the event:
//             the Cox model's input, grouped (identical rows are one row with a count)
//   risk      the churn model's features: customers active at 6 monthly cutoffs (E-8 … E-3
//             months; 90-day churn label), a 60,000-row hashed sample, and the customers
//             active at E to score — subscriptions, transactions and tickets aggregated
//
// Intermediate tables (spells, per-customer months) are materialised once, as a person
// writing this by hand would; their time counts in the reductions. Each reduction's result
// is read into JavaScript (getColumnsJS), as the report needs it there.
// Standalone: `TZ=UTC npx tsx bench/floor.ts bench/tmp/company-10000 [2026-10] [csv|parquet]`.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";

/** The datasets the flagship report loads (usage is not one of them). */
export const floorTables = ["customers", "subscriptions", "transactions", "tickets", "churn_events"] as const;
export const reductionNames = ["spells", "periods", "lost", "cohorts", "reasons", "survival", "cox", "risk"] as const;
export type ReductionName = (typeof reductionNames)[number];
export type Format = "csv" | "parquet";

/** A result as columns (name → values), as read from DuckDB. */
export type Columns = Record<string, unknown[]>;

export interface FloorResult {
  /** Σ of reading each table into DuckDB, ms. */
  readMs: number;
  readByTable: Record<string, { ms: number; rows: number }>;
  /** Σ of the reductions (SQL + reading the results into JavaScript), ms. */
  reductionsMs: number;
  reductions: Record<ReductionName, number>;
  results: Record<string, Columns>;
}

/** yyyy-mm-01 of the month `k` months after the month of `iso`. */
export function addMonths(iso: string, k: number): string {
  const m0 = Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1 + k;
  return `${String(Math.floor(m0 / 12)).padStart(4, "0")}-${String((m0 % 12) + 1).padStart(2, "0")}-01`;
}

const d = (iso: string) => `DATE '${iso}'`;
const open = "DATE '9999-12-31'";
/** The subscriptions the analyses count: a customer, a start, and not ending before it starts. */
const validSubs = `(SELECT customer_id, start_date, end_date, COALESCE(end_date, ${open}) AS end_or_open, COALESCE(mrr, 0) AS mrr, plan
  FROM subscriptions WHERE customer_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date))`;

/** Features of the customers in `pop` (customer_id, cutoff, spell_start, spell_end, spell_no); subscriptions, transactions and tickets as known before E. */
function featuresSql(pop: string, end: string, label: boolean): string {
  return `WITH pop AS (${pop}),
  sb AS (SELECT customer_id, start_date, CASE WHEN end_date >= ${d(end)} THEN NULL ELSE end_date END AS end_date, mrr, plan FROM subscriptions WHERE start_date < ${d(end)}),
  sub AS (SELECT pop.customer_id, pop.cutoff,
      SUM(sb.mrr) FILTER (WHERE sb.end_date IS NULL OR sb.end_date >= pop.cutoff) AS mrr_now,
      SUM(sb.mrr) FILTER (WHERE sb.start_date < pop.cutoff - 90 AND (sb.end_date IS NULL OR sb.end_date >= pop.cutoff - 90)) AS mrr_90,
      SUM(sb.mrr) FILTER (WHERE sb.start_date < pop.cutoff - 180 AND (sb.end_date IS NULL OR sb.end_date >= pop.cutoff - 180)) AS mrr_180,
      COUNT(*) FILTER (WHERE sb.end_date IS NULL OR sb.end_date >= pop.cutoff) AS active_subscriptions,
      ARG_MAX(sb.plan, sb.start_date) FILTER (WHERE (sb.end_date IS NULL OR sb.end_date >= pop.cutoff) AND sb.plan IS NOT NULL) AS current_plan
    FROM pop JOIN sb ON sb.customer_id = pop.customer_id AND sb.start_date < pop.cutoff GROUP BY ALL),
  trx AS (SELECT pop.customer_id, pop.cutoff, MAX(tx.date) AS last_date, COUNT(*) AS frequency,
      AVG(CASE WHEN tx.amount < 0 OR tx.quantity < 0 THEN -ABS(tx.amount) ELSE tx.amount END) AS monetary,
      SUM(CASE WHEN tx.amount < 0 OR tx.quantity < 0 THEN -ABS(tx.amount) ELSE tx.amount END) FILTER (WHERE tx.date >= pop.cutoff - 30) AS revenue_30d,
      SUM(CASE WHEN tx.amount < 0 OR tx.quantity < 0 THEN -ABS(tx.amount) ELSE tx.amount END) FILTER (WHERE tx.date >= pop.cutoff - 90) AS revenue_90d,
      SUM(CASE WHEN tx.amount < 0 OR tx.quantity < 0 THEN -ABS(tx.amount) ELSE tx.amount END) FILTER (WHERE tx.date >= pop.cutoff - 180) AS revenue_180d,
      SUM((CASE WHEN tx.amount < 0 OR tx.quantity < 0 THEN -ABS(tx.amount) ELSE tx.amount END) - COALESCE(tx.cost, 0)) FILTER (WHERE tx.date >= pop.cutoff - 365) AS margin_365d
    FROM pop JOIN transactions tx ON tx.customer_id = pop.customer_id AND tx.date < pop.cutoff GROUP BY ALL),
  tck AS (SELECT pop.customer_id, pop.cutoff,
      COUNT(*) FILTER (WHERE tk.date >= pop.cutoff - 30) AS tickets_30d, COUNT(*) FILTER (WHERE tk.date >= pop.cutoff - 90) AS tickets_90d,
      COUNT(*) FILTER (WHERE tk.date >= pop.cutoff - 180) AS tickets_180d, COUNT(*) AS tickets_total,
      COUNT(*) FILTER (WHERE tk.resolved_date IS NULL OR tk.resolved_date >= pop.cutoff) AS open_tickets,
      AVG(tk.resolved_date - tk.date) FILTER (WHERE tk.resolved_date < pop.cutoff) AS avg_resolve_days,
      ARG_MAX(tk.satisfaction, tk.date) FILTER (WHERE tk.satisfaction IS NOT NULL) AS last_satisfaction, AVG(tk.satisfaction) AS avg_satisfaction
    FROM pop JOIN tickets tk ON tk.customer_id = pop.customer_id AND tk.date < pop.cutoff GROUP BY ALL)
  SELECT pop.customer_id, pop.cutoff,
    ${label ? "CASE WHEN pop.spell_end IS NOT NULL AND pop.spell_end < pop.cutoff + 90 THEN 1 ELSE 0 END AS label," : ""}
    CAST(pop.cutoff - pop.spell_start AS DOUBLE) AS tenure_days, CAST(pop.spell_no - 1 AS DOUBLE) AS prior_spells,
    COALESCE(sub.mrr_now, 0) AS mrr_now, COALESCE(sub.mrr_now, 0) - COALESCE(sub.mrr_90, 0) AS mrr_change_90d,
    COALESCE(sub.mrr_now, 0) - COALESCE(sub.mrr_180, 0) AS mrr_change_180d, CAST(COALESCE(sub.active_subscriptions, 0) AS DOUBLE) AS active_subscriptions,
    COALESCE(sub.current_plan, '(none)') AS current_plan,
    CAST(COALESCE(pop.cutoff - trx.last_date, pop.cutoff - pop.spell_start) AS DOUBLE) AS recency_days,
    CAST(COALESCE(trx.frequency, 0) AS DOUBLE) AS frequency, CAST(COALESCE(trx.monetary, 0) AS DOUBLE) AS monetary,
    COALESCE(trx.revenue_30d, 0) AS revenue_30d, COALESCE(trx.revenue_90d, 0) AS revenue_90d,
    COALESCE(trx.revenue_90d, 0) - (COALESCE(trx.revenue_180d, 0) - COALESCE(trx.revenue_90d, 0)) AS revenue_trend_90d, COALESCE(trx.margin_365d, 0) AS value_12m,
    CAST(COALESCE(tck.tickets_30d, 0) AS DOUBLE) AS tickets_30d, CAST(COALESCE(tck.tickets_90d, 0) AS DOUBLE) AS tickets_90d,
    CAST(COALESCE(tck.tickets_180d, 0) AS DOUBLE) AS tickets_180d, CAST(COALESCE(tck.tickets_total, 0) AS DOUBLE) AS tickets_total,
    CAST(COALESCE(tck.open_tickets, 0) AS DOUBLE) AS open_tickets, CAST(COALESCE(tck.avg_resolve_days, 0) AS DOUBLE) AS avg_resolve_days,
    CAST(tck.last_satisfaction AS DOUBLE) AS last_satisfaction, CAST(tck.avg_satisfaction AS DOUBLE) AS avg_satisfaction,
    CASE WHEN tck.avg_satisfaction IS NULL THEN 0.0 ELSE 1.0 END AS has_rating,
    CAST(GREATEST(pop.cutoff - c.signup_date, 0) AS DOUBLE) AS account_age_days, c.channel, c.company_size, c.industry, c.name, c.plan, c.region
  FROM pop LEFT JOIN sub USING (customer_id, cutoff) LEFT JOIN trx USING (customer_id, cutoff) LEFT JOIN tck USING (customer_id, cutoff)
    LEFT JOIN customers c ON c.customer_id = pop.customer_id
  ORDER BY pop.cutoff, pop.customer_id`;
}

/** The SQL of each reduction for the month `period` (yyyy-mm): statements run in order; the last one's result is read. */
export function floorSql(period: string): Record<ReductionName, string[]> {
  const ps = `${period}-01`, pe = addMonths(ps, 1);
  const first24 = addMonths(ps, -23), first13 = addMonths(ps, -12), first6 = addMonths(ps, -5), first12 = addMonths(ps, -11);
  const months = (from: string) => `(SELECT CAST(range AS DATE) AS s, CAST(range + INTERVAL 1 MONTH AS DATE) AS e FROM range(${d(from)}, ${d(pe)}, INTERVAL 1 MONTH))`;
  return {
    spells: [
      `CREATE TEMP TABLE spells AS
       WITH i AS (SELECT customer_id, start_date AS s, end_or_open AS e, mrr FROM ${validSubs}),
       o AS (SELECT *, MAX(e) OVER (PARTITION BY customer_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end FROM i),
       g AS (SELECT *, SUM(CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END) OVER (PARTITION BY customer_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS spell_no FROM o),
       sp AS (SELECT customer_id, CAST(spell_no AS INTEGER) AS spell_no, MIN(s) AS start_date, NULLIF(MAX(e), ${open}) AS end_date, MAX(e) AS end_or_open, BOOL_OR(mrr > 0) AS paid
              FROM g GROUP BY customer_id, spell_no)
       SELECT *, CASE WHEN paid THEN CAST(ROW_NUMBER() OVER (PARTITION BY customer_id, paid ORDER BY start_date) AS INTEGER) END AS paid_no FROM sp`,
      `SELECT COUNT(*) AS spells, COUNT(*) FILTER (WHERE paid) AS paid FROM spells`,
    ],
    periods: [
      // One row per customer and month (24 months): paid-spell activity and MRR at both ends.
      `CREATE TEMP TABLE cm AS
       WITH p AS ${months(first24)},
       pc AS (SELECT p.s, sp.customer_id,
           BOOL_OR(sp.start_date < p.s) AS a_s, BOOL_OR(sp.end_or_open >= p.e) AS a_e,
           COUNT(*) FILTER (WHERE sp.start_date >= p.s AND sp.paid_no = 1) AS n_new,
           COUNT(*) FILTER (WHERE sp.start_date >= p.s AND sp.paid_no > 1) AS n_react,
           COUNT(*) FILTER (WHERE sp.end_or_open < p.e) AS n_churn,
           BOOL_OR(sp.start_date < p.s AND sp.end_or_open < p.e) AS churned_from_start,
           MAX(sp.end_date) FILTER (WHERE sp.start_date < p.s AND sp.end_or_open < p.e) AS churn_date,
           MIN(sp.paid_no) > 1 OR BOOL_OR(sp.start_date < p.s) AS had_before
         FROM p JOIN spells sp ON sp.paid AND sp.start_date < p.e AND sp.end_or_open >= p.s GROUP BY ALL),
       v AS (SELECT p.s, x.customer_id,
           SUM(x.mrr) FILTER (WHERE x.start_date < p.s) AS v_start, SUM(x.mrr) FILTER (WHERE x.end_or_open >= p.e) AS v_end,
           MAX({'d': x.start_date, 'plan': x.plan}) FILTER (WHERE x.start_date < p.s).plan AS seg
         FROM p JOIN ${validSubs} x ON x.start_date < p.e AND x.end_or_open >= p.s GROUP BY ALL)
       SELECT s, customer_id, COALESCE(a_s, FALSE) AS a_s, COALESCE(a_e, FALSE) AS a_e, COALESCE(n_new, 0) AS n_new, COALESCE(n_react, 0) AS n_react,
         COALESCE(n_churn, 0) AS n_churn, COALESCE(churned_from_start, FALSE) AS churned_from_start, churn_date, COALESCE(had_before, FALSE) AS had_before,
         COALESCE(v_start, 0) AS v_start, COALESCE(v_end, 0) AS v_end, seg,
         CASE WHEN a_s AND NOT a_e THEN CASE WHEN COALESCE(v_start, 0) <> 0 THEN 'churn' END
              WHEN a_s AND a_e THEN CASE WHEN v_end > v_start THEN 'expansion' WHEN v_end < v_start THEN 'contraction' END
              WHEN COALESCE(v_end, 0) <> 0 THEN CASE WHEN had_before THEN 'reactivation' ELSE 'new' END END AS movement
       FROM pc FULL JOIN v USING (s, customer_id)`,
      `CREATE TEMP TABLE period_counts AS SELECT strftime(s, '%Y-%m') AS period,
         COUNT(*) FILTER (WHERE a_s) AS customers_start, SUM(n_new) AS new_customers, SUM(n_react) AS reactivated_customers,
         SUM(n_churn) AS churned_customers, COUNT(*) FILTER (WHERE a_e) AS customers_end,
         CAST(SUM(v_start) AS DOUBLE) AS mrr_start, CAST(SUM(v_end) AS DOUBLE) AS mrr_end,
         CAST(COALESCE(SUM(v_end - v_start) FILTER (WHERE movement = 'new'), 0) AS DOUBLE) AS new_mrr,
         CAST(COALESCE(SUM(v_end - v_start) FILTER (WHERE movement = 'expansion'), 0) AS DOUBLE) AS expansion_mrr,
         CAST(COALESCE(SUM(v_end - v_start) FILTER (WHERE movement = 'reactivation'), 0) AS DOUBLE) AS reactivation_mrr,
         CAST(COALESCE(-SUM(v_end - v_start) FILTER (WHERE movement = 'contraction'), 0) AS DOUBLE) AS contraction_mrr,
         CAST(COALESCE(-SUM(v_end - v_start) FILTER (WHERE movement = 'churn'), 0) AS DOUBLE) AS churned_mrr
       FROM cm GROUP BY s ORDER BY s`,
      `CREATE TEMP TABLE churn_by_plan AS SELECT strftime(s, '%Y-%m') AS period, seg AS segment, COUNT(*) AS customers_start, COUNT(*) FILTER (WHERE NOT a_e) AS churned
       FROM cm WHERE a_s AND s >= ${d(first13)} GROUP BY ALL ORDER BY ALL`,
      `CREATE TEMP TABLE movements AS SELECT customer_id, movement, CAST(v_start AS DOUBLE) AS mrr_start, CAST(v_end AS DOUBLE) AS mrr_end
       FROM cm WHERE s = ${d(ps)} AND movement IS NOT NULL ORDER BY abs(v_end - v_start) DESC, customer_id`,
      `SELECT * FROM period_counts`,
    ],
    lost: [
      `CREATE TEMP TABLE lost_tiers AS
       WITH b AS (SELECT s, customer_id, CAST(v_start AS DOUBLE) AS value, churned_from_start AS churned, churn_date FROM cm WHERE a_s AND s >= ${d(first6)}),
       r AS (SELECT *, COUNT(*) OVER (PARTITION BY s) AS n, ROW_NUMBER() OVER (PARTITION BY s ORDER BY value DESC, customer_id) AS rk_desc,
               ROW_NUMBER() OVER (PARTITION BY s ORDER BY value, customer_id DESC) AS rk_asc FROM b),
       thr AS (SELECT s, MAX(value) FILTER (WHERE rk_desc = GREATEST(1, CAST(CEIL(0.2 * n - 1e-9) AS BIGINT))) AS hi,
                 MAX(value) FILTER (WHERE rk_asc = GREATEST(1, CAST(CEIL(0.2 * n - 1e-9) AS BIGINT))) AS lo FROM r GROUP BY s),
       t AS (SELECT r.*, CASE WHEN value >= hi THEN 'high' WHEN value <= lo THEN 'low' ELSE 'middle' END AS tier FROM r JOIN thr USING (s)),
       l AS (SELECT t.s, t.customer_id, SUM(x.mrr) AS lost_mrr FROM t JOIN ${validSubs} x ON x.customer_id = t.customer_id AND x.start_date < t.churn_date AND x.end_or_open >= t.churn_date
             WHERE t.churned GROUP BY ALL)
       SELECT t.*, COALESCE(CAST(l.lost_mrr AS DOUBLE), 0) AS lost_mrr FROM t LEFT JOIN l USING (s, customer_id)`,
      `CREATE TEMP TABLE lost_customers AS
       SELECT t.customer_id, c.name, t.tier, t.value, t.churn_date, date_diff('month', f.start_date, t.churn_date) AS tenure_months,
         (SELECT arg_max(e.reason, e.date) FROM churn_events e WHERE e.customer_id = t.customer_id AND e.date <= t.churn_date) AS reason
       FROM lost_tiers t LEFT JOIN customers c USING (customer_id) LEFT JOIN spells f ON f.customer_id = t.customer_id AND f.spell_no = 1
       WHERE t.s = ${d(ps)} AND t.churned ORDER BY t.value DESC, t.customer_id`,
      `SELECT strftime(s, '%Y-%m') AS period, COUNT(*) AS base_customers, COUNT(*) FILTER (WHERE churned) AS churned_customers, SUM(lost_mrr) AS lost_mrr,
         COUNT(*) FILTER (WHERE churned AND tier = 'high') AS high_value_churned
       FROM lost_tiers GROUP BY s ORDER BY s`,
    ],
    cohorts: [
      `WITH coh AS (SELECT customer_id, start_date AS acquired, end_or_open AS first_end, CAST(date_trunc('month', start_date) AS DATE) AS cohort
                    FROM spells WHERE spell_no = 1 AND start_date >= ${d(first12)} AND start_date < ${d(pe)}),
       ca AS (SELECT coh.*, a.age, CAST(coh.acquired + to_months(a.age) AS DATE) AS day FROM coh CROSS JOIN (SELECT CAST(range AS INTEGER) AS age FROM range(0, 13)) a
              WHERE CAST(coh.cohort + to_months(a.age + 1) AS DATE) <= ${d(pe)}),
       act AS (SELECT ca.customer_id, ca.age, sp.customer_id IS NOT NULL AS active FROM ca LEFT JOIN spells sp ON sp.customer_id = ca.customer_id AND sp.start_date <= ca.day AND sp.end_or_open > ca.day),
       m AS (SELECT ca.customer_id, ca.age, SUM(x.mrr) FILTER (WHERE x.start_date <= ca.day AND x.end_or_open > ca.day) AS mrr_k,
               SUM(x.mrr) FILTER (WHERE x.start_date <= ca.acquired AND x.end_or_open > ca.acquired) AS mrr_0
             FROM ca JOIN ${validSubs} x ON x.customer_id = ca.customer_id AND x.start_date <= ca.day GROUP BY ALL)
       SELECT strftime(ca.cohort, '%Y-%m') AS cohort, ca.age, COUNT(*) AS customers, COUNT(*) FILTER (WHERE act.active) AS active,
         COUNT(*) FILTER (WHERE ca.first_end > ca.day) AS survivors, CAST(SUM(COALESCE(m.mrr_k, 0)) AS DOUBLE) AS mrr,
         CAST(SUM(COALESCE(m.mrr_0, 0)) AS DOUBLE) AS mrr_start, CAST(SUM(LEAST(COALESCE(m.mrr_k, 0), COALESCE(m.mrr_0, 0))) AS DOUBLE) AS mrr_capped
       FROM ca JOIN act USING (customer_id, age) LEFT JOIN m USING (customer_id, age) GROUP BY ca.cohort, ca.age ORDER BY ca.cohort, ca.age`,
    ],
    reasons: [
      `WITH e AS (SELECT row_number() OVER () AS id, customer_id, date, reason, type, subtype FROM churn_events WHERE date >= ${d(first6)} AND date < ${d(pe)}),
       m AS (SELECT e.id, SUM(x.mrr) AS mrr FROM e JOIN subscriptions x ON x.customer_id = e.customer_id AND x.start_date < e.date AND (x.end_date IS NULL OR (x.end_date >= e.date AND x.end_date > x.start_date)) GROUP BY e.id)
       SELECT strftime(e.date, '%Y-%m') AS period, reason, type, subtype, COUNT(*) AS events, CAST(SUM(COALESCE(m.mrr, 0)) AS DOUBLE) AS lost_mrr, COUNT(*) - COUNT(m.id) AS unmatched,
         COUNT(DISTINCT e.customer_id) AS customers
       FROM e LEFT JOIN m USING (id) GROUP BY ALL ORDER BY ALL`,
    ],
    survival: [
      `CREATE TEMP TABLE first_spells AS SELECT sp.customer_id, sp.start_date, sp.end_date IS NOT NULL AND sp.end_date < ${d(pe)} AS event,
         date_diff('day', sp.start_date, CASE WHEN sp.end_date IS NOT NULL AND sp.end_date < ${d(pe)} THEN sp.end_date ELSE ${d(pe)} END) AS days,
         c.plan, c.channel, c.region, c.company_size
       FROM spells sp LEFT JOIN customers c USING (customer_id) WHERE sp.spell_no = 1 AND sp.start_date < ${d(pe)}`,
      `SELECT plan AS grp, days / 30.4375 AS time, COUNT(*) FILTER (WHERE event) AS events, COUNT(*) FILTER (WHERE NOT event) AS censored
       FROM first_spells GROUP BY ALL ORDER BY grp NULLS LAST, time`,
    ],
    cox: [`SELECT plan, channel, region, company_size, days, event, COUNT(*) AS n FROM first_spells GROUP BY ALL ORDER BY ALL`],
    risk: [
      `CREATE TEMP TABLE training AS ${featuresSql(
        `SELECT * FROM (SELECT s.customer_id, cut.cutoff, s.start_date AS spell_start, CASE WHEN s.end_date >= ${d(pe)} THEN NULL ELSE s.end_date END AS spell_end, s.spell_no
           FROM spells s JOIN (SELECT CAST(range AS DATE) AS cutoff FROM range(${d(addMonths(pe, -8))}, ${d(addMonths(pe, -2))}, INTERVAL 1 MONTH)) cut
             ON s.start_date < cut.cutoff AND s.end_or_open >= cut.cutoff) ORDER BY hash(customer_id, cutoff) LIMIT 60000`,
        pe,
        true,
      )}`,
      `CREATE TEMP TABLE scoring AS ${featuresSql(
        `SELECT s.customer_id, ${d(pe)} AS cutoff, s.start_date AS spell_start, NULL AS spell_end, s.spell_no FROM spells s WHERE s.start_date < ${d(pe)} AND s.end_or_open >= ${d(pe)}`,
        pe,
        false,
      )}`,
      `SELECT * FROM training`,
      `SELECT * FROM scoring`,
    ],
  };
}

/** Extra results read after the timed reductions (already computed: reading them is not timed again). */
const extraResults: Record<string, string> = {
  churn_by_plan: "SELECT * FROM churn_by_plan",
  movements: "SELECT * FROM movements",
  lost_customers: "SELECT * FROM lost_customers",
};

async function read(connection: DuckDBConnection, sql: string): Promise<Columns> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const columns = reader.getColumnsJS();
  return Object.fromEntries(names.map((n, i) => [n, columns[i]!]));
}

export async function runFloor(dir: string, period: string, format: Format = "csv"): Promise<FloorResult> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  const connection = await instance.connect();
  try {
    const readByTable: FloorResult["readByTable"] = {};
    for (const t of floorTables) {
      const file = join(dir, `${t}.${format}`).replaceAll("'", "''");
      const t1 = performance.now();
      await connection.run(`CREATE TABLE ${t} AS SELECT * FROM ${format === "csv" ? `read_csv_auto('${file}')` : `read_parquet('${file}')`}`);
      const ms = performance.now() - t1;
      const rows = Number((await read(connection, `SELECT COUNT(*) AS n FROM ${t}`)).n![0]);
      readByTable[t] = { ms, rows };
    }
    const readMs = Object.values(readByTable).reduce((s, x) => s + x.ms, 0);

    const sql = floorSql(period);
    const reductions = {} as FloorResult["reductions"];
    const results: FloorResult["results"] = {};
    for (const name of reductionNames) {
      const t1 = performance.now();
      const statements = sql[name];
      for (const [i, s] of statements.entries()) {
        const last = name === "risk" ? i >= statements.length - 2 : i === statements.length - 1;
        if (last) results[name === "risk" ? (i === statements.length - 2 ? "training" : "scoring") : name] = await read(connection, s);
        else await connection.run(s);
      }
      reductions[name] = performance.now() - t1;
    }
    for (const [name, s] of Object.entries(extraResults)) results[name] = await read(connection, s);
    const reductionsMs = Object.values(reductions).reduce((s, x) => s + x, 0);
    return { readMs, readByTable, reductionsMs, reductions, results };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = resolve(process.argv[2] ?? "bench/tmp/company-10000");
  const period = process.argv[3] ?? "2026-10";
  const format = (process.argv[4] ?? "csv") as Format;
  if (!existsSync(join(dir, `subscriptions.${format}`))) {
    console.error(`no sample company in ${dir} (run npm run bench, or npx churnbook sample-data --out ${dir})`);
    process.exit(1);
  }
  const f = await runFloor(dir, period, format);
  const s = (ms: number) => (ms / 1000).toFixed(3);
  console.log(`floor on ${dir} (${format}), period ${period}`);
  for (const [t, x] of Object.entries(f.readByTable)) console.log(`  read ${t.padEnd(14)} ${String(x.rows).padStart(9)} rows  ${s(x.ms)} s`);
  console.log(`  read total ${s(f.readMs)} s`);
  for (const n of reductionNames) console.log(`  ${n.padEnd(9)} ${s(f.reductions[n])} s`);
  console.log(`  reductions total ${s(f.reductionsMs)} s`);
  for (const [k, v] of Object.entries(f.results)) console.log(`  ${k}: ${Object.keys(v).length} columns × ${Object.values(v)[0]?.length ?? 0} rows`);
}
