// Shared pieces of the customer-value analyses (rfm, cpm, deciles, segments, customer-value):
// the as-of date, the purchase/return rule on transactions, id ordering and safe ratios.
//
// The purchase/return rule and money sums are the ones of analysis/money.ts, so a customer's
// "purchases" and "spend" mean the same thing in every table of a report: returns never count
// as purchases, and spend is netted (or returns excluded) by the report's `returns:` convention,
// summed as exact decimals.

import { quoteIdent, quoteLiteral } from "../../data/engine.js";
import { ChurnbookError } from "../../util/errors.js";
import { addDays } from "../../util/period.js";
import type { AnalysisContext, Locale, Localized } from "../types.js";
import { exactMoneySql, isReturnSql, netAmountSql } from "../money.js";
import { dialectOf } from "../../data/dialects/index.js";

/** The as-of date: the param when given (yyyy-mm-dd), else the last day of the report period. */
export function resolveAsOf(param: string | undefined, ctx: Pick<AnalysisContext, "period">, name = "as_of"): string {
  const s = (param ?? "").trim();
  if (s === "") return addDays(ctx.period.end, -1);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s + "T00:00:00Z")) || new Date(s + "T00:00:00Z").toISOString().slice(0, 10) !== s) {
    throw new ChurnbookError("bad-param", `param "${name}" must be a date yyyy-mm-dd, got "${s}"`, { hint: `e.g. --param ${name}=2026-10-31, or leave it empty for the last day of the period` });
  }
  return s;
}

export function dateLit(d: string): string {
  return `DATE ${quoteLiteral(d)}`;
}

/**
 * SQL (a FROM item: a subquery named `purchases`) of the transactions up to and including `asOf`, one row per
 * transaction: customer_id, date, is_return, net (the signed amount under the returns
 * convention, an exact DECIMAL), cost (exact; 0 when the field is absent or null), and each
 * `extra` column as an exact DECIMAL named x_<i> (null → 0), as recorded.
 */
export function purchaseRowsSql(ctx: Pick<AnalysisContext, "fields"> & Partial<Pick<AnalysisContext, "returns" | "dialect">>, asOf: string, since?: string, extra: readonly string[] = []): string {
  const fields = ctx.fields.transactions ?? [];
  const cost = exactMoneySql(fields.includes("cost") ? "COALESCE(cost, 0)" : "0", dialectOf(ctx));
  const from = since ? ` AND date >= ${dateLit(since)}` : "";
  const d = dialectOf(ctx);
  const xs = extra.map((c, i) => `, ${exactMoneySql(`COALESCE(${d.tryCast(quoteIdent(c), "number")}, 0)`, d)} AS x_${i}`).join("");
  return `(
    SELECT customer_id, date, ${isReturnSql(ctx)} AS is_return, ${netAmountSql(ctx)} AS net, ${cost} AS cost${xs}
    FROM transactions
    WHERE customer_id IS NOT NULL AND date IS NOT NULL AND amount IS NOT NULL AND date <= ${dateLit(asOf)}${from}
  ) AS purchases`;
}

/** Customer ids in code-unit order (the same order on every machine, unlike localeCompare). */
export function compareIds(a: unknown, b: unknown): number {
  const x = String(a), y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a ÷ b, or null when b is 0 (or either is null). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  const r = a / b;
  return Number.isFinite(r) ? r : null;
}

export function num(v: unknown): number {
  return typeof v === "number" ? v : v === null || v === undefined ? 0 : Number(v);
}

export function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function pick(text: Localized, locale: Locale): string {
  return text[locale];
}

/** Splits a comma list param ("a, b,,c") into trimmed non-empty names. */
export function splitList(s: string | undefined): string[] {
  return (s ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "");
}
