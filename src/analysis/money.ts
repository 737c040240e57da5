// Money and returns: the one place that decides how amounts are summed and compared.
//
// Amounts are decimals in the data but DOUBLEs in the engine, and summing doubles leaves
// residue that depends on the order of summation (a customer who returned exactly what they
// bought nets −2.8e-17, not 0). So:
// - every money sum whose sign, zero or threshold decides a class, a filter or a fit's
//   inclusion is computed in SQL over `exactMoneySql(amount)`: DECIMAL(38, 4), exact for any
//   currency's minor unit (0–3 decimals) and sub-cent prices, in any row order;
// - where doubles remain (means, model fits), money is compared with `moneySign`, which treats
//   anything within half a minor unit of the report currency as zero.
// No analysis compares a money float with 0 directly.
//
// Returns and cancellations (a transaction row with amount < 0 or quantity < 0) follow one
// declared convention for every analysis (`returns:` in the definition, `--returns` in analyze):
// - net (default): a return subtracts |amount| from the customer's spend;
// - exclude: returns are dropped from every money figure.
// Under both, a return is never a purchase: it does not count in frequency, never sets the
// last purchase date, and never keeps a customer active (inactivity churn).

import type { AnalysisContext, Localized, ReturnsConvention } from "./types.js";
import { dialectOf, type Dialect } from "../data/dialects/index.js";

/** SQL: an exact DECIMAL(38, 4) of a money expression (null stays null), in the engine's dialect. */
export function exactMoneySql(expr: string, dialect: Dialect): string {
  // NaN and ±Infinity have no decimal: they become null (the loader refuses them in files;
  // analyses that must notice them check isFinite on the raw column).
  return dialect.exactDecimal(`CASE WHEN ${dialect.isFinite(expr)} THEN ${expr} END`, 4);
}

/**
 * SQL aggregate: the mean of a money expression as a double — the exact sum rounded once to a
 * double, divided by the count (null when no value). AVG over exact decimals rounds differently
 * in each engine (DuckDB divides in extended precision, PostgreSQL to a NUMERIC scale); this is
 * the same double everywhere.
 */
export function meanMoneySql(expr: string): string {
  return `CAST(SUM(${expr}) AS DOUBLE PRECISION) / NULLIF(COUNT(${expr}), 0)`;
}

/** SQL predicate over the `transactions` table: the row is a return or cancellation. */
export function isReturnSql(ctx: Partial<Pick<AnalysisContext, "fields">>, alias = ""): string {
  // Without known fields (a bare spells query in a test) no row can be told to be a return.
  const fields = ctx.fields?.transactions ?? [];
  const a = alias ? `${alias}.` : "";
  const parts = [fields.includes("amount") ? `COALESCE(${a}amount, 0) < 0` : null, fields.includes("quantity") ? `COALESCE(${a}quantity, 0) < 0` : null].filter(Boolean);
  return parts.length ? `(${parts.join(" OR ")})` : "FALSE";
}

/** SQL: a transaction row's signed money under the returns convention (returns negative, or 0 when excluded). */
export function netAmountSql(ctx: Partial<Pick<AnalysisContext, "fields" | "returns" | "dialect">>, alias = ""): string {
  const a = alias ? `${alias}.` : "";
  const ret = isReturnSql(ctx, alias);
  const signed = `CASE WHEN ${ret} THEN ${ctx.returns === "exclude" ? "0" : `-ABS(${a}amount)`} ELSE ${a}amount END`;
  return exactMoneySql(signed, dialectOf(ctx));
}

const minorDigits = new Map<string, number>();

/** Decimal places of a currency's minor unit (USD, CNY 2; JPY 0; KWD 3). */
export function minorUnitDigits(currency: string): number {
  // Building an Intl formatter costs tens of microseconds and moneySign runs per scored customer: once per currency.
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorDigits.set(currency, digits);
  }
  return digits;
}

/** Half a minor unit of the currency: the tolerance below which a money double is zero. */
export function moneyTolerance(currency: string): number {
  return 0.5 * 10 ** -minorUnitDigits(currency);
}

/** −1, 0 or 1: the sign of an amount, zero within half a minor unit (null counts as zero). */
export function moneySign(x: number | null | undefined, currency: string): -1 | 0 | 1 {
  if (x === null || x === undefined || !Number.isFinite(x) || Math.abs(x) < moneyTolerance(currency)) return 0;
  return x > 0 ? 1 : -1;
}

/** a compared with b as money: −1, 0 (within half a minor unit) or 1. */
export function compareMoney(a: number, b: number, currency: string): -1 | 0 | 1 {
  return moneySign(a - b, currency);
}

export const returnsConventions = ["net", "exclude"] as const satisfies readonly ReturnsConvention[];

/** The returns convention in plain words, for the appendix of every report with transactions. */
export function returnsRule(convention: ReturnsConvention = "net"): Localized {
  return convention === "exclude"
    ? {
        "zh-CN": "退货与取消（returns: exclude）：金额 < 0 或数量 < 0 的交易记为退货/取消，不计入购买次数、不更新最近购买日期、不使客户保持活跃，其金额也不计入任何消费额；其余金额非空的交易（含 0 元订单）均为购买。",
        "en-US": "Returns and cancellations (returns: exclude): a transaction with amount < 0 or quantity < 0 is a return/cancellation; it is not a purchase (not counted in frequency, never the last purchase date, never keeps a customer active) and its amount is left out of every spend figure. Every other transaction with an amount (zero-amount orders included) is a purchase.",
      }
    : {
        "zh-CN": "退货与取消（returns: net，默认）：金额 < 0 或数量 < 0 的交易记为退货/取消，不计入购买次数、不更新最近购买日期、不使客户保持活跃，其金额的绝对值从该客户的消费额中扣除（净额）；其余金额非空的交易（含 0 元订单）均为购买。金额按精确小数求和，与 0 或阈值比较时，差额小于该币种最小单位一半视为相等。",
        "en-US": "Returns and cancellations (returns: net, the default): a transaction with amount < 0 or quantity < 0 is a return/cancellation; it is not a purchase (not counted in frequency, never the last purchase date, never keeps a customer active) and its absolute amount is subtracted from the customer's spend (net spend). Every other transaction with an amount (zero-amount orders included) is a purchase. Amounts are summed as exact decimals; a difference smaller than half the currency's minor unit counts as zero.",
      };
}
