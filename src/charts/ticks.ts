// Locale-aware tick formats. Plot's defaults speak en-US (Jan, Feb, "1.2k"); a zh-CN report
// must say 2026年10月 and 12万. Every formatter here goes through render/format.ts so chart
// ticks and table cells agree. Formatters get Plot's (value, index, ticks) arguments.

import { format as d3Format, timeFormatLocale, utcFormat } from "d3";
import type { Locale } from "../core/vocabulary.js";
import { compactUnit, formatCurrency, formatInteger, formatNumber, formatPercent, formatPeriod, formatValue, missing, toFiniteNumber, withMinus } from "../util/format.js";
import { msg } from "../locales/index.js";
import type { ScaleSpec } from "./spec.js";

export type TickFormatter = (value: unknown, index?: number, ticks?: ArrayLike<unknown>) => string;

/** The fewest decimals (0–2) that tell every tick apart at the given scale factor. */
function decimalsFor(ticks: ArrayLike<unknown> | undefined, factor: number): number {
  if (!ticks || typeof ticks.length !== "number") return 1;
  const values = Array.from(ticks, (t) => toFiniteNumber(t)).filter((v): v is number => v !== null);
  for (let d = 0; d <= 2; d++) {
    const k = 10 ** d;
    if (values.every((v) => Math.abs(Math.round(v * factor * k) - v * factor * k) < 1e-6)) return d;
  }
  return 2;
}

/** A unit for a whole axis, so ticks read 0 · 0.5万 · 1万 rather than 8,000 · 1万. */
function axisUnit(ticks: ArrayLike<unknown> | undefined, locale: Locale): { divisor: number; suffix: string } | null {
  if (!ticks || typeof ticks.length !== "number") return null;
  const max = Math.max(0, ...Array.from(ticks, (t) => Math.abs(toFiniteNumber(t) ?? 0)));
  return max < 10_000 ? null : compactUnit(max, locale);
}

function unitTick(v: unknown, ticks: ArrayLike<unknown> | undefined, locale: Locale, currency: string | null): string | null {
  const unit = axisUnit(ticks, locale);
  const n = toFiniteNumber(v);
  if (!unit || n === null || n === 0) return null;
  return inUnit(n, unit, decimalsFor(ticks, 1 / unit.divisor), locale, currency);
}

/** n in the unit (万, K …) with the given decimals; the currency symbol and sign from Intl. */
function inUnit(n: number, unit: { divisor: number; suffix: string }, digits: number, locale: Locale, currency: string | null): string {
  const scaled = n / unit.divisor;
  if (currency === null) return formatNumber(scaled, locale, { digits, fixed: true }) + unit.suffix;
  // The unit goes after the digits.
  const parts = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol", minimumFractionDigits: digits, maximumFractionDigits: digits }).formatToParts(scaled);
  let out = "";
  let placed = false;
  for (let i = 0; i < parts.length; i++) {
    out += parts[i]!.value;
    const isDigit = parts[i]!.type === "integer" || parts[i]!.type === "fraction" || parts[i]!.type === "decimal" || parts[i]!.type === "group";
    const nextIsDigit = i + 1 < parts.length && ["integer", "fraction", "decimal", "group"].includes(parts[i + 1]!.type);
    if (isDigit && !nextIsDigit && !placed) {
      out += unit.suffix;
      placed = true;
    }
  }
  return withMinus(out);
}

/**
 * Labels for a set of values shown together (a bridge's bars): one unit for all of them, from
 * the largest (¥88.0万 · ¥0.8万, never ¥88.0万 next to ¥8,444), one decimal (two when every
 * value is below ten units). Counts and small values print in full.
 */
export function sharedUnitFormat(values: readonly number[], format: "currency" | "number" | "integer" | "percent", locale: Locale, currency: string): (v: number) => string {
  const unit = format === "percent" ? null : axisUnit(values, locale);
  if (!unit) return (v) => formatValue(v, format, locale, currency);
  const digits = Math.max(...values.map((v) => Math.abs(v))) / unit.divisor < 10 ? 2 : 1;
  return (v) => inUnit(v, unit, digits, locale, format === "currency" ? currency : null);
}

export function numberTickFormat(format: NonNullable<ScaleSpec["format"]>, locale: Locale, currency: string): TickFormatter {
  switch (format) {
    case "percent":
      return (v, _i, ticks) => formatPercent(v, locale, { digits: decimalsFor(ticks, 100) });
    case "currency":
      return (v, _i, ticks) => unitTick(v, ticks, locale, currency) ?? formatCurrency(v, locale, currency, { compact: true });
    case "integer":
      return (v, _i, ticks) => unitTick(v, ticks, locale, null) ?? formatInteger(v, locale, { compact: true });
    case "number":
      return (v, _i, ticks) => unitTick(v, ticks, locale, null) ?? formatNumber(v, locale, { compact: true, digits: decimalsFor(ticks, 1) });
    default: {
      const never: never = format;
      throw new Error(`invalid format: ${String(never)}`);
    }
  }
}

const zhMonths = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"] as [string, string, string, string, string, string, string, string, string, string, string, string];
/** d3's time locale for zh-CN, so "date:%b %Y" specifiers never print English month names. */
const zhTimeLocale = timeFormatLocale({
  dateTime: "%x %A %X",
  date: "%Y年%-m月%-d日",
  time: "%H:%M:%S",
  periods: ["上午", "下午"],
  days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
  shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
  months: zhMonths,
  shortMonths: zhMonths,
});

/** d3 time formats ("date:" specifiers) of each locale. */
const timeFormats: Record<Locale, (specifier: string) => (d: Date) => string> = { "zh-CN": zhTimeLocale.utcFormat, "en-US": utcFormat };

function asDate(v: unknown): Date | null {
  return v instanceof Date && Number.isFinite(v.getTime()) ? v : null;
}

/**
 * Dates on an axis: the year on the first tick and on each January, the month otherwise —
 * 2026年1月 · 2月 · 3月 / Jan 2026 · Feb · Mar. Days when ticks fall inside months; years alone
 * when every tick is a 1 January.
 */
export function dateTickFormat(locale: Locale): TickFormatter {
  return (v, i = 0, ticks) => {
    const d = asDate(v);
    if (!d) return missing;
    const all = ticks ? Array.from(ticks, asDate).filter((t): t is Date => t !== null) : [d];
    const y = d.getUTCFullYear(), m = d.getUTCMonth(), day = d.getUTCDate();
    const prev = i > 0 ? asDate(ticks?.[i - 1]) : null;
    const newYear = prev === null || prev.getUTCFullYear() !== y;
    const say = msg(locale).format;
    if (all.every((t) => t.getUTCMonth() === 0 && t.getUTCDate() === 1)) return say.axisYear(y);
    if (all.every((t) => t.getUTCDate() === 1)) return say.axisMonth(m, newYear ? y : null);
    return say.axisDay(m, day, newYear ? y : null);
  };
}

/** A ScaleSpec.tickFormat string: "date:<d3 time format>" or a d3-format specifier. */
export function specifierTickFormat(specifier: string, locale: Locale): TickFormatter {
  if (specifier.startsWith("date:")) {
    const f = timeFormats[locale](specifier.slice(5));
    return (v) => {
      const d = asDate(v);
      return d ? f(d) : missing;
    };
  }
  const f = d3Format(specifier);
  return (v) => {
    const n = toFiniteNumber(v);
    return n === null ? missing : f(n);
  };
}

/** Period labels (2026-10, 2026-Q3) on an ordinal axis. */
export function periodTickFormat(locale: Locale): TickFormatter {
  return (v) => formatPeriod(v, locale);
}
