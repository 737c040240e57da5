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

const t = {
  heading: { "zh-CN": "摘要", "en-US": "Executive summary" },
  changes: { "zh-CN": "本期最重要的变化", "en-US": "The most important changes" },
  drivers: { "zh-CN": "流失率变化的原因", "en-US": "What drove the change in churn" },
  alerts: { "zh-CN": "警报", "en-US": "Alerts" },
  noAlerts: { "zh-CN": "没有指标触发警报。", "en-US": "No alert threshold was crossed." },
  actions: { "zh-CN": "建议行动", "en-US": "What to do" },
  materialityTitle: { "zh-CN": "摘要：重要变化的排序规则", "en-US": "Summary: how the changes are ranked" },
  alertsTitle: { "zh-CN": "摘要：警报规则", "en-US": "Summary: alert rules" },
  driversTitle: { "zh-CN": "摘要：流失率变化的拆分", "en-US": "Summary: what drove the change in churn" },
} as const;

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
  const s = Math.abs(v).toFixed(1);
  const sign = !signed ? "" : v > 0 ? "+" : v < 0 ? "−" : "±";
  return locale === "zh-CN" ? `${sign}${s}个百分点` : `${sign}${s} pts`;
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
  const zh = locale === "zh-CN";
  const g = grainWords(period.grain, locale);
  const sum = firstOf(results, "churn-summary");
  const s = sum?.result.scalars ?? {};
  const rules: ExecutiveSummary["rules"] = [];

  // Headline: as the KPI band (value, 环比/同比).
  const headline: HeadlineFigure[] = sum
    ? headlineMetrics.map((m) => {
        const v = num(s[m.key]);
        // A year's previous period is last year: one comparison, not the same one twice.
        const comparisons: [string, number | null][] = [[zh ? (period.grain === "year" ? g.vs_previous : "环比") : g.vs_previous, num(s[`prev_${m.key}`])]];
        if (period.grain !== "year") comparisons.push([zh ? "同比" : "vs last year", num(s[`ly_${m.key}`])]);
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
    const dir = c.delta > 0 ? (zh ? "上升" : "up") : zh ? "下降" : "down";
    const deltaText = d.text.replace(/^[+−±]/, "");
    const usual = c.z === null ? "" : zh ? `，约为通常${g.adjective}波动的 ${c.z.toFixed(1)} 倍` : `, ${c.z.toFixed(1)}× its usual ${g.unit}-to-${g.unit} variation`;
    const money = c.money === null || c.m.money === "money" ? "" : zh ? `（涉及 MRR 约 ${formatCurrency(c.money, locale, currency, { compact: true })}）` : ` (about ${formatCurrency(c.money, locale, currency, { compact: true })} of MRR at stake)`;
    const value = shown(c.v, c.m.format, locale, currency);
    return zh ? `${c.m.name[locale]} ${value}，${g.vs_previous}${dir} ${deltaText}${usual}${money}。` : `${c.m.name[locale]} ${value}, ${dir} ${deltaText} ${g.vs_previous}${usual}${money}.`;
  });
  if (sum)
    rules.push({
      title: t.materialityTitle[locale],
      text: zh
        ? `候选指标为客户数、客户流失率、净收入留存率、MRR、客户增长率、总收入留存率和 MRR 总流失率。每个指标本期相对上期的变化，先减去过去各期环比变化的平均值（趋势），再除以这些环比变化的标准差（通常波动，取自流失趋势中当前期之前的各期），得到“相当于通常波动的几倍”；按这个倍数从大到小排序，倍数相同时按涉及的金额（MRR 指标为变化额本身；比率为变化 × 期初 MRR；客户数为变化 × 每位客户的平均 MRR）从大到小排序。摘要列出前 ${opts.changes} 项；变化为零的指标不列出。`
        : `The candidates are customers, customer churn rate, net revenue retention, MRR, customer growth rate, gross revenue retention and gross MRR churn. Each one's change against the previous period, less the average period-to-period change (the trend), is divided by the standard deviation of those period-to-period changes over the churn trend before this period (its usual variation): the result says how many times its usual variation the change is. The changes are ranked by that multiple, largest first, and equal multiples by the money at stake (MRR metrics: the change itself; rates: the change × MRR at the start; customers: the change × the average MRR per customer). The summary lists the first ${opts.changes}; metrics that did not change are left out.`,
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
      const dir = T > 0 ? (zh ? "上升" : "rose") : T < 0 ? (zh ? "下降" : "fell") : zh ? "持平" : "was flat";
      let text = zh
        ? `客户流失率${g.vs_previous}${dir} ${points(T, locale, false)}（${from} → ${to}）。按${by}拆分：各${by}自身流失率的变化贡献 ${points(A, locale)}，客户在各${by}之间的结构变化贡献 ${points(B, locale)}。`
        : `Customer churn ${dir} ${points(T, locale, false).replace(/ pts$/, " points")} ${g.vs_previous} (${from} → ${to}). By ${by.toLowerCase()}: ${points(A, locale)} from each ${by.toLowerCase()}'s own churn rate, ${points(B, locale)} from the mix of customers across them.`;
      const top = (drv.result.tables.segments ?? [])[0];
      const te = num(top?.effect);
      if (top && te !== null && Math.round(Math.abs(te) * 1000) > 0) {
        const [t2, a2, b2] = splitPoints(te, num(top.rate_effect) ?? 0, num(top.mix_effect) ?? 0);
        text += zh
          ? `贡献最大的是“${String(top.segment)}”：${points(t2, locale)}（自身流失率 ${points(a2, locale)}，结构 ${points(b2, locale)}；流失率 ${formatPercent(num(top.prev_churn_rate), locale)} → ${formatPercent(num(top.churn_rate), locale)}）。`
          : ` The largest contribution: ${String(top.segment)}, ${points(t2, locale)} (${points(a2, locale)} own rate, ${points(b2, locale)} mix; churn ${formatPercent(num(top.prev_churn_rate), locale)} → ${formatPercent(num(top.churn_rate), locale)}).`;
      }
      drivers = text;
    } else {
      // Not decomposable (no customers at the start of one of the two periods): say so, with the periods.
      const prevLabel = String(ds.prev_period ?? "");
      drivers = zh
        ? `${formatPeriod(ds.rate_effect === null && num(ds.prev_churn_rate) === null ? prevLabel : String(ds.period ?? ""), locale)}期初没有客户，无法拆分流失率的变化。`
        : `The change in churn cannot be split: ${formatPeriod(num(ds.prev_churn_rate) === null ? prevLabel : String(ds.period ?? ""), locale)} had no customers at its start.`;
      rules.push({
        title: t.driversTitle[locale],
        text: zh
          ? "流失率的变化拆为两部分：各细分自身流失率的变化（按两期客户占比的平均加权），和客户在细分之间的结构变化（按两期流失率的平均加权）；两部分之和正好等于总变化。摘要中的百分点保留一位小数，并保证各部分相加等于总数。"
          : "The change of the churn rate is split into the change of each segment's own churn rate (weighted by its average share of the customers over the two periods) and the shift of customers between segments (weighted by their average churn rate); the two add up exactly to the change. The summary rounds points to one decimal so that the parts still add up to the total.",
      });
    }
  }

  // Alerts.
  for (const r of alertRules) rules.push({ title: t.alertsTitle[locale], text: alertRuleText(r, locale, currency) });

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
      return zh ? `${String(a.label)}：${n} 位客户，风险价值 ${var_}（年价值 ${annual}）。` : `${String(a.label)}: ${n} customer${num(a.customers) === 1 ? "" : "s"}, ${var_} of annual value at risk (of ${annual}).`;
    });

  return {
    heading: t.heading[locale],
    headline,
    changesHeading: t.changes[locale],
    changes,
    driversHeading: t.drivers[locale],
    drivers,
    alertsHeading: t.alerts[locale],
    alerts: alerts.fired.map((a) => a.text),
    noAlerts: alertRules.length > 0 && alerts.fired.length === 0 ? t.noAlerts[locale] : null,
    actionsHeading: t.actions[locale],
    actions,
    rules,
  };
}
