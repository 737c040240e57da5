// Page one of a report: the cover style, the executive summary and the alert thresholds, as
// written in a definition (`cover:`, `summary:`, `alerts:`) and in their normal form. The
// summary and the alerts are computed from the results by runner/summary.ts and runner/alerts.ts.

import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { ChurnbookError } from "../util/errors.js";
import type { SourceMap } from "./validate.js";

const literals = <T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, options) as TSchema;

/** Metrics an alert can watch. The churn-summary ones read its scalars (this period, prev_ for up_by/down_by). */
export const summaryAlertMetrics = ["churn_rate", "retention_rate", "growth_rate", "nrr", "grr", "gross_mrr_churn_rate", "net_mrr_churn_rate", "customers_end", "mrr_end", "churned_mrr"] as const;
export const alertMetrics = [...summaryAlertMetrics, "high_value_share", "early_churn", "segment_churn"] as const;
export type AlertMetric = (typeof alertMetrics)[number];

export const CoverSpec = Type.Union([Type.Literal(false), literals(["compact", "full"] as const)], {
  description: "The first page: `full` (default) a cover page; `compact` a title block at the top of page one, followed by the executive summary; `false` no cover at all.",
});

export const appendixLevels = ["plain", "full", "none"] as const;
export type AppendixLevel = (typeof appendixLevels)[number];

export const AppendixSpec = literals(appendixLevels, {
  description:
    "How much the appendix says: `plain` (default) each metric's definition in words a manager reads, the summary's rules, the report's conventions and the data's coverage; `full` adds the formulas, model details and the settings each analysis ran with; `none` leaves the appendix out.",
});

export const SummarySpec = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        changes: Type.Optional(Type.Integer({ minimum: 1, maximum: 6, default: 3, description: "How many of the period's most important changes to list (default 3)." })),
        actions: Type.Optional(Type.Integer({ minimum: 0, maximum: 6, default: 3, description: "How many playbook actions to list (default 3)." })),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "The executive summary on page one, generated from the results in the report's language: the headline figures, the most important changes (ranked by the materiality rule stated in the appendix), what drove the change in churn (a churn-drivers cell), the alerts and the top playbook actions. `true` for the defaults.",
  },
);

export const AlertSpec = Type.Object(
  {
    metric: literals(alertMetrics, {
      description:
        "What to watch: a churn-summary metric (churn_rate, retention_rate, growth_rate, nrr, grr, gross_mrr_churn_rate, net_mrr_churn_rate, customers_end, mrr_end, churned_mrr), high_value_share (churned-value: high-value share of the churned customers), early_churn (early-churn: the latest cohort's churn within `horizon` periods) or segment_churn (churn-drivers: a segment whose churn rate is above its usual band).",
    }),
    above: Type.Optional(Type.Number({ description: "Alert when the value is above this (ratios as decimals: 0.03 = 3%)." })),
    below: Type.Optional(Type.Number({ description: "Alert when the value is below this." })),
    up_by: Type.Optional(Type.Number({ minimum: 0, description: "Alert when the value rose by more than this against the previous period (ratios: 0.05 = 5 points)." })),
    down_by: Type.Optional(Type.Number({ minimum: 0, description: "Alert when the value fell by more than this against the previous period." })),
    horizon: Type.Optional(Type.Integer({ minimum: 1, description: "early_churn: the horizon in periods (one of the early-churn cell's horizons; default 3)." })),
    sigma: Type.Optional(Type.Number({ minimum: 0.5, maximum: 10, description: "segment_churn: the width of the usual band in standard errors (default 2)." })),
    min_customers: Type.Optional(Type.Integer({ minimum: 1, description: "segment_churn: only segments with at least this many customers at the start (default 30)." })),
  },
  { additionalProperties: false },
);

export type CoverSpecT = Static<typeof CoverSpec>;
export type SummarySpecT = Static<typeof SummarySpec>;
export type AlertSpecT = Static<typeof AlertSpec>;

export type CoverStyle = "full" | "compact" | "none";

export interface SummaryOptions {
  changes: number;
  actions: number;
}

export interface AlertRule {
  metric: AlertMetric;
  above?: number;
  below?: number;
  upBy?: number;
  downBy?: number;
  horizon?: number;
  sigma?: number;
  minCustomers?: number;
  /** Source line of the rule in the definition. */
  line: number;
}

export function normalizeCover(c: CoverSpecT | undefined): CoverStyle {
  return c === false ? "none" : c === "compact" ? "compact" : "full";
}

export function normalizeSummary(s: SummarySpecT | undefined): SummaryOptions | undefined {
  if (s === undefined || s === false) return undefined;
  const o = s === true ? {} : s;
  return { changes: o.changes ?? 3, actions: o.actions ?? 3 };
}

export function normalizeAlerts(alerts: AlertSpecT[] | undefined, source: SourceMap): AlertRule[] {
  return (alerts ?? []).map((a, i) => {
    const at = source.locate(["alerts", i]);
    const metric = a.metric as AlertMetric;
    const hasThreshold = [a.above, a.below, a.up_by, a.down_by].some((v) => v !== undefined);
    if (metric !== "segment_churn" && !hasThreshold) {
      throw new ChurnbookError("invalid-alert", `alert ${i + 1} (${metric}) has no threshold`, {
        location: { file: source.file, line: at.line, column: at.column },
        hint: "give above, below, up_by or down_by, e.g. { metric: churn_rate, above: 0.03 }",
      });
    }
    if (metric === "segment_churn" && hasThreshold) {
      throw new ChurnbookError("invalid-alert", `alert ${i + 1} (segment_churn) takes sigma and min_customers, not above/below/up_by/down_by`, { location: { file: source.file, line: at.line, column: at.column } });
    }
    return {
      metric,
      ...(a.above !== undefined ? { above: a.above } : {}),
      ...(a.below !== undefined ? { below: a.below } : {}),
      ...(a.up_by !== undefined ? { upBy: a.up_by } : {}),
      ...(a.down_by !== undefined ? { downBy: a.down_by } : {}),
      ...(metric === "early_churn" ? { horizon: a.horizon ?? 3 } : {}),
      ...(metric === "segment_churn" ? { sigma: a.sigma ?? 2, minCustomers: a.min_customers ?? 30 } : {}),
      line: at.line,
    };
  });
}
