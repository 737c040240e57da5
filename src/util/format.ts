// Locale helpers: the one place numbers, dates and periods become text. Templates, chart
// ticks and markdown prose all format through here, so a report never shows "NaN",
// "Infinity" or "undefined" — a missing value is always an em dash.
//
// Pure: no clock, no environment; the locale and currency are parameters. Dates are ISO
// strings read as UTC calendar dates (never shifted by the machine's time zone).

import type { Locale, Value } from "../core/vocabulary.js";
import { msg } from "../locales/index.js";

/** How a value is shown: the formats of table columns, KPI items and chart axes. */
export type ValueFormat = "number" | "integer" | "percent" | "currency" | "date" | "period" | "text" | "months" | "days";

/** What a missing, NaN or infinite value prints as. */
export const missing = "—";

export interface FormatOptions {
  /**
   * Short magnitudes for prose and KPI cards: 12.3万 / 1.2亿 in zh-CN, 12.3K / 1.2M in en-US.
   * Tables use full figures. Applies to number, integer and currency.
   */
  compact?: boolean;
  /** Fraction digits for percent (default 1) and number (default up to 1); for currency, exact. */
  digits?: number;
  /**
   * Show exactly `digits` fraction digits (not up to): one format per table column, so
   * 1.5 and 2 print as 1.5 and 2.0 (see columnFormat).
   */
  fixed?: boolean;
}

/** The typographic minus sign (U+2212): Intl writes a hyphen-minus, which reads as a dash. */
export const minusSign = "\u2212";

/** A formatted negative number with the minus sign, not the hyphen Intl writes. */
export function withMinus(text: string): string {
  return text.replace("-", minusSign);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** Intl formatters are costly to build; cache them by locale and options. */
function nf(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A finite number, or null for anything else (null, NaN, ±Infinity, non-numeric text). */
export function toFiniteNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

// Avoid "-0" after rounding (e.g. -0.0004 → "-0.0%").
function unsignedZero(n: number, digits: number): number {
  const r = Math.round(n * 10 ** digits) / 10 ** digits;
  return Object.is(r, -0) || r === 0 ? 0 : n;
}

/**
 * The units of compact figures in each locale, largest first: Chinese counts in 万 (10⁴) and
 * 亿 (10⁸), English in thousands. Intl's compact notation picks the same units; chart axes
 * (charts/ticks.ts) scale by them.
 */
export const compactUnits: Record<Locale, readonly { divisor: number; suffix: string }[]> = {
  "zh-CN": [
    { divisor: 1e12, suffix: "万亿" },
    { divisor: 1e8, suffix: "亿" },
    { divisor: 1e4, suffix: "万" },
  ],
  "en-US": [
    { divisor: 1e12, suffix: "T" },
    { divisor: 1e9, suffix: "B" },
    { divisor: 1e6, suffix: "M" },
    { divisor: 1e3, suffix: "K" },
  ],
};

/** Whether prose shows money compact unless told otherwise: Chinese readers take amounts in 万
 * (¥599.2万), English readers the full figure ($446,402). */
export const compactMoneyByDefault: Record<Locale, boolean> = { "zh-CN": true, "en-US": false };

/** The compact unit of a magnitude (null below the smallest unit). */
export function compactUnit(n: number, locale: Locale): { divisor: number; suffix: string } | null {
  const a = Math.abs(n);
  return compactUnits[locale].find((u) => a >= u.divisor) ?? null;
}

/**
 * Fraction digits of a compact figure: two when the mantissa is a single digit ($1.93M,
 * 1.25万), one otherwise (12.3万, $182.4K), so three significant figures survive.
 */
function compactDigits(n: number, locale: Locale): number {
  return Math.abs(n) / (compactUnit(n, locale)?.divisor ?? 1) < 10 ? 2 : 1;
}

/** Compact means: only when it helps (≥ 10,000); small values print in full. */
function wantsCompact(n: number, options: FormatOptions): boolean {
  return options.compact === true && Math.abs(n) >= 10_000;
}

export function formatNumber(value: unknown, locale: Locale, options: FormatOptions = {}): string {
  const n = toFiniteNumber(value);
  if (n === null) return missing;
  const digits = options.digits ?? 1;
  if (wantsCompact(n, options)) return withMinus(nf(locale, { notation: "compact", maximumFractionDigits: compactDigits(n, locale) }).format(n));
  return withMinus(nf(locale, { minimumFractionDigits: options.fixed ? digits : 0, maximumFractionDigits: digits }).format(unsignedZero(n, digits)));
}

export function formatInteger(value: unknown, locale: Locale, options: FormatOptions = {}): string {
  const n = toFiniteNumber(value);
  if (n === null) return missing;
  if (wantsCompact(n, options)) return withMinus(nf(locale, { notation: "compact", maximumFractionDigits: compactDigits(n, locale) }).format(n));
  return withMinus(nf(locale, { maximumFractionDigits: 0 }).format(unsignedZero(Math.round(n), 0)));
}

/** A ratio (0.123) as a percentage with one decimal (12.3%). */
export function formatPercent(value: unknown, locale: Locale, options: FormatOptions = {}): string {
  const n = toFiniteNumber(value);
  if (n === null) return missing;
  const digits = options.digits ?? 1;
  return withMinus(nf(locale, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(unsignedZero(n, digits + 2)));
}

/**
 * An amount in the report's currency. Whole units from 1,000 up (board reports do not
 * show cents on large sums); compact (¥12.3万, $12.3K) when asked.
 */
export function formatCurrency(value: unknown, locale: Locale, currency: string, options: FormatOptions = {}): string {
  const n = toFiniteNumber(value);
  if (n === null) return missing;
  const base: Intl.NumberFormatOptions = { style: "currency", currency, currencyDisplay: "narrowSymbol" };
  if (wantsCompact(n, options)) return withMinus(nf(locale, { ...base, notation: "compact", maximumFractionDigits: compactDigits(n, locale) }).format(n));
  // Whole amounts and amounts of a thousand or more show no cents (a table column decides once for all its cells).
  const digits = options.digits ?? (Math.abs(n) >= 1000 || Number.isInteger(n) ? 0 : 2);
  return withMinus(nf(locale, { ...base, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(unsignedZero(n, digits)));
}

/**
 * One number format for a whole table column: the same decimals in every cell (a column of
 * amounts shows cents everywhere or nowhere; a column of numbers 1.5 and 2 shows 1.5 and 2.0).
 * Amounts: no cents when any amount is 1,000 or more or all are whole; numbers, months and
 * days: one decimal when any value needs it. Other formats need nothing.
 */
export function columnFormat(values: readonly unknown[], format: ValueFormat): FormatOptions {
  const ns = values.map(toFiniteNumber).filter((v): v is number => v !== null);
  switch (format) {
    case "currency":
      return { digits: ns.some((v) => Math.abs(v) >= 1000) || ns.every((v) => Number.isInteger(v)) ? 0 : 2 };
    case "number":
    case "months":
    case "days":
      return { digits: ns.some((v) => Math.round(v * 10) % 10 !== 0) ? 1 : 0, fixed: true };
    default:
      return {};
  }
}

/** Parses yyyy-mm-dd (optionally with a time) as a UTC date; null when not a date. */
export function parseIsoDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value : null;
  if (typeof value !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!m) return null;
  const t = Date.parse(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : value.trim().replace(" ", "T") + (m[7] ? "" : "Z"));
  return Number.isFinite(t) ? new Date(t) : null;
}

const dateFormats = {
  day: { "zh-CN": { year: "numeric", month: "long", day: "numeric" }, "en-US": { year: "numeric", month: "short", day: "numeric" } },
  month: { "zh-CN": { year: "numeric", month: "long" }, "en-US": { year: "numeric", month: "long" } },
  monthShort: { "zh-CN": { year: "numeric", month: "long" }, "en-US": { year: "numeric", month: "short" } },
} as const satisfies Record<string, Record<Locale, Intl.DateTimeFormatOptions>>;

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function df(locale: Locale, kind: keyof typeof dateFormats): Intl.DateTimeFormat {
  const key = `${locale}:${kind}`;
  let f = dateFormatters.get(key);
  if (!f) dateFormatters.set(key, (f = new Intl.DateTimeFormat(locale, { ...dateFormats[kind][locale], timeZone: "UTC" })));
  return f;
}

/** 2026年10月5日 / Oct 5, 2026. */
export function formatDate(value: unknown, locale: Locale): string {
  const d = parseIsoDate(value);
  return d ? df(locale, "day").format(d) : missing;
}

/** 2026年10月 / October 2026 (or Oct 2026 with `short`). */
export function formatMonth(value: unknown, locale: Locale, short = false): string {
  const d = parseIsoDate(value);
  return d ? df(locale, short ? "monthShort" : "month").format(d) : missing;
}

/** A date-time (the generation timestamp): the date, then hh:mm in UTC. */
export function formatDateTime(value: unknown, locale: Locale): string {
  const d = parseIsoDate(value);
  if (!d) return missing;
  const hm = d.toISOString().slice(11, 16);
  return `${df(locale, "day").format(d)} ${hm} UTC`;
}

/** Period labels: 2026-10 → 2026年10月 / October 2026; 2026-Q3 → 2026年第3季度 / Q3 2026; 2026 → 2026年 / 2026. */
export function formatPeriod(label: unknown, locale: Locale): string {
  if (typeof label !== "string" && (typeof label !== "number" || !Number.isFinite(label))) return missing;
  const text = String(label).trim();
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return formatMonth(`${m[1]}-${m[2]}-01`, locale);
  m = /^(\d{4})-Q([1-4])$/i.exec(text);
  if (m) return msg(locale).format.quarter(m[1]!, m[2]!);
  m = /^(\d{4})$/.exec(text);
  if (m) return msg(locale).format.year(m[1]!);
  // An ISO date stands for its day.
  if (parseIsoDate(text)) return formatDate(text, locale);
  return text === "" ? missing : text;
}

/** A duration in months or days: 3.2个月 / 3.2 months; 12天 / 12 days. */
function formatDuration(value: unknown, unit: "months" | "days", locale: Locale, options: FormatOptions = {}): string {
  const n = toFiniteNumber(value);
  if (n === null) return missing;
  return msg(locale).format[unit](formatNumber(n, locale, options), n);
}

/** Formats any value of a report by its declared format. */
export function formatValue(value: Value | Date | undefined, format: ValueFormat, locale: Locale, currency: string, options: FormatOptions = {}): string {
  if (value === null || value === undefined) return missing;
  switch (format) {
    case "number":
      return formatNumber(value, locale, options);
    case "integer":
      return formatInteger(value, locale, options);
    case "percent":
      return formatPercent(value, locale, options);
    case "currency":
      return formatCurrency(value, locale, currency, options);
    case "date":
      return formatDate(value, locale);
    case "period":
      return formatPeriod(value, locale);
    case "months":
    case "days":
      return formatDuration(value, format, locale, options);
    case "text":
      if (typeof value === "number" && !Number.isFinite(value)) return missing;
      return value instanceof Date ? formatDate(value, locale) : String(value);
    default: {
      const never: never = format;
      throw new Error(`invalid format: ${String(never)}`);
    }
  }
}

export const deltaDirections = ["up", "down", "flat"] as const;
export type DeltaDirection = (typeof deltaDirections)[number];

export interface Delta {
  /** "+1.2 pp", "−3.4%", or "—" when it cannot be computed. */
  text: string;
  direction: DeltaDirection | null;
  /** The change: percentage points for rates, a relative change (ratio) otherwise. */
  value: number | null;
}

/**
 * The change from `previous` to `current`. Rates (format "percent") change in percentage
 * points (+1.2 pp / +1.2个百分点); counts and amounts change relatively (+5.3%). A zero or
 * missing base gives "—".
 */
export function computeDelta(current: unknown, previous: unknown, format: ValueFormat, locale: Locale): Delta {
  const c = toFiniteNumber(current);
  const p = toFiniteNumber(previous);
  if (c === null || p === null) return { text: missing, direction: null, value: null };
  const sign = (v: number) => (v > 0 ? "+" : v < 0 ? "−" : "±");
  if (format === "percent") {
    const pp = Math.round((c - p) * 1000) / 10;
    const direction: DeltaDirection = pp > 0 ? "up" : pp < 0 ? "down" : "flat";
    const abs = nf(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(pp));
    return { text: msg(locale).format.pointsChange(`${sign(pp)}${abs}`), direction, value: (c - p) * 100 };
  }
  if (p === 0) return { text: missing, direction: c === 0 ? "flat" : null, value: null };
  const rel = (c - p) / Math.abs(p);
  const rounded = Math.round(rel * 1000) / 10;
  const direction: DeltaDirection = rounded > 0 ? "up" : rounded < 0 ? "down" : "flat";
  const abs = nf(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(rounded));
  return { text: `${sign(rounded)}${abs}%`, direction, value: rel };
}

/** Whether a change is good news given which way is better; null when flat or unknown. */
export function deltaTone(direction: DeltaDirection | null, better: "up" | "down"): "good" | "bad" | "neutral" {
  if (direction === null || direction === "flat") return "neutral";
  return direction === better ? "good" : "bad";
}
