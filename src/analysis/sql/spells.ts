// Customer activity spells: the building block every churn metric is defined on.
//
// A spell is a maximal run of days [start_date, end_date) during which a customer is active;
// end_date is the churn date — the first day without activity — and null while still active.
// - Contractual (ctx.churn.kind = "subscriptions"): the union of the customer's subscriptions,
//   overlapping or back-to-back subscriptions merged; a gap of one day or more starts a new spell.
//   With past-due grace days g, each subscription counts as active for g days after its end:
//   a renewal within g days continues the spell, and churn is recognised g days after the end.
//   With recognition at cancellation, a subscription's cancel_date (when earlier) stands for its end.
// - Non-contractual ("inactivity"): each transaction on day t keeps the customer active on
//   [t, t + days); the customer churns on the first day `days` days after the last purchase.
//   Only purchases count: a return or cancellation (money.ts) never keeps a customer active.
//
// Determinism: intervals are de-duplicated before the windows run (several line items of one
// invoice give the same interval), so (start, end) orders each customer's intervals totally and
// every run numbers the same spells, whatever the row order of the input.
//
// Counting rules that follow (state them in the appendix): a customer is "active at the
// boundary b" (the start of a period) when a spell started before b and did not end before b
// (start_date < b ≤ end_date, or end_date null). A spell starting in the period is new
// (spell 1) or a reactivation (spell ≥ 2); a spell ending in the period is a churn in it.
// So active(end) = active(start) + starts − ends, always.

import type { AnalysisContext } from "../types.js";
import { quoteLiteral } from "../../data/engine.js";
import { isReturnSql } from "../money.js";
import { dialectOf } from "../../data/dialects/index.js";

const openEnd = "DATE '9999-12-31'";

/** SQL selecting (customer_id, spell_no, start_date, end_date) for the report's churn basis. */
export function spellsSql(ctx: Pick<AnalysisContext, "churn"> & Partial<Pick<AnalysisContext, "fields" | "dialect">>): string {
  const d = dialectOf(ctx);
  const intervals =
    ctx.churn.kind === "subscriptions"
      ? `SELECT customer_id, start_date AS s, COALESCE(${d.dateAdd(endOf(ctx.churn), Math.max(0, Math.round(ctx.churn.graceDays ?? 0)), "day")}, ${openEnd}) AS e
         FROM subscriptions
         WHERE customer_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date)`
      : `SELECT customer_id, date AS s, ${d.dateAdd("date", Math.round(ctx.churn.days), "day")} AS e
         FROM transactions
         WHERE customer_id IS NOT NULL AND date IS NOT NULL AND NOT ${isReturnSql(ctx)}`;
  return `(
    WITH i AS (SELECT DISTINCT customer_id, s, e FROM (${intervals}) AS x),
    o AS (SELECT *, MAX(e) OVER (PARTITION BY customer_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end FROM i),
    g AS (SELECT *, SUM(CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END) OVER (PARTITION BY customer_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS spell_no FROM o)
    SELECT customer_id, CAST(spell_no AS INTEGER) AS spell_no, MIN(s) AS start_date, NULLIF(MAX(e), ${openEnd}) AS end_date
    FROM g GROUP BY customer_id, spell_no
  )`;
}

/** The day a subscription stops counting: its end, or (recognition at cancellation) the day it
 * was cancelled when that comes first. A cancellation before the start ends nothing. */
function endOf(churn: Extract<AnalysisContext["churn"], { kind: "subscriptions" }>): string {
  return churn.recognition === "cancellation" ? "CASE WHEN cancel_date > start_date THEN least(cancel_date, coalesce(end_date, cancel_date)) ELSE end_date END" : "end_date";
}

/** SQL predicate: the spell (alias) is active at boundary date b. */
export function activeAt(alias: string, boundary: string): string {
  const b = `DATE ${quoteLiteral(boundary)}`;
  return `(${alias}.start_date < ${b} AND (${alias}.end_date IS NULL OR ${alias}.end_date >= ${b}))`;
}

/** SQL predicate: the date expression falls in [start, end). */
export function within(expr: string, start: string, end: string): string {
  return `(${expr} >= DATE ${quoteLiteral(start)} AND ${expr} < DATE ${quoteLiteral(end)})`;
}
