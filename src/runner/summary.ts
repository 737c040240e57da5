// The executive summary of page one, built from the analysis results by fixed templates in the
// report's language (never free text): the headline figures, the most important changes ranked
// by the materiality rule, what drove the change in churn (churn-drivers), the alerts, and the
// top playbook actions. The cells it reads are found by analysis id (the first cell of each);
// a part whose analysis is not in the report is left out. Numbers are formatted exactly as the
// KPI cells format them, so page one and the rest of the report agree.

import type { Locale, Row, Value } from "../analysis/types.js";
import type { SummaryOptions, AlertRule } from "../definition/page-one.js";
import type { ExecutiveSummary, HeadlineFigure, AlertEvaluation } from "../render/summary.js";
import { grainWords } from "../render/period-words.js";
import { computeDelta, deltaTone, formatCurrency, formatInteger, formatPercent, formatPeriod, formatValue, type ValueFormat } from "../util/format.js";
import type { Period } from "../util/period.js";
import type { ResultsById } from "./cells.js";
import { alertRuleText } from "./alerts.js";
import { msg } from "../locales/index.js";

const num = (v: Value | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function firstOf(results: ResultsById, id: string) {
  for (const r of results.values()) if (r.analysis.id === id) return r;
  return undefined;
}

interface MetricInfo {
  key: string;
  format: ValueFormat;
  better: "up" | "down";
  name: Record<Locale, string>;
  /** How money at stake follows from the change: money (the change itself), rate (× MRR at start), count (× MRR per customer). */
  money: "money" | "rate" | "count";
}

/** Headline figures (the KPI band's first cells), in order. */
const headlineMetrics: MetricInfo[] = [
  { key: "customers_end", format: "integer", better: "up", name: { "zh-CN": "客户数", "en-US": "Customers" }, money: "count" },
  { key: "churn_rate", format: "percent", better: "down", name: { "zh-CN": "客户流失率", "en-US": "Customer churn rate" }, money: "rate" },
  { key: "nrr", format: "percent", better: "up", name: { "zh-CN": "净收入留存率", "en-US": "Net revenue retention" }, money: "rate" },
  { key: "mrr_end", format: "currency", better: "up", name: { "zh-CN": "MRR", "en-US": "MRR" }, money: "money" },
];

/** Candidates for "the most important changes": the metrics churn-trend also has per period. */
const changeMetrics: MetricInfo[] = [
  ...headlineMetrics,
  { key: "growth_rate", format: "percent", better: "up", name: { "zh-CN": "客户增长率", "en-US": "Customer growth rate" }, money: "rate" },
  { key: "grr", format: "percent", better: "up", name: { "zh-CN": "总收入留存率", "en-US": "Gross revenue retention" }, money: "rate" },
  { key: "gross_mrr_churn_rate", format: "percent", better: "down", name: { "zh-CN": "MRR 总流失率", "en-US": "Gross MRR churn rate" }, money: "rate" },
];


/** A value as the KPI cells show it (currency compact). */
function shown(v: number | null, format: ValueFormat, locale: Locale, currency: string): string {
  return formatValue(v, format, locale, currency, { compact: format === "currency" });
}

/** Rounds a and b to 0.1 points so that they add up to the rounded total exactly (largest remainder). */
export function splitPoints(total: number, a: number, b: number): [number, number, number] {
  const r = (x: number) => Math.round(x * 1000) / 10;
  const T = r(total);
  let A = r(a);
  let B = r(b);
  const diff = Math.round((T - A - B) * 10) / 10;
  if (diff !== 0) {
    // Adjust the part whose rounding moved it furthest from its exact value.
    if (Math.abs(a * 100 - A) >= Math.abs(b * 100 - B)) A = Math.round((A + diff) * 10) / 10;
    else B = Math.round((B + diff) * 10) / 10;
  }
  return [T, A, B];
}

function points(v: number, locale: Locale, signed = true): string {
  const sign = !signed ? "" : v > 0 ? "+" : v < 0 ? "−" : "±";
  return msg(locale).summary.points(sign, Math.abs(v).toFixed(1));
}

/** The sample standard deviation and mean of the period-to-period changes of a trend column (the current period excluded). */
function usualVariation(trend: Row[], key: string): { mean: number; sd: number } | null {
  const xs = trend.map((r) => num(r[key]));
  const d: number[] = [];
  for (let i = 1; i < xs.length - 1; i++) if (xs[i] !== null && xs[i - 1] !== null) d.push(xs[i]! - xs[i - 1]!);
  if (d.length < 3) return null;
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
  return sd > 0 ? { mean, sd } : null;
}

export function buildSummary(opts: SummaryOptions, alertRules: AlertRule[], alerts: AlertEvaluation, results: ResultsById, period: Period, locale: Locale, currency: string): ExecutiveSummary {
  const t = msg(locale).summary;
  const g = grainWords(period.grain, locale);
  const sum = firstOf(results, "churn-summary");
  const s = sum?.result.scalars ?? {};
  const rules: ExecutiveSummary["rules"] = [];

  // Headline: as the KPI band (value, 环比/同比).
  const headline: HeadlineFigure[] = sum
    ? headlineMetrics.map((m) => {
        const v = num(s[m.key]);
        // A year's previous period is last year: one comparison, not the same one twice.
        const comparisons: [string, number | null][] = [[t.vsPrevious(period.grain, g.vs_previous), num(s[`prev_${m.key}`])]];
        if (period.grain !== "year") comparisons.push([t.vsLastYear, num(s[`ly_${m.key}`])]);
        const deltas = comparisons.map(([label, base]) => {
          const d = computeDelta(v, base, m.format, locale);
          return { label, text: d.text, arrow: d.direction === "up" ? "▲" : d.direction === "down" ? "▼" : "", tone: deltaTone(d.direction, m.better) };
        });
        return { label: m.name[locale], value: shown(v, m.format, locale, currency), deltas };
      })
    : [];

  // The most important changes: the materiality rule.
  const trendCell = firstOf(results, "churn-trend");
  const trend = trendCell?.result.tables.trend ?? [];
  const mrrStart = num(s.mrr_start);
  const arpa = num(s.mrr_end) !== null && num(s.customers_end) ? num(s.mrr_end)! / num(s.customers_end)! : null;
  const scored = sum
    ? changeMetrics
        .map((m, order) => {
          const v = num(s[m.key]);
          const p = num(s[`prev_${m.key}`]);
          if (v === null || p === null) return null;
          const delta = v - p;
          const usual = usualVariation(trend, m.key);
          const z = usual ? Math.abs(delta - usual.mean) / usual.sd : null;
          const money = m.money === "money" ? Math.abs(delta) : m.money === "rate" ? (mrrStart === null ? null : Math.abs(delta) * mrrStart) : arpa === null ? null : Math.abs(delta) * arpa;
          return { m, order, v, p, delta, z, money };
        })
        .filter((x): x is NonNullable<typeof x> => x !== null && x.delta !== 0)
    : [];
  scored.sort((a, b) => (b.z ?? -1) - (a.z ?? -1) || (b.money ?? -1) - (a.money ?? -1) || a.order - b.order);
  const changes = scored.slice(0, opts.changes).map((c) => {
    const d = computeDelta(c.v, c.p, c.m.format, locale);
    const dir = c.delta > 0 ? t.up : t.down;
    const deltaText = d.text.replace(/^[+−±]/, "");
    const usual = c.z === null ? "" : t.usualVariation(c.z.toFixed(1), g.unit, g.adjective);
    const money = c.money === null || c.m.money === "money" ? "" : t.moneyAtStake(formatCurrency(c.money, locale, currency, { compact: true }));
    const value = shown(c.v, c.m.format, locale, currency);
    return t.change(c.m.name[locale], value, g.vs_previous, dir, deltaText, usual, money);
  });
  if (sum)
    rules.push({
      title: t.materialityTitle,
      text: t.materialityRule(opts.changes),
    });

  // What drove the change in churn.
  const drv = firstOf(results, "churn-drivers");
  let drivers: string | null = null;
  if (drv) {
    const ds = drv.result.scalars;
    const change = num(ds.change);
    const rate = num(ds.rate_effect);
    const mix = num(ds.mix_effect);
    const by = String(ds.by_label ?? "");
    if (change !== null && rate !== null && mix !== null) {
      const [T, A, B] = splitPoints(change, rate, mix);
      const from = formatPercent(num(ds.prev_churn_rate), locale);
      const to = formatPercent(num(ds.churn_rate), locale);
      const dir = T > 0 ? t.rose : T < 0 ? t.fell : t.flat;
      let text = t.drivers3(g.vs_previous, dir, points(T, locale, false), from, to, by, points(A, locale), points(B, locale));
      const top = (drv.result.tables.segments ?? [])[0];
      const te = num(top?.effect);
      if (top && te !== null && Math.round(Math.abs(te) * 1000) > 0) {
        const [t2, a2, b2] = splitPoints(te, num(top.rate_effect) ?? 0, num(top.mix_effect) ?? 0);
        text += t.topDriver(String(top.segment), points(t2, locale), points(a2, locale), points(b2, locale), formatPercent(num(top.prev_churn_rate), locale), formatPercent(num(top.churn_rate), locale));
      }
      drivers = text;
    } else {
      // Not decomposable (no customers at the start of one of the two periods): say so, with the periods.
      const prevLabel = String(ds.prev_period ?? "");
      drivers = t.notSplit(formatPeriod(ds.rate_effect === null && num(ds.prev_churn_rate) === null ? prevLabel : String(ds.period ?? ""), locale));
      rules.push({
        title: t.driversTitle,
        text: t.driversRule,
      });
    }
  }

  // Alerts.
  for (const r of alertRules) rules.push({ title: t.alertsTitle, text: alertRuleText(r, locale, currency) });

  // What to do: the playbook's actions with the most value at risk.
  const plays = firstOf(results, "playbook");
  const actions = (plays?.result.tables.actions ?? [])
    .filter((a) => (num(a.value_at_risk) ?? 0) > 0 && a.action !== "(no rule)")
    .sort((a, b) => (num(b.value_at_risk) ?? 0) - (num(a.value_at_risk) ?? 0) || String(a.action).localeCompare(String(b.action)))
    .slice(0, opts.actions)
    .map((a) => {
      const n = formatInteger(num(a.customers), locale);
      const var_ = formatCurrency(num(a.value_at_risk), locale, currency, { compact: true });
      const annual = formatCurrency(num(a.annual_value), locale, currency, { compact: true });
      return t.action(String(a.label), n, num(a.customers) ?? 0, var_, annual);
    });

  return {
    heading: t.heading,
    headline,
    changesHeading: t.changes,
    changes,
    driversHeading: t.drivers,
    drivers,
    alertsHeading: t.alerts,
    alerts: alerts.fired.map((a) => a.text),
    noAlerts: alertRules.length > 0 && alerts.fired.length === 0 ? t.noAlerts : null,
    actionsHeading: t.actions,
    actions,
    rules,
  };
}
