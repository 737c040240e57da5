// Alerts: the thresholds of the definition's `alerts:` evaluated on the results. Each rule gives
// one or more alerts (segment_churn one per segment outside its band), each with its value,
// threshold and a sentence in the report's language; rules whose analysis is not in the report
// are listed as not evaluated (never silently dropped). The list goes on page one and into
// manifest.json; `alertRuleText` states every rule in plain words for the appendix.

import type { Locale, Value } from "../analysis/types.js";
import type { AlertMetric, AlertRule } from "../definition/page-one.js";
import { formatCurrency, formatInteger, formatPercent } from "../util/format.js";
import { parsePeriod, type Grain } from "../util/period.js";
import type { ResultsById } from "./cells.js";
import type { Alert, AlertEvaluation } from "../render/summary.js";
import { msg } from "../locales/index.js";

export type { Alert, AlertEvaluation };

/** The metric as readers name it; early churn with its horizon in the cohorts' grain (default month). */
export function alertMetricName(metric: AlertMetric, locale: Locale, horizon?: number, cohortGrain = "month"): string {
  const say = msg(locale).alerts;
  const names: Record<AlertMetric, string> = say.metrics;
  const grain = cohortGrain === "quarter" || cohortGrain === "year" ? cohortGrain : "month";
  return metric === "early_churn" && horizon !== undefined ? say.within(names[metric], horizon, grain) : names[metric];
}

type Kind = "ratio" | "count" | "money";
function kindOf(metric: AlertMetric): Kind {
  return metric === "customers_end" ? "count" : metric === "mrr_end" || metric === "churned_mrr" ? "money" : "ratio";
}

function fmt(v: number, kind: Kind, locale: Locale, currency: string): string {
  return kind === "ratio" ? formatPercent(v, locale) : kind === "count" ? formatInteger(v, locale) : formatCurrency(v, locale, currency, { compact: true });
}
/** A change: points for ratios, else the unit. */
function fmtChange(v: number, kind: Kind, locale: Locale, currency: string): string {
  if (kind === "ratio") {
    return msg(locale).alerts.points((Math.abs(v) * 100).toFixed(1));
  }
  return fmt(Math.abs(v), kind, locale, currency);
}

/** The first cell whose analysis is `id` (definition order). */
function firstOf(results: ResultsById, id: string) {
  for (const r of results.values()) if (r.analysis.id === id) return r;
  return undefined;
}

const num = (v: Value | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The current and previous value an alert rule reads, or why it cannot. */
function readMetric(rule: AlertRule, results: ResultsById): { value: number | null; previous: number | null } | string {
  if (rule.metric === "high_value_share") {
    const r = firstOf(results, "churned-value");
    if (!r) return "no churned-value cell";
    return { value: num(r.result.scalars.high_share_churned), previous: num(r.result.scalars.high_share_churned_previous) };
  }
  if (rule.metric === "early_churn") {
    const r = firstOf(results, "early-churn");
    if (!r) return "no early-churn cell";
    const h = rule.horizon ?? 3;
    if (!(`early_churn_${h}` in r.result.scalars)) return `the early-churn cell has no horizon ${h}`;
    return { value: num(r.result.scalars[`early_churn_${h}`]), previous: num(r.result.scalars[`early_churn_${h}_previous`]) };
  }
  const r = firstOf(results, "churn-summary");
  if (!r) return "no churn-summary cell";
  return { value: num(r.result.scalars[rule.metric]), previous: num(r.result.scalars[`prev_${rule.metric}`]) };
}

/** Months in a period of the grain: monthly thresholds are compounded over them. */
const monthsIn: Record<Grain, number> = { month: 1, quarter: 3, year: 12 };

/**
 * A threshold stated for a month, for a period of `months` months: churn-type rates compound
 * (1 − (1 − x)^k), growth compounds ((1 + x)^k − 1), retention-type ratios multiply (x^k), money
 * flows add up (k × x); levels (customers, MRR), shares and early churn do not change.
 */
export function periodThreshold(metric: AlertMetric, x: number, months: number): number {
  if (months === 1) return x;
  switch (metric) {
    case "churn_rate":
    case "gross_mrr_churn_rate":
      return 1 - (1 - x) ** months;
    case "net_mrr_churn_rate":
      return x >= 1 ? x : 1 - (1 - x) ** months;
    case "growth_rate":
      return (1 + x) ** months - 1;
    case "retention_rate":
    case "nrr":
    case "grr":
      return x <= 0 ? x : x ** months;
    case "churned_mrr":
      return x * months;
    default:
      return x;
  }
}

export function evaluateAlerts(rules: AlertRule[], results: ResultsById, locale: Locale, currency: string): AlertEvaluation {
  const say = msg(locale).alerts;
  // The report period's length: thresholds are monthly (periodThreshold).
  const label = firstOf(results, "churn-summary")?.result.scalars.period;
  const months = typeof label === "string" ? monthsIn[parsePeriod(label).grain] : 1;
  const fired: Alert[] = [];
  const unavailable: AlertEvaluation["unavailable"] = [];
  for (const rule of rules) {
    if (rule.metric === "segment_churn") {
      const r = firstOf(results, "churn-drivers");
      if (!r) {
        unavailable.push({ metric: rule.metric, line: rule.line, reason: "no churn-drivers cell" });
        continue;
      }
      const by = String(r.result.scalars.by_label ?? "");
      const sigma = rule.sigma ?? 2;
      for (const s of r.result.tables.segments ?? []) {
        const n0 = num(s.prev_customers_start) ?? 0;
        const n1 = num(s.customers_start) ?? 0;
        const r0 = num(s.prev_churn_rate);
        const r1 = num(s.churn_rate);
        if (r1 === null || n1 < (rule.minCustomers ?? 30)) continue;
        // The usual band: the segment's mean rate over its past periods + sigma × the larger of
        // their spread and the sampling error of a rate at this period's size; with fewer than
        // 3 past periods, last period's rate + sigma sampling errors.
        const mean = num(s.usual_churn_rate);
        const sd = num(s.usual_sd);
        const periods = num(s.usual_periods) ?? 0;
        const useHistory = mean !== null && sd !== null && periods >= 3;
        const centre = useHistory ? mean : r0;
        if (centre === null || (!useHistory && n0 < (rule.minCustomers ?? 30))) continue;
        const se = Math.sqrt(Math.max(centre * (1 - centre), 1 / n1) / n1);
        const hi = centre + sigma * Math.max(se, useHistory ? sd : 0);
        // Only a rise above the band is an alert (a segment churning less than usual is good news).
        if (r1 <= hi) continue;
        const seg = String(s.segment);
        const basis = useHistory ? say.bandHistory(periods, formatPercent(centre, locale), formatPercent(hi, locale)) : say.bandLast(formatPercent(centre, locale), formatPercent(hi, locale));
        fired.push({
          metric: rule.metric,
          kind: "band",
          value: r1,
          threshold: hi,
          previous: r0,
          segment: seg,
          line: rule.line,
          text: say.segmentAbove(by, seg, formatPercent(r1, locale), basis),
        });
      }
      continue;
    }
    const read = readMetric(rule, results);
    if (typeof read === "string") {
      unavailable.push({ metric: rule.metric, line: rule.line, reason: read });
      continue;
    }
    const { value, previous } = read;
    const cohortGrain = String(firstOf(results, "early-churn")?.result.scalars.cohort_grain ?? "month");
    const name = alertMetricName(rule.metric, locale, rule.horizon, cohortGrain);
    const kind = kindOf(rule.metric);
    const f = (v: number) => fmt(v, kind, locale, currency);
    if (value === null) {
      unavailable.push({ metric: rule.metric, line: rule.line, reason: "no value for the period" });
      continue;
    }
    const push = (k: Alert["kind"], threshold: number, text: string) => fired.push({ metric: rule.metric, kind: k, value, threshold, previous, line: rule.line, text });
    const above = rule.above === undefined ? undefined : periodThreshold(rule.metric, rule.above, months);
    const below = rule.below === undefined ? undefined : periodThreshold(rule.metric, rule.below, months);
    if (above !== undefined && value > above) push("above", above, say.above(name, f(value), f(above)));
    if (below !== undefined && value < below) push("below", below, say.below(name, f(value), f(below)));
    if ((rule.upBy !== undefined || rule.downBy !== undefined) && previous === null) {
      unavailable.push({ metric: rule.metric, line: rule.line, reason: "no value for the previous period" });
      continue;
    }
    if (previous !== null) {
      const d = value - previous;
      if (rule.upBy !== undefined && d > rule.upBy)
        push("up_by", rule.upBy, say.upBy(name, fmtChange(d, kind, locale, currency), f(previous), f(value), fmtChange(rule.upBy, kind, locale, currency)));
      if (rule.downBy !== undefined && -d > rule.downBy)
        push("down_by", rule.downBy, say.downBy(name, fmtChange(d, kind, locale, currency), f(previous), f(value), fmtChange(rule.downBy, kind, locale, currency)));
    }
  }
  return { fired, unavailable };
}

/** Each rule in plain words (the appendix). */
export function alertRuleText(rule: AlertRule, locale: Locale, currency: string): string {
  const say = msg(locale).alerts;
  if (rule.metric === "segment_churn") {
    const s = rule.sigma ?? 2;
    const m = rule.minCustomers ?? 30;
    return say.segmentRule(m, s);
  }
  const kind = kindOf(rule.metric);
  const f = (v: number) => fmt(v, kind, locale, currency);
  const parts: string[] = [];
  if (rule.above !== undefined) parts.push(say.ruleAbove(f(rule.above)));
  if (rule.below !== undefined) parts.push(say.ruleBelow(f(rule.below)));
  if (rule.upBy !== undefined) parts.push(say.ruleUpBy(fmtChange(rule.upBy, kind, locale, currency)));
  if (rule.downBy !== undefined) parts.push(say.ruleDownBy(fmtChange(rule.downBy, kind, locale, currency)));
  const name = alertMetricName(rule.metric, locale, rule.horizon);
  const scaled = (rule.above !== undefined || rule.below !== undefined) && periodThreshold(rule.metric, 0.5, 3) !== 0.5;
  return say.rule(name, parts, scaled ? say.monthlyThresholds : "");
}
