// SQL for the period churn and revenue metrics (churn-summary, churn-trend, mrr-movements,
// leaky-bucket). Everything is built on the activity spells of ../sql/spells.ts, for any
// number of periods in ONE query (a VALUES list of periods joined to the spells), so a
// 12-period trend is one round trip and JavaScript only sees per-period (or, for the
// movement log, per-customer) rows.
//
// CTEs (in order):
//   raw  the spells of spellsSql(ctx)
//   sp   the included spells: free spells dropped unless include_free (a spell is free when
//        no subscription starting in it has mrr > 0 — inactivity basis: no transaction in it
//        has amount > 0; without an mrr/amount field nothing is free), renumbered 1, 2, … per
//        customer; with the inactivity basis an end after the data's last transaction date
//        is right-censored (null: not yet happened)
//   p    the periods: label, ps (start of the period before), s (start), e (end, exclusive)
//   pc   per period × customer: active at s / at e, spell events in [s, e)
//   v    per period × customer: the revenue level at the start and at the end —
//        contractual: MRR at boundary b = Σ mrr of subscriptions with start_date < b ≤
//        end_date (or open end), the boundary rule of the spells (with churn recognised at
//        cancellation the cancel_date, when earlier, stands for the end, as in the spells);
//        inactivity: revenue in the previous period (start) and in the period (end)
//   mc   pc ⨝ v (full outer), each customer's movement classified, with a consistency flag,
//        the reason a row cannot be attributed (`issue`), and the per-customer identity check
//        (`identity_broken`: active at end ≠ active at start + spell starts − spell ends), so a
//        broken period identity names the customers concerned

import type { AnalysisContext, Product, ProductNeed, Row } from "../types.js";
import { spellsSql } from "../sql/spells.js";
import { quoteLiteral } from "../../data/engine.js";
import { ChurnbookError } from "../../util/errors.js";
import { shiftPeriod, type Period } from "../../util/period.js";
import { exactMoneySql, netAmountSql } from "../money.js";
import { dialectOf } from "../../data/dialects/index.js";

/** What the SQL builders read of the context (the dialect: data/dialects/). */
type SqlContext = Pick<AnalysisContext, "churn" | "fields"> & Partial<Pick<AnalysisContext, "dialect">>;

const openEnd = "DATE '9999-12-31'";

export type RevenueBasis = "mrr" | "period_revenue";

export interface PeriodSqlOptions {
  includeFree: boolean;
}

/** The revenue basis available for the context: MRR (contractual with an mrr field), period
 * revenue (inactivity basis with an amount field), or null (no revenue field). */
export function revenueBasis(ctx: Pick<AnalysisContext, "churn" | "fields">): RevenueBasis | null {
  if (ctx.churn.kind === "subscriptions") return ctx.fields.subscriptions?.includes("mrr") ? "mrr" : null;
  return ctx.fields.transactions?.includes("amount") ? "period_revenue" : null;
}

/** Throws a clear error when the dataset the churn basis reads is not loaded. */
export function checkBasisRole(ctx: Pick<AnalysisContext, "churn" | "fields">, analysisId: string): void {
  const role = ctx.churn.kind === "subscriptions" ? "subscriptions" : "transactions";
  if (!ctx.fields[role]) {
    throw new ChurnbookError("missing-role", `analysis "${analysisId}" with the ${ctx.churn.kind === "subscriptions" ? "contractual (subscriptions)" : "inactivity"} churn basis needs a "${role}" dataset`, {
      hint: ctx.churn.kind === "subscriptions" ? "map a subscriptions dataset (customer_id, start_date, end_date, mrr), or set the churn basis to inactivity for transaction data" : "map a transactions dataset (customer_id, date, amount), or set the churn basis to subscriptions",
    });
  }
}

/**
 * SQL: the day a subscription's MRR stops counting — its end_date, or, with churn recognised
 * at cancellation, its cancel_date when that comes first (the rule of the spells, sql/spells.ts),
 * so a customer never has MRR at a boundary where their spell has already ended. Without a
 * cancel_date field, or with recognition at period end, the end_date.
 */
export function mrrEndSql(ctx: Pick<AnalysisContext, "churn" | "fields">, alias = ""): string {
  const a = alias ? `${alias}.` : "";
  const cancellation = ctx.churn.kind === "subscriptions" && ctx.churn.recognition === "cancellation" && (ctx.fields.subscriptions ?? []).includes("cancel_date");
  return cancellation
    ? `(CASE WHEN ${a}cancel_date > ${a}start_date THEN least(${a}cancel_date, coalesce(${a}end_date, ${a}cancel_date)) ELSE ${a}end_date END)`
    : `${a}end_date`;
}

function dateLit(d: string): string {
  return `DATE ${quoteLiteral(d)}`;
}

/** Unique periods (by label), in the given order. */
export function uniquePeriods(periods: Period[]): Period[] {
  const seen = new Set<string>();
  return periods.filter((p) => (seen.has(p.label) ? false : (seen.add(p.label), true)));
}

/** The CTE list (without WITH) described in the file header. */
export function periodCtes(ctx: SqlContext, periods: Period[], opts: PeriodSqlOptions): string {
  if (periods.length === 0) throw new Error("periodCtes: no periods");
  const d = dialectOf(ctx);
  const contractual = ctx.churn.kind === "subscriptions";
  const basis = revenueBasis(ctx);
  const ctes: string[] = [];
  ctes.push(`raw AS (SELECT * FROM ${spellsSql(ctx)} AS spells)`);

  const filterFree = !opts.includeFree && basis !== null;
  if (filterFree) {
    ctes.push(
      contractual
        ? `paid AS (
            SELECT r.customer_id, r.spell_no, COALESCE(BOOL_OR(x.mrr > 0), FALSE) AS paid
            FROM raw r LEFT JOIN subscriptions x
              ON x.customer_id = r.customer_id AND x.start_date >= r.start_date AND x.start_date < COALESCE(r.end_date, ${openEnd})
                 AND (x.end_date IS NULL OR x.end_date > x.start_date)
            GROUP BY r.customer_id, r.spell_no)`
        : `paid AS (
            SELECT r.customer_id, r.spell_no, COALESCE(BOOL_OR(x.amount > 0), FALSE) AS paid
            FROM raw r LEFT JOIN transactions x
              ON x.customer_id = r.customer_id AND x.date >= r.start_date AND x.date < COALESCE(r.end_date, ${openEnd})
            GROUP BY r.customer_id, r.spell_no)`,
    );
  }
  const endExpr = contractual ? "r.end_date" : "CASE WHEN r.end_date > (SELECT MAX(date) FROM transactions) THEN NULL ELSE r.end_date END";
  ctes.push(`sp AS (
    SELECT r.customer_id, CAST(ROW_NUMBER() OVER (PARTITION BY r.customer_id ORDER BY r.start_date) AS INTEGER) AS spell_no,
           r.start_date, ${endExpr} AS end_date
    FROM raw r ${filterFree ? "JOIN paid USING (customer_id, spell_no) WHERE paid.paid" : ""})`);

  const values = periods.map((p) => `(${quoteLiteral(p.label)}, ${dateLit(shiftPeriod(p, -1).start)}, ${dateLit(p.start)}, ${dateLit(p.end)})`);
  ctes.push(`p(label, ps, s, e) AS (VALUES ${values.join(", ")})`);

  const startIn = "(sp.start_date >= p.s AND sp.start_date < p.e)";
  const endIn = "(sp.end_date IS NOT NULL AND sp.end_date >= p.s AND sp.end_date < p.e)";
  ctes.push(`pc AS (
    SELECT p.label, sp.customer_id,
      BOOL_OR(sp.start_date < p.s AND (sp.end_date IS NULL OR sp.end_date >= p.s)) AS a_s,
      BOOL_OR(sp.start_date < p.e AND (sp.end_date IS NULL OR sp.end_date >= p.e)) AS a_e,
      COUNT(*) FILTER (WHERE ${startIn} AND sp.spell_no = 1) AS n_new,
      COUNT(*) FILTER (WHERE ${startIn} AND sp.spell_no > 1) AS n_react,
      COUNT(*) FILTER (WHERE ${endIn}) AS n_churn,
      COUNT(*) FILTER (WHERE ${startIn} AND ${endIn}) AS n_joined_left,
      (MIN(sp.spell_no) > 1 OR BOOL_OR(sp.start_date < p.s)) AS had_before
    FROM p JOIN sp ON sp.start_date < p.e AND (sp.end_date IS NULL OR sp.end_date >= p.s)
    GROUP BY p.label, sp.customer_id)`);

  // Money is summed as exact decimals (money.ts): whether a customer is in the revenue base,
  // and every movement's sign, never depend on floating-point residue or row order.
  if (basis === "mrr") {
    ctes.push(`v AS (
      SELECT p.label, x.customer_id,
        COALESCE(SUM(${exactMoneySql("x.mrr", d)}) FILTER (WHERE x.start_date < p.s AND COALESCE(${mrrEndSql(ctx, "x")}, ${openEnd}) >= p.s), 0) AS v_start,
        COALESCE(SUM(${exactMoneySql("x.mrr", d)}) FILTER (WHERE x.start_date < p.e AND COALESCE(${mrrEndSql(ctx, "x")}, ${openEnd}) >= p.e), 0) AS v_end,
        BOOL_OR(NOT ${d.isFinite("x.mrr")}) AS bad
      FROM p JOIN subscriptions x
        ON x.start_date < p.e AND COALESCE(x.end_date, ${openEnd}) >= p.s AND (x.end_date IS NULL OR x.end_date > x.start_date)
      GROUP BY p.label, x.customer_id)`);
  } else if (basis === "period_revenue") {
    ctes.push(`v AS (
      SELECT p.label, x.customer_id,
        COALESCE(SUM(${netAmountSql(ctx, "x")}) FILTER (WHERE x.date < p.s), 0) AS v_start,
        COALESCE(SUM(${netAmountSql(ctx, "x")}) FILTER (WHERE x.date >= p.s), 0) AS v_end,
        BOOL_OR(NOT ${d.isFinite("x.amount")}) AS bad
      FROM p JOIN transactions x ON x.date >= p.ps AND x.date < p.e
      GROUP BY p.label, x.customer_id)`);
  } else {
    ctes.push(`v AS (SELECT CAST(NULL AS VARCHAR) AS label, CAST(NULL AS VARCHAR) AS customer_id, CAST(0 AS DOUBLE PRECISION) AS v_start, CAST(0 AS DOUBLE PRECISION) AS v_end, FALSE AS bad WHERE FALSE)`);
  }

  // r_s / r_e: "in the revenue base at the start / end". Contractual: active (spell) at the
  // boundary. Period revenue: revenue in the previous period / in the period.
  const rS = basis === "period_revenue" ? "(m.v_start <> 0)" : "m.a_s";
  const rE = basis === "period_revenue" ? "(m.v_end <> 0)" : "m.a_e";
  ctes.push(`m AS (
    SELECT COALESCE(pc.label, v.label) AS label, COALESCE(pc.customer_id, v.customer_id) AS customer_id,
      COALESCE(pc.a_s, FALSE) AS a_s, COALESCE(pc.a_e, FALSE) AS a_e, COALESCE(pc.had_before, FALSE) AS had_before,
      COALESCE(pc.n_new, 0) AS n_new, COALESCE(pc.n_react, 0) AS n_react, COALESCE(pc.n_churn, 0) AS n_churn,
      COALESCE(pc.n_joined_left, 0) AS n_joined_left,
      COALESCE(v.v_start, 0) AS v_start, COALESCE(v.v_end, 0) AS v_end, COALESCE(v.bad, FALSE) AS bad
    FROM pc FULL OUTER JOIN v ON pc.label = v.label AND pc.customer_id = v.customer_id)`);
  ctes.push(`mc AS (
    SELECT m.*, ${rS} AS r_s, ${rE} AS r_e, m.v_end - m.v_start AS delta,
      (m.customer_id IS NOT NULL AND NOT m.bad AND (${rS} OR m.v_start = 0) AND (${rE} OR m.v_end = 0)) AS ok,
      CASE
        WHEN NOT (m.customer_id IS NOT NULL AND NOT m.bad AND (${rS} OR m.v_start = 0) AND (${rE} OR m.v_end = 0)) THEN NULL
        WHEN ${rS} AND NOT ${rE} THEN CASE WHEN m.v_start <> 0 THEN 'churn' END
        WHEN ${rS} AND ${rE} THEN CASE WHEN m.v_end > m.v_start THEN 'expansion' WHEN m.v_end < m.v_start THEN 'contraction' END
        WHEN m.v_end <> 0 THEN CASE WHEN m.had_before THEN 'reactivation' ELSE 'new' END
      END AS movement,
      -- Why a row cannot be attributed (null when ok): named in the mrr-bridge error.
      CASE
        WHEN m.customer_id IS NULL THEN '(no customer_id)'
        WHEN m.bad THEN m.customer_id || ' (mrr/amount is not a finite number)'
        WHEN NOT (${rS} OR m.v_start = 0) THEN m.customer_id || ' (revenue ' || CAST(m.v_start AS VARCHAR) || ' at the start but no active spell)'
        WHEN NOT (${rE} OR m.v_end = 0) THEN m.customer_id || ' (revenue ' || CAST(m.v_end AS VARCHAR) || ' at the end but no active spell)'
      END AS issue,
      -- The customer identity per customer: active at end = active at start + spells starting − spells ending.
      (CAST(m.a_e AS INTEGER) <> CAST(m.a_s AS INTEGER) + m.n_new + m.n_react - m.n_churn) AS identity_broken
    FROM m)`);
  return ctes.join(",\n");
}

/** One row per period (column `label`) with the customer counts and the revenue bridge. */
export function periodAggregateSql(ctx: SqlContext, periods: Period[], opts: PeriodSqlOptions): string {
  const ps = uniquePeriods(periods);
  const hasRevenue = revenueBasis(ctx) !== null;
  const rev = (expr: string) => (hasRevenue ? expr : "CAST(NULL AS DOUBLE PRECISION)");
  return `WITH ${periodCtes(ctx, ps, opts)},
  agg AS (
    SELECT label,
      COUNT(*) FILTER (WHERE a_s) AS customers_start,
      COUNT(*) FILTER (WHERE a_e) AS customers_end,
      COALESCE(SUM(n_new), 0) AS new_customers,
      COALESCE(SUM(n_react), 0) AS reactivated_customers,
      COALESCE(SUM(n_churn), 0) AS churned_customers,
      COALESCE(SUM(n_joined_left), 0) AS joined_and_left,
      COUNT(*) FILTER (WHERE a_s AND NOT a_e) AS lost_from_start,
      COUNT(*) FILTER (WHERE a_s AND a_e AND n_churn > 0) AS churned_and_reactivated,
      ${rev("COALESCE(SUM(v_start), 0)")} AS mrr_start,
      ${rev("COALESCE(SUM(v_end), 0)")} AS mrr_end,
      ${rev("COALESCE(SUM(delta) FILTER (WHERE movement = 'new'), 0)")} AS new_mrr,
      ${rev("COALESCE(SUM(delta) FILTER (WHERE movement = 'expansion'), 0)")} AS expansion_mrr,
      ${rev("COALESCE(SUM(delta) FILTER (WHERE movement = 'reactivation'), 0)")} AS reactivation_mrr,
      ${rev("COALESCE(-SUM(delta) FILTER (WHERE movement = 'contraction'), 0)")} AS contraction_mrr,
      ${rev("COALESCE(-SUM(delta) FILTER (WHERE movement = 'churn'), 0)")} AS churned_mrr,
      ${rev("COALESCE(SUM(v_start) FILTER (WHERE r_s AND ok), 0)")} AS cohort_mrr_start,
      ${rev("COALESCE(SUM(v_end) FILTER (WHERE r_s AND ok), 0)")} AS cohort_mrr_end,
      ${rev("COALESCE(SUM(LEAST(v_end, v_start)) FILTER (WHERE r_s AND ok), 0)")} AS cohort_mrr_kept,
      COUNT(*) FILTER (WHERE NOT ok) AS inconsistent_count,
      array_to_string((array_agg(COALESCE(customer_id, '(no customer_id)') ORDER BY customer_id) FILTER (WHERE NOT ok))[1:10], ', ') AS inconsistent_customers,
      array_to_string((array_agg(issue ORDER BY customer_id NULLS FIRST, issue) FILTER (WHERE NOT ok))[1:10], '; ') AS inconsistent_details,
      COUNT(*) FILTER (WHERE identity_broken) AS identity_broken_count,
      -- The text is built only for the broken rows (CASE): an aggregate's FILTER does not keep its
      -- argument from being evaluated for every customer × period row.
      array_to_string((array_agg(CASE WHEN identity_broken THEN customer_id || ' (at start ' || CAST(a_s AS INTEGER) || ', new ' || n_new || ', reactivated ' || n_react || ', churned ' || n_churn || ', at end ' || CAST(a_e AS INTEGER) || ')' END ORDER BY customer_id) FILTER (WHERE identity_broken))[1:5], '; ') AS identity_broken_customers
    FROM mc GROUP BY label)
  SELECT p.label, CAST(p.s AS VARCHAR) AS period_start, CAST(p.e AS VARCHAR) AS period_end,
    COALESCE(agg.customers_start, 0) AS customers_start, COALESCE(agg.new_customers, 0) AS new_customers,
    COALESCE(agg.reactivated_customers, 0) AS reactivated_customers, COALESCE(agg.churned_customers, 0) AS churned_customers,
    COALESCE(agg.customers_end, 0) AS customers_end, COALESCE(agg.joined_and_left, 0) AS joined_and_left,
    COALESCE(agg.lost_from_start, 0) AS lost_from_start, COALESCE(agg.churned_and_reactivated, 0) AS churned_and_reactivated,
    ${["mrr_start", "mrr_end", "new_mrr", "expansion_mrr", "reactivation_mrr", "contraction_mrr", "churned_mrr", "cohort_mrr_start", "cohort_mrr_end", "cohort_mrr_kept"]
      .map((c) => `${rev(`COALESCE(agg.${c}, 0)`)} AS ${c}`)
      .join(", ")},
    COALESCE(agg.inconsistent_count, 0) AS inconsistent_count, agg.inconsistent_customers, agg.inconsistent_details,
    COALESCE(agg.identity_broken_count, 0) AS identity_broken_count, agg.identity_broken_customers
  FROM p LEFT JOIN agg ON agg.label = p.label
  ORDER BY p.s`;
}

/** The customer-level movement log of one period: customer_id, movement, mrr_start, mrr_end,
 * delta, `ok` (false for rows that cannot be attributed consistently) and `issue` (why not,
 * naming the customer; null when ok). Customers without
 * a movement are left out, unless inconsistent. */
export function movementLogSql(ctx: SqlContext, period: Period, opts: PeriodSqlOptions): string {
  return `WITH ${periodCtes(ctx, [period], opts)}
  SELECT customer_id, movement, v_start AS mrr_start, v_end AS mrr_end, delta, ok, issue
  FROM mc WHERE movement IS NOT NULL OR NOT ok
  ORDER BY customer_id NULLS LAST`;
}

/** Boundary totals straight from the source (independent of the per-customer split). */
export function boundaryTotalsSql(ctx: SqlContext, period: Period): string {
  const basis = revenueBasis(ctx);
  const d = dialectOf(ctx);
  if (basis === "mrr") {
    // Exact sums; NaN when a value in the window is not a finite number (the bridge check names it).
    const at = (b: string) => {
      const w = `start_date < ${dateLit(b)} AND COALESCE(${mrrEndSql(ctx)}, ${openEnd}) >= ${dateLit(b)}`;
      return `CASE WHEN BOOL_OR(NOT ${d.isFinite("mrr")}) FILTER (WHERE ${w}) THEN CAST('NaN' AS DOUBLE PRECISION) ELSE CAST(COALESCE(SUM(${exactMoneySql("mrr", d)}) FILTER (WHERE ${w}), 0) AS DOUBLE PRECISION) END`;
    };
    return `SELECT ${at(period.start)} AS mrr_start, ${at(period.end)} AS mrr_end FROM subscriptions WHERE start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date)`;
  }
  if (basis === "period_revenue") {
    const prev = shiftPeriod(period, -1);
    const sum = (a: string, b: string) => {
      const w = `date >= ${dateLit(a)} AND date < ${dateLit(b)}`;
      return `CASE WHEN BOOL_OR(NOT ${d.isFinite("amount")}) FILTER (WHERE ${w}) THEN CAST('NaN' AS DOUBLE PRECISION) ELSE CAST(COALESCE(SUM(${netAmountSql(ctx)}) FILTER (WHERE ${w}), 0) AS DOUBLE PRECISION) END`;
    };
    return `SELECT ${sum(prev.start, period.start)} AS mrr_start, ${sum(period.start, period.end)} AS mrr_end FROM transactions`;
  }
  return `SELECT CAST(NULL AS DOUBLE PRECISION) AS mrr_start, CAST(NULL AS DOUBLE PRECISION) AS mrr_end`;
}

/** Spell starts and (observed) ends per day before `until`: the input of the rolling 30-day
 * churn rate. One row per date with an event, ordered by date. */
export function dailyEventsSql(ctx: SqlContext, periods: Period[], opts: PeriodSqlOptions, until: string): string {
  return `WITH ${periodCtes(ctx, uniquePeriods(periods).slice(0, 1), opts)}
  SELECT CAST(d AS VARCHAR) AS date, CAST(SUM(starts) AS INTEGER) AS starts, CAST(SUM(ends) AS INTEGER) AS ends
  FROM (SELECT start_date AS d, 1 AS starts, 0 AS ends FROM sp UNION ALL SELECT end_date AS d, 0 AS starts, 1 AS ends FROM sp WHERE end_date IS NOT NULL) AS ev
  WHERE d < ${dateLit(until)}
  GROUP BY d ORDER BY d`;
}

/**
 * What the period metrics leave out, for the notes (one row): source rows the spells never see
 * — subscriptions: no customer_id, no start_date, zero length (end_date = start_date), ending
 * before they start; transactions: no customer_id, no date — and, unless include_free, the
 * customers whose only spells overlapping `period` are free (left out of every count).
 */
export function droppedRowsSql(ctx: SqlContext, period: Period, opts: PeriodSqlOptions): string {
  const contractual = ctx.churn.kind === "subscriptions";
  const rows = contractual
    ? `SELECT 'subscriptions' AS dataset,
        CAST(COUNT(*) FILTER (WHERE customer_id IS NULL) AS INTEGER) AS no_customer,
        CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND start_date IS NULL) AS INTEGER) AS no_start,
        CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND end_date = start_date) AS INTEGER) AS zero_length,
        CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND end_date < start_date) AS INTEGER) AS ends_before_start
      FROM subscriptions`
    : `SELECT 'transactions' AS dataset,
        CAST(COUNT(*) FILTER (WHERE customer_id IS NULL) AS INTEGER) AS no_customer,
        CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND date IS NULL) AS INTEGER) AS no_start,
        0 AS zero_length, 0 AS ends_before_start
      FROM transactions`;
  const filterFree = !opts.includeFree && revenueBasis(ctx) !== null;
  // Customers whose spells overlapping the period are all free.
  const freeExact = filterFree
    ? `(SELECT CAST(COUNT(*) AS INTEGER) FROM (
          SELECT r.customer_id FROM raw r JOIN paid USING (customer_id, spell_no)
          WHERE r.start_date < ${dateLit(period.end)} AND (r.end_date IS NULL OR r.end_date >= ${dateLit(period.start)})
          GROUP BY r.customer_id HAVING NOT BOOL_OR(paid.paid)) AS free)`
    : "0";
  return `WITH ${periodCtes(ctx, [period], opts)},
  dropped AS (${rows})
  SELECT dropped.*, ${freeExact} AS free_customers FROM dropped`;
}

export interface PeriodAggregateParams {
  periods: Period[];
  includeFree: boolean;
}

/**
 * The period aggregates (periodAggregateSql) as a product of the run: one row per period, each
 * independent of the other periods in the query. churn-summary's, churn-trend's and
 * leaky-bucket's periods (the summary's and the bucket's are subsets of a trend's) are merged
 * into one list and computed in one SQL pass; each analysis reads its periods by label.
 */
export const periodAggregates: Product<PeriodAggregateParams, Row[]> = {
  id: "period-aggregates",
  reductions: (q, ctx) => ({ periods: periodAggregateSql(ctx, q.periods, { includeFree: q.includeFree }) }),
  compute: (data) => data.periods ?? [],
  merge: (a, b) =>
    a.includeFree !== b.includeFree
      ? null
      : { includeFree: a.includeFree, periods: uniquePeriods([...a.periods, ...b.periods]).sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.end < y.end ? -1 : x.end > y.end ? 1 : x.label < y.label ? -1 : x.label > y.label ? 1 : 0)) },
};

/** The period-aggregates need of an analysis (its products entry). */
export function periodAggregatesNeed(periods: Period[], opts: PeriodSqlOptions): ProductNeed<PeriodAggregateParams, Row[]> {
  return { product: periodAggregates, params: { periods: uniquePeriods(periods), includeFree: opts.includeFree } };
}

/** The period aggregate rows among an analysis's products. */
export function periodRows(products: Record<string, unknown> | undefined): Row[] {
  const rows = products?.[periodAggregates.id];
  if (!rows) throw new Error(`the runner did not compute the "${periodAggregates.id}" product`);
  return rows as Row[];
}
