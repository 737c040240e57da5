// Acquisition cohorts, shared by the cohort analyses (cohort-retention, early-churn,
// cohort-projection, cohort-revenue).
//
// Definitions (stated in each analysis's appendix text):
// - A customer's acquisition date is the start of their first activity spell (spells.ts:
//   first subscription start, or first purchase under the inactivity basis); their cohort is
//   the calendar month / quarter / year containing it. Only complete cohort periods (ending
//   on or before the report period's end) are used, so no cohort gains members after the
//   report period.
// - Age k of a customer is the day exactly k cohort periods (k, 3k or 12k calendar months)
//   after their acquisition date (month ends clamp: 31 Jan + 1 month = 28/29 Feb). The
//   customer counts as *active at age k* when some spell covers that day
//   (start_date ≤ day < end_date, or no end) — returning customers count; they are a
//   *survivor at age k* when their first spell has not ended by that day (first end_date
//   null or > day). Age 0 is the acquisition day itself, so every member is active and a
//   survivor at age 0.
// - A (cohort, age) cell exists only when every member has reached that age by the end of the
//   report period: cohort end + k periods ≤ report period end. No partial or future cells.
// - MRR at age k (subscriptions): the sum of `mrr` over the customer's subscriptions covering
//   that day; capped MRR = min(MRR at age k, MRR at age 0) per customer.

import { quoteLiteral } from "../../data/engine.js";
import { ChurnbookError } from "../../util/errors.js";
import type { AnalysisContext, RoleNeed } from "../types.js";
import { type Period, periodContaining, periodsEndingWith, shiftPeriod } from "../../util/period.js";
import { spellsSql } from "../sql/spells.js";
import { dialectOf } from "../../data/dialects/index.js";

export const cohortGrains = ["month", "quarter", "year"] as const;
export type CohortGrain = (typeof cohortGrains)[number];

/** Calendar months in one cohort period. */
export function grainMonths(grain: CohortGrain): number {
  return grain === "month" ? 1 : grain === "quarter" ? 3 : 12;
}

/** The last `count` complete cohort periods (end ≤ periodEnd), oldest first. */
export function completeCohorts(periodEnd: string, grain: CohortGrain, count: number): Period[] {
  let last = periodContaining(periodEnd, grain);
  if (last.end > periodEnd) last = shiftPeriod(last, -1);
  return count > 0 ? periodsEndingWith(last, count) : [];
}

/** The number of whole cohort periods from a cohort's end to the report period's end (its maximum observable age). */
export function maxObservableAge(cohort: Period, periodEnd: string, grain: CohortGrain): number {
  const months = (Number(periodEnd.slice(0, 4)) - Number(cohort.end.slice(0, 4))) * 12 + Number(periodEnd.slice(5, 7)) - Number(cohort.end.slice(5, 7));
  return Math.floor(months / grainMonths(grain));
}

const dateLit = (d: string) => `DATE ${quoteLiteral(d)}`;

/**
 * SQL of (customer_id, acquired, first_end, cohort_start): each customer's first spell and
 * the start of its cohort period, for customers acquired in [from, to).
 */
export function acquisitionSql(ctx: Pick<AnalysisContext, "churn"> & Partial<Pick<AnalysisContext, "dialect">>, grain: CohortGrain, from: string, to: string): string {
  return `(SELECT customer_id, start_date AS acquired, end_date AS first_end,
      CAST(date_trunc('${grain}', start_date) AS DATE) AS cohort_start
    FROM ${spellsSql(ctx)} AS sp1
    WHERE spell_no = 1 AND start_date >= ${dateLit(from)} AND start_date < ${dateLit(to)})`;
}

export interface CohortAgesOptions {
  grain: CohortGrain;
  /** The cohorts (complete periods, oldest first). */
  cohorts: Period[];
  /** Highest age reported. */
  maxAge: number;
  /** The report period's end (exclusive). */
  periodEnd: string;
  /** Sum subscription MRR per cell (needs subscriptions.mrr). */
  mrr: boolean;
}

/**
 * SQL giving one row per observable (cohort, age) cell with members:
 * cohort_start, age, customers, active, survivors, and when `mrr`: mrr, mrr_start, mrr_capped
 * (else those are NULL). See the header for the definitions.
 */
export function cohortAgesSql(ctx: Pick<AnalysisContext, "churn"> & Partial<Pick<AnalysisContext, "dialect">>, o: CohortAgesOptions): string {
  const d = dialectOf(ctx);
  if (o.cohorts.length === 0) {
    return `SELECT CAST(NULL AS DATE) AS cohort_start, 0 AS age, 0 AS customers, 0 AS active, 0 AS survivors, CAST(NULL AS DOUBLE PRECISION) AS mrr, CAST(NULL AS DOUBLE PRECISION) AS mrr_start, CAST(NULL AS DOUBLE PRECISION) AS mrr_capped WHERE FALSE`;
  }
  const g = grainMonths(o.grain);
  const from = o.cohorts[0]!.start, to = o.cohorts[o.cohorts.length - 1]!.end;
  const maxAge = Math.max(0, Math.floor(o.maxAge));
  const subs = `(SELECT customer_id, start_date, end_date, COALESCE(mrr, 0) AS mrr FROM subscriptions
      WHERE customer_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date))`;
  const mrrCols = o.mrr
    ? `, (SELECT COALESCE(SUM(s.mrr), 0) FROM ${subs} s WHERE s.customer_id = ca.customer_id AND s.start_date <= ca.d AND (s.end_date IS NULL OR s.end_date > ca.d)) AS mrr_k,
         (SELECT COALESCE(SUM(s.mrr), 0) FROM ${subs} s WHERE s.customer_id = ca.customer_id AND s.start_date <= ca.acquired AND (s.end_date IS NULL OR s.end_date > ca.acquired)) AS mrr_0`
    : `, CAST(NULL AS DOUBLE PRECISION) AS mrr_k, CAST(NULL AS DOUBLE PRECISION) AS mrr_0`;
  return `WITH sp AS (SELECT * FROM ${spellsSql(ctx)} AS spells),
  coh AS (SELECT * FROM ${acquisitionSql(ctx, o.grain, from, to)} AS acq),
  ages AS (SELECT CAST(g.age AS INTEGER) AS age FROM generate_series(0, ${maxAge}) AS g(age)),
  ca AS (
    SELECT coh.customer_id, coh.acquired, coh.first_end, coh.cohort_start, ages.age,
      ${d.dateAdd("coh.acquired", `ages.age * ${g}`, "month")} AS d
    FROM coh CROSS JOIN ages
    WHERE ${d.dateAdd("coh.cohort_start", `(ages.age + 1) * ${g}`, "month")} <= ${dateLit(o.periodEnd)}
  ),
  cell AS (
    SELECT ca.cohort_start, ca.age, ca.customer_id,
      EXISTS (SELECT 1 FROM sp WHERE sp.customer_id = ca.customer_id AND sp.start_date <= ca.d AND (sp.end_date IS NULL OR sp.end_date > ca.d)) AS is_active,
      (ca.first_end IS NULL OR ca.first_end > ca.d) AS is_survivor
      ${mrrCols}
    FROM ca
  )
  SELECT cohort_start, age, CAST(COUNT(*) AS INTEGER) AS customers,
    CAST(SUM(CASE WHEN is_active THEN 1 ELSE 0 END) AS INTEGER) AS active,
    CAST(SUM(CASE WHEN is_survivor THEN 1 ELSE 0 END) AS INTEGER) AS survivors,
    ${o.mrr ? "SUM(mrr_k)" : "CAST(NULL AS DOUBLE PRECISION)"} AS mrr,
    ${o.mrr ? "SUM(mrr_0)" : "CAST(NULL AS DOUBLE PRECISION)"} AS mrr_start,
    ${o.mrr ? "SUM(LEAST(mrr_k, mrr_0))" : "CAST(NULL AS DOUBLE PRECISION)"} AS mrr_capped
  FROM cell GROUP BY cohort_start, age ORDER BY cohort_start, age`;
}

/** One (cohort, age) cell as returned by cohortAgesSql. */
export interface CohortCell {
  cohortStart: string;
  age: number;
  customers: number;
  active: number;
  survivors: number;
  mrr: number | null;
  mrrStart: number | null;
  mrrCapped: number | null;
}

/** Reads cohortAgesSql rows into cells keyed by cohort start then age. */
export function readCells(rows: ReadonlyArray<Record<string, unknown>>): Map<string, Map<number, CohortCell>> {
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const out = new Map<string, Map<number, CohortCell>>();
  for (const r of rows) {
    const cohortStart = String(r.cohort_start);
    let m = out.get(cohortStart);
    if (!m) out.set(cohortStart, (m = new Map()));
    m.set(Number(r.age), {
      cohortStart,
      age: Number(r.age),
      customers: Number(r.customers),
      active: Number(r.active),
      survivors: Number(r.survivors),
      mrr: num(r.mrr),
      mrrStart: num(r.mrr_start),
      mrrCapped: num(r.mrr_capped),
    });
  }
  return out;
}

/** Whether the report can sum subscription MRR (subscriptions basis with an mrr field). */
export function hasSubscriptionMrr(ctx: Pick<AnalysisContext, "churn" | "fields">): boolean {
  return ctx.churn.kind === "subscriptions" && (ctx.fields.subscriptions ?? []).includes("mrr");
}

/** null for a zero or missing denominator, else a ÷ b. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** The dataset needs of an analysis built on spells: subscriptions, or transactions (inactivity basis). */
export function spellNeeds(): RoleNeed[] {
  return [
    { role: "subscriptions", fields: ["customer_id", "start_date", "end_date"], optional: ["mrr"] },
    { role: "transactions", fields: ["customer_id", "date"] },
  ];
}

/** Throws a clear error when the role the report's churn basis reads is not loaded. */
export function requireBasisRole(ctx: Pick<AnalysisContext, "churn" | "fields">, analysisId: string): void {
  const role = ctx.churn.kind === "subscriptions" ? "subscriptions" : "transactions";
  if (!ctx.fields[role]) {
    throw new ChurnbookError("missing-role", `analysis "${analysisId}" needs a "${role}" dataset for the ${ctx.churn.kind === "subscriptions" ? "subscription (contractual)" : "inactivity"} churn basis`, {
      hint: role === "subscriptions" ? "map a subscriptions dataset, or set the churn basis to inactivity on transactions" : "map a transactions dataset, or set the churn basis to subscriptions",
    });
  }
}
