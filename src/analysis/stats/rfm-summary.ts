// Transaction log → per-customer repeat-purchase summary (frequency, recency, T, monetary), as
// the `lifetimes` package defines it (summary_data_from_transaction_data and
// calibration_and_holdout_data), computed in SQL over the `transactions` table (any engine: the
// dialect's date pieces; times are doubles divided in the engine, never NUMERIC quotients):
//
// - Purchases are floored to periods: calendar days (floor = "day", the default; times are then
//   days ÷ the unit's length, lifetimes' freq="D" with freq_multiplier) or whole units
//   (floor = "unit": ISO weeks starting Monday, calendar months; times in whole periods,
//   lifetimes' freq="W"/"M"). Several transactions in one period count once, spend summed.
// - frequency = distinct purchase periods − 1 (repeat purchases);
//   recency   = last − first purchase period (0 when frequency = 0);
//   T         = end of calibration − first purchase period;
//   monetary  = mean spend of the repeat periods (the first period is excluded; 0 when frequency = 0).
// - The calibration runs from the first transaction to calibration_end (inclusive); without it,
//   to the end of observation = the given observation end, else the last transaction date capped
//   at the report period's last day (later transactions are ignored). Customers whose first purchase falls after the
//   calibration end are not in the sample. holdout_frequency counts the distinct purchase
//   periods after calibration_end up to the end of observation (lifetimes' frequency_holdout).
//
// - Returns (returnSql) are never purchases: a period holding only returns is no purchase
//   period. Their money (amountSql: netted or excluded by the report's convention) belongs to
//   the purchase period they fall in or, when none, to the customer's latest purchase period
//   before them (what they most likely return); returns before any purchase count nowhere.
//   Spend is summed as exact decimals when amountSql is exact.
//
// The CDNOW sample (Fader & Hardie) is weeks with floor = "day": recency 30.43 = 213 days ÷ 7.

import { quoteLiteral } from "../../data/engine.js";
import { duckdb, type Dialect } from "../../data/dialects/index.js";

export const timeUnits = ["day", "week", "month"] as const;
export type TimeUnit = (typeof timeUnits)[number];
export const floors = ["day", "unit"] as const;
export type Floor = (typeof floors)[number];

/** Length of a unit in days when purchases are floored to days (a month is 365.25/12 days). */
export const unitDays: Record<TimeUnit, number> = { day: 1, week: 7, month: 365.25 / 12 };

export interface SummarySqlOptions {
  unit: TimeUnit;
  floor: Floor;
  /** Last day of the calibration period (ISO, inclusive), or null for no holdout. */
  calibrationEnd: string | null;
  /** Last day that may be observed (ISO, inclusive; the report period's last day), or null. */
  lastDay: string | null;
  /** A fixed end of observation (ISO, inclusive) instead of the last transaction date; optional. */
  observationEnd?: string | null;
  /** Whether the table has an amount column (monetary is NULL otherwise). */
  amount: boolean;
  /** SQL money of a row of alias t (default t.amount); analyses pass the exact, returns-aware netAmountSql. */
  amountSql?: string;
  /** SQL predicate: the row of alias t is a return or cancellation (default: none is). */
  returnSql?: string;
  /** The transactions table (default "transactions"). */
  table?: string;
  /** The engine's SQL dialect (default DuckDB). */
  dialect?: Dialect;
}

/** SQL expression: the period index of a DATE expression (consecutive integers). */
export function periodIndexSql(expr: string, o: Pick<SummarySqlOptions, "unit" | "floor" | "dialect">): string {
  const d = o.dialect ?? duckdb;
  if (o.floor === "day" || o.unit === "day") return d.dateDiff("day", "DATE '1970-01-01'", expr);
  // 1970-01-05 is a Monday: weeks run Monday to Sunday (pandas' W-SUN periods).
  if (o.unit === "week") return `CAST(floor(${d.dateDiff("day", "DATE '1970-01-05'", expr)} / 7.0) AS BIGINT)`;
  return `(${d.datePart("year", expr)} * 12 + ${d.datePart("month", expr)} - 1)`;
}

/** SQL: a difference of period indexes in time units, a double (the same quotient on every engine). */
function inUnits(periods: string, o: Pick<SummarySqlOptions, "unit" | "floor">): string {
  return `CAST(${periods} AS DOUBLE PRECISION) / ${periodScale(o).toFixed(6)}`;
}

/** Periods per time unit: times are (period index difference) ÷ this. */
export function periodScale(o: Pick<SummarySqlOptions, "unit" | "floor">): number {
  return o.floor === "day" ? unitDays[o.unit] : 1;
}

function ctes(o: SummarySqlOptions): string {
  const t = o.table ?? "transactions";
  const P = (e: string) => periodIndexSql(e, o);
  const cap = o.lastDay ? `LEAST(MAX(date), DATE ${quoteLiteral(o.lastDay)})` : "MAX(date)";
  const end = o.observationEnd
    ? `SELECT DATE ${quoteLiteral(o.observationEnd)} AS obs_end`
    : `SELECT ${cap} AS obs_end FROM ${t} WHERE customer_id IS NOT NULL AND date IS NOT NULL`;
  const cal = o.calibrationEnd ? `DATE ${quoteLiteral(o.calibrationEnd)}` : "obs_end";
  const amount = o.amount ? o.amountSql ?? "t.amount" : "CAST(NULL AS DOUBLE PRECISION)";
  const isReturn = o.returnSql ?? "FALSE";
  return `WITH cfg AS (
  SELECT obs_end, ${cal} AS cal_end FROM (${end}) AS e
),
tx AS (
  SELECT t.customer_id, t.date, ${amount} AS amount, ${isReturn} AS is_return, ${P("t.date")} AS p, t.date <= cfg.cal_end AS cal
  FROM ${t} t, cfg
  WHERE t.customer_id IS NOT NULL AND t.date IS NOT NULL AND t.date <= cfg.obs_end
),
per0 AS (
  SELECT customer_id, cal, p, MIN(date) FILTER (WHERE NOT is_return) AS date, bool_or(NOT is_return) AS buy, SUM(amount) AS spend
  FROM tx GROUP BY customer_id, cal, p
),
per1 AS (
  SELECT *, SUM(CASE WHEN buy THEN 1 ELSE 0 END) OVER (PARTITION BY customer_id, cal ORDER BY p ROWS UNBOUNDED PRECEDING) AS g FROM per0
),
per AS (
  SELECT customer_id, cal, MIN(p) AS p, MIN(date) AS date, SUM(spend) AS spend FROM per1 WHERE g > 0 GROUP BY customer_id, cal, g
),
calp AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY p) AS k FROM per WHERE cal
),
summ AS (
  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(p) AS first_p, MAX(p) AS last_p, MIN(date) AS first_date,
    SUM(spend) FILTER (WHERE k > 1) AS repeat_spend
  FROM calp GROUP BY customer_id
),
hold AS (
  SELECT customer_id, COUNT(*) AS holdout_frequency FROM per WHERE NOT cal GROUP BY customer_id
)`;
}

/**
 * Per-customer summary: customer_id, frequency, recency, T, monetary (NULL without amounts),
 * first_p (period index of the first purchase), first_date, holdout_frequency; by customer_id.
 */
export function summarySql(o: SummarySqlOptions): string {
  // The exact repeat spend as a double ÷ the count: a NUMERIC quotient would round to its own scale.
  const monetary = o.amount ? "CASE WHEN s.frequency = 0 THEN 0.0 ELSE CAST(COALESCE(s.repeat_spend, 0) AS DOUBLE PRECISION) / s.frequency END" : "CAST(NULL AS DOUBLE PRECISION)";
  return `${ctes(o)}
SELECT s.customer_id, CAST(s.frequency AS DOUBLE PRECISION) AS frequency, ${inUnits("s.last_p - s.first_p", o)} AS recency,
  ${inUnits(`${periodIndexSql("cfg.cal_end", o)} - s.first_p`, o)} AS "T", ${monetary} AS monetary,
  s.first_p, s.first_date, CAST(COALESCE(h.holdout_frequency, 0) AS DOUBLE PRECISION) AS holdout_frequency
FROM summ s CROSS JOIN cfg LEFT JOIN hold h ON h.customer_id = s.customer_id
ORDER BY s.customer_id`;
}

/**
 * One row: start_date (first purchase of the sample), cal_end, obs_end, cal_end_p, obs_end_p,
 * holdout_length (obs_end − cal_end in time units), customers; NULLs when there are no transactions.
 */
export function summaryMetaSql(o: SummarySqlOptions): string {
  return `${ctes(o)}
SELECT (SELECT MIN(first_date) FROM summ) AS start_date, cfg.cal_end, cfg.obs_end,
  ${periodIndexSql("cfg.cal_end", o)} AS cal_end_p, ${periodIndexSql("cfg.obs_end", o)} AS obs_end_p,
  ${inUnits(`${periodIndexSql("cfg.obs_end", o)} - ${periodIndexSql("cfg.cal_end", o)}`, o)} AS holdout_length,
  (SELECT COUNT(*) FROM summ) AS customers
FROM cfg`;
}

/**
 * Repeat purchases (purchase periods after each customer's first) of the calibration sample
 * by week, over calibration and holdout: week k covers days d0 + 7(k−1) … d0 + 7k − 1 where d0
 * is the sample's first purchase date (the last week ends at the end of observation). Columns:
 * week, week_end, p_end (period index of week_end), repeats. A period counts in the week of its
 * first transaction.
 */
export function repeatsByWeekSql(o: SummarySqlOptions): string {
  const d = o.dialect ?? duckdb;
  return `${ctes(o)},
rep AS (
  SELECT date FROM calp WHERE k > 1
  UNION ALL SELECT h.date FROM per h JOIN summ s ON s.customer_id = h.customer_id WHERE NOT h.cal
),
bounds AS (SELECT MIN(first_date) AS d0, (SELECT obs_end FROM cfg) AS obs_end FROM summ),
weeks AS (
  SELECT g.week, b.d0, b.obs_end
  FROM bounds b, generate_series(1, CAST(ceil((${d.dateDiff("day", "b.d0", "b.obs_end")} + 1) / 7.0) AS BIGINT)) AS g(week)
  WHERE b.d0 IS NOT NULL
),
counts AS (
  SELECT CAST(floor(${d.dateDiff("day", "b.d0", "rep.date")} / 7.0) AS BIGINT) + 1 AS week, COUNT(*) AS repeats FROM rep, bounds b GROUP BY 1
)
SELECT w.week, LEAST(w.d0 + CAST(7 * w.week - 1 AS INTEGER), w.obs_end) AS week_end,
  ${periodIndexSql("LEAST(w.d0 + CAST(7 * w.week - 1 AS INTEGER), w.obs_end)", o)} AS p_end,
  CAST(COALESCE(c.repeats, 0) AS DOUBLE PRECISION) AS repeats
FROM weeks w LEFT JOIN counts c ON c.week = w.week
ORDER BY w.week`;
}
