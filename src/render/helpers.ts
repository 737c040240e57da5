// Handlebars helpers, as a plain object per locale, so the runner can evaluate markdown cells
// (`{{percent summary.churn_rate}}`) with exactly the helpers the templates use. They live on
// an isolated Handlebars.create() instance: nothing is registered globally.
//
// Helpers return plain strings, which Handlebars escapes; none returns a SafeString.

import Handlebars from "handlebars";
import type { Locale } from "../core/vocabulary.js";
import type { ValueFormat } from "./document.js";
import { compactMoneyByDefault, computeDelta, deltaTone, formatCurrency, formatDate, formatInteger, formatNumber, formatPercent, formatPeriod, formatValue } from "../util/format.js";
import { label } from "./labels.js";

export interface HelperContext {
  locale: Locale;
  currency: string;
}

type HelperOptions = Handlebars.HelperOptions;

/** The options hash Handlebars appends as the last argument. */
function hashOf(args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1] as HelperOptions | undefined;
  return last && typeof last === "object" && "hash" in last ? (last.hash as Record<string, unknown>) : {};
}

const valueFormats: readonly ValueFormat[] = ["number", "integer", "percent", "currency", "date", "period", "text", "months", "days"];

/**
 * The helpers for a locale and currency. Numbers: `{{number x}}`, `{{integer x}}`,
 * `{{percent x}}` (a ratio, one decimal), `{{currency x}}`; `compact=true` gives 12.3万 /
 * 12.3K — and in zh-CN prose currency is compact by default (`compact=false` for full).
 * `{{date d}}`, `{{period "2026-10"}}`, `{{delta current previous format="percent" better="down"}}`
 * (arrow + text; `{{deltaClass …}}` gives good/bad/neutral), `{{format x "currency"}}`,
 * `{{t "contents"}}`.
 */
export function makeHelpers(ctx: HelperContext): Record<string, Handlebars.HelperDelegate> {
  const { locale, currency } = ctx;
  return {
    number: (value: unknown, ...rest: unknown[]) => {
      const h = hashOf(rest);
      return formatNumber(value, locale, { compact: h.compact === true, digits: typeof h.digits === "number" ? h.digits : undefined });
    },
    integer: (value: unknown, ...rest: unknown[]) => formatInteger(value, locale, { compact: hashOf(rest).compact === true }),
    percent: (value: unknown, ...rest: unknown[]) => {
      const h = hashOf(rest);
      return formatPercent(value, locale, { digits: typeof h.digits === "number" ? h.digits : undefined });
    },
    currency: (value: unknown, ...rest: unknown[]) => {
      const h = hashOf(rest);
      const compact = h.compact === undefined ? compactMoneyByDefault[locale] : h.compact === true;
      return formatCurrency(value, locale, currency, { compact });
    },
    date: (value: unknown) => formatDate(value, locale),
    period: (value: unknown) => formatPeriod(value, locale),
    format: (value: unknown, format: unknown, ...rest: unknown[]) => {
      if (typeof format !== "string" || !valueFormats.includes(format as ValueFormat)) throw new Error(`invalid format: ${String(format)}`);
      return formatValue(value as never, format as ValueFormat, locale, currency, { compact: hashOf(rest).compact === true });
    },
    delta: (current: unknown, previous: unknown, ...rest: unknown[]) => {
      const h = hashOf(rest);
      const format = (typeof h.format === "string" ? h.format : "number") as ValueFormat;
      const d = computeDelta(current, previous, format, locale);
      const arrow = d.direction === "up" ? "▲ " : d.direction === "down" ? "▼ " : "";
      return arrow + d.text;
    },
    deltaClass: (current: unknown, previous: unknown, ...rest: unknown[]) => {
      const h = hashOf(rest);
      const format = (typeof h.format === "string" ? h.format : "number") as ValueFormat;
      return deltaTone(computeDelta(current, previous, format, locale).direction, h.better === "down" ? "down" : "up");
    },
    t: (key: unknown, ...rest: unknown[]) => label(String(key), locale, hashOf(rest) as Record<string, string | number>),
    eq: (a: unknown, b: unknown) => a === b,
  };
}

/** Helpers markdown cells have besides makeHelpers'. */
export const markdownHelpers = {
  /** {{abs x}} */
  abs: (v: unknown) => (typeof v === "number" ? Math.abs(v) : v),
  /** {{#if (gt a b)}} … {{/if}} */
  gt: (a: unknown, b: unknown) => typeof a === "number" && typeof b === "number" && a > b,
  lt: (a: unknown, b: unknown) => typeof a === "number" && typeof b === "number" && a < b,
};

/** An isolated Handlebars with the helpers registered (templates and markdown cells). */
export function createHandlebars(ctx: HelperContext): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper(makeHelpers(ctx));
  return hb;
}

/** Evaluates a markdown cell's Handlebars over analysis results (values escaped), for the runner. */
export function applyTemplate(source: string, context: unknown, ctx: HelperContext): string {
  return createHandlebars(ctx).compile(source, { strict: false, noEscape: false })(context);
}
