// The shared vocabulary every stage speaks: values and rows of results and data, locales,
// reporting periods and how churn is recognised. It imports nothing, so data/, util/,
// definition/ and analysis/ can all use it without depending on one another.

/** One cell of a result or data row: missing values are null, never NaN or Infinity. */
export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

export const locales = ["zh-CN", "en-US"] as const;
export type Locale = (typeof locales)[number];
/** Text in every supported locale. */
export type Localized = Record<Locale, string>;

export const grains = ["month", "quarter", "year"] as const;
export type Grain = (typeof grains)[number];

/** A reporting period: a month ("2026-10"), a quarter ("2026-Q3") or a year ("2026"); see util/period.ts. */
export interface Period {
  grain: Grain;
  /** First day, inclusive (ISO date). */
  start: string;
  /** First day of the next period, exclusive (ISO date). */
  end: string;
  /** Canonical label: 2026-10, 2026-Q3, 2026. */
  label: string;
}

/** How churn is recognised for the report's customers (a dataset-level setting). */
export type ChurnBasis =
  /** Contractual: a customer churns when the last active subscription ends — or `graceDays`
   * later (past-due grace: a renewal within the grace period continues the relationship). */
  | {
      kind: "subscriptions";
      graceDays?: number;
      /** When churn is recognised: at the end of the paid period (end_date, the default) or on
       * the day the customer cancels (cancel_date, when the data has it). */
      recognition?: "period_end" | "cancellation";
    }
  /** Non-contractual: a customer churns after `days` without a transaction, judged at the period end. */
  | { kind: "inactivity"; days: number };

/** How returns and cancellations (negative amount or quantity) count in money figures: see analysis/money.ts. */
export type ReturnsConvention = "net" | "exclude";

/** The type of a declared output value (null is always allowed: a missing value). */
export const outputTypes = ["string", "number", "integer", "boolean", "date"] as const;
export type OutputType = (typeof outputTypes)[number];
/**
 * How a declared numeric or text output is presented: percent (a ratio shown ×100 %), currency
 * (in the report's currency), count (a whole number of things), number, ratio (a plain ratio such
 * as a hazard ratio or quick ratio), date, period (2026-10, 2026-Q3), label (text), days and
 * months (durations).
 */
export const outputFormats = ["percent", "currency", "count", "number", "ratio", "date", "period", "label", "days", "months"] as const;
export type OutputFormat = (typeof outputFormats)[number];
