import { type Static, Type } from "@sinclair/typebox";
import type { Analysis, Row, Value } from "./types.js";
import { baseDefinition, conventionParam, grainParam, includeFreeParam, periodNeeds, periodsParam } from "./period-metrics/common.js";
import { assertBridge, basisDataset, dailyEvents, droppedNotes, metricLabels, periodMetrics, trendPeriods, yearLag, type MetricKey, type PeriodMetrics } from "./period-metrics/metrics.js";
import { checkBasisRole, dailyEventsSql, droppedRowsSql, periodAggregates, periodAggregatesNeed, periodRows, revenueBasis } from "./period-metrics/sql.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  periods: periodsParam,
  grain: grainParam,
  convention: conventionParam,
  include_free: includeFreeParam,
});
export type ChurnTrendParams = Static<typeof params>;

/** The metrics of each trend row, in column order. */
export const trendKeys = [
  "customers_start",
  "new_customers",
  "reactivated_customers",
  "churned_customers",
  "customers_end",
  "net_growth",
  "churn_rate",
  "retention_rate",
  "growth_rate",
  "mrr_start",
  "mrr_end",
  "gross_mrr_churn_rate",
  "net_mrr_churn_rate",
  "grr",
  "nrr",
] as const satisfies readonly MetricKey[];

/** Lookback needed for the prev_/ly_ columns of the oldest period. */
function lookback(grain: "month" | "quarter" | "year"): number {
  return Math.max(1, yearLag(grain));
}

/**
 * Churn and retention trend (流失趋势): the churn-summary metrics (see churn-summary.ts) of
 * each of the last `periods` periods ending with the report period (grain `auto` = the report
 * period's grain; another grain ends with its last complete period within the report period),
 * each with the previous period's (prev_) and the same period last year's (ly_) values. All
 * periods, including the look-back, come from ONE SQL query. mean_churn_rate = the mean of
 * the periods' defined churn rates.
 */
export const churnTrend: Analysis<ChurnTrendParams> = {
  id: "churn-trend",
  title: { "zh-CN": "客户流失与保持趋势", "en-US": "Churn and retention trend" },
  summary: {
    "zh-CN": "最近 N 期（月/季/年）的期初、新增、恢复、流失、期末客户数，客户流失率、保持率、增长率，MRR、MRR流失率与 GRR/NRR，附环比、同比列。",
    "en-US": "The last N periods (month/quarter/year): customers at start, new, reactivated, churned, at end; churn, retention and growth rates; MRR, MRR churn, GRR/NRR — with previous-period and last-year columns.",
  },
  definition: {
    "zh-CN":
      baseDefinition["zh-CN"] +
      "趋势：以报告期为最后一期，向前取 N 期（粒度默认与报告期相同；指定其他粒度时取报告期内最后一个完整的该粒度周期为最后一期）；每期附上一期（prev_）和去年同期（ly_）的同名指标。平均流失率 = 各期已定义流失率的算术平均。",
    "en-US":
      baseDefinition["en-US"] +
      " Trend: N periods ending with the report period (grain by default that of the report period; with another grain the last one is the last complete period of that grain within the report period); every period also carries the previous period's (prev_) and the same period last year's (ly_) values. Mean churn rate = the arithmetic mean of the periods' defined churn rates.",
  },
  params,
  needs: [periodNeeds()],
  mainTable: "trend",
  outputs: {
    scalars: {
      grain: { type: "string", format: "label", description: { "zh-CN": "期间粒度", "en-US": "Grain" } },
      periods: { type: "integer", format: "count", description: { "zh-CN": "期数", "en-US": "Periods" } },
      first_period: { type: "string", format: "period", description: { "zh-CN": "首期", "en-US": "First period" } },
      last_period: { type: "string", format: "period", description: { "zh-CN": "末期", "en-US": "Last period" } },
      convention: { type: "string", format: "label", description: { "zh-CN": "流失率口径", "en-US": "Convention" } },
      revenue_basis: { type: "string", format: "label", description: { "zh-CN": "收入口径", "en-US": "Revenue basis" } },
      mean_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "平均客户流失率", "en-US": "Mean churn rate" } },
    },
    tables: {
      trend: {
        description: { "zh-CN": "客户流失与保持趋势", "en-US": "Churn and retention trend" },
        columns: {
          period: { type: "string", format: "period" },
          period_start: { type: "date", format: "date" },
          period_end: { type: "date", format: "date" },
          customers_start: { type: "integer", format: "count" },
          new_customers: { type: "integer", format: "count" },
          reactivated_customers: { type: "integer", format: "count" },
          churned_customers: { type: "integer", format: "count" },
          customers_end: { type: "integer", format: "count" },
          net_growth: { type: "integer", format: "count" },
          churn_rate: { type: "number", format: "percent" },
          retention_rate: { type: "number", format: "percent" },
          growth_rate: { type: "number", format: "percent" },
          mrr_start: { type: "number", format: "currency" },
          mrr_end: { type: "number", format: "currency" },
          gross_mrr_churn_rate: { type: "number", format: "percent" },
          net_mrr_churn_rate: { type: "number", format: "percent" },
          grr: { type: "number", format: "percent" },
          nrr: { type: "number", format: "percent" },
          prev_customers_start: { type: "integer", format: "count" },
          prev_new_customers: { type: "integer", format: "count" },
          prev_reactivated_customers: { type: "integer", format: "count" },
          prev_churned_customers: { type: "integer", format: "count" },
          prev_customers_end: { type: "integer", format: "count" },
          prev_net_growth: { type: "integer", format: "count" },
          prev_churn_rate: { type: "number", format: "percent" },
          prev_retention_rate: { type: "number", format: "percent" },
          prev_growth_rate: { type: "number", format: "percent" },
          prev_mrr_start: { type: "number", format: "currency" },
          prev_mrr_end: { type: "number", format: "currency" },
          prev_gross_mrr_churn_rate: { type: "number", format: "percent" },
          prev_net_mrr_churn_rate: { type: "number", format: "percent" },
          prev_grr: { type: "number", format: "percent" },
          prev_nrr: { type: "number", format: "percent" },
          ly_customers_start: { type: "integer", format: "count" },
          ly_new_customers: { type: "integer", format: "count" },
          ly_reactivated_customers: { type: "integer", format: "count" },
          ly_churned_customers: { type: "integer", format: "count" },
          ly_customers_end: { type: "integer", format: "count" },
          ly_net_growth: { type: "integer", format: "count" },
          ly_churn_rate: { type: "number", format: "percent" },
          ly_retention_rate: { type: "number", format: "percent" },
          ly_growth_rate: { type: "number", format: "percent" },
          ly_mrr_start: { type: "number", format: "currency" },
          ly_mrr_end: { type: "number", format: "currency" },
          ly_gross_mrr_churn_rate: { type: "number", format: "percent" },
          ly_net_mrr_churn_rate: { type: "number", format: "percent" },
          ly_grr: { type: "number", format: "percent" },
          ly_nrr: { type: "number", format: "percent" },
        },
      },
      rates: {
        description: { "zh-CN": "各期比率", "en-US": "Rates" },
        columns: {
          period: { type: "string", format: "period" },
          period_start: { type: "date", format: "date" },
          metric: { type: "string", format: "label" },
          label: { type: "string", format: "label" },
          value: { type: "number", format: "percent" },
        },
      },
    },
  },

  reductions(p, ctx) {
    checkBasisRole(ctx, "churn-trend");
    const shown = trendPeriods(ctx.period, p.grain, p.periods);
    const all = trendPeriods(ctx.period, p.grain, p.periods + lookback(shown[0]!.grain));
    const opts = { includeFree: p.include_free };
    const out: Record<string, string> = { dropped: droppedRowsSql(ctx, shown[shown.length - 1]!, opts) };
    if (p.convention === "rolling30") out.daily = dailyEventsSql(ctx, all, opts, shown[shown.length - 1]!.end);
    return out;
  },
  // The period rows come from the run's period aggregates, shared with churn-summary and leaky-bucket.
  products(p, ctx) {
    const shown = trendPeriods(ctx.period, p.grain, p.periods);
    return { [periodAggregates.id]: periodAggregatesNeed(trendPeriods(ctx.period, p.grain, p.periods + lookback(shown[0]!.grain)), { includeFree: p.include_free }) };
  },

  compute(data, p, ctx, products) {
    const shown = trendPeriods(ctx.period, p.grain, p.periods);
    const grain = shown[0]!.grain;
    const lag = yearLag(grain);
    const all = trendPeriods(ctx.period, p.grain, p.periods + lookback(grain));
    const ev = data.daily ? dailyEvents(data.daily) : undefined;
    const byLabel = new Map(periodRows(products).map((r) => [String(r.label), r]));
    const metrics: PeriodMetrics[] = all.map((per) => {
      const row = byLabel.get(per.label);
      if (!row) throw new Error(`churn-trend: no aggregate row for ${per.label}`);
      assertBridge(row, { dataset: basisDataset(ctx) });
      return periodMetrics(row, p.convention, ev, { dataset: basisDataset(ctx) });
    });
    const offset = all.length - shown.length;
    const trend: Row[] = shown.map((per, i) => {
      const j = offset + i;
      const cur = metrics[j]!, prev = metrics[j - 1], ly = j - lag >= 0 ? metrics[j - lag] : undefined;
      const row: Row = { period: per.label, period_start: per.start, period_end: per.end };
      for (const k of trendKeys) row[k] = cur[k];
      for (const k of trendKeys) row[`prev_${k}`] = prev ? prev[k] : null;
      for (const k of trendKeys) row[`ly_${k}`] = ly ? ly[k] : null;
      return row;
    });
    const rates: Row[] = trend.flatMap((r) =>
      (["churn_rate", "retention_rate"] as const).map((k) => ({ period: r.period, period_start: r.period_start, metric: k, label: metricLabels[k][ctx.locale], value: r[k] ?? null })),
    );
    const defined = trend.map((r) => r.churn_rate).filter((v): v is number => typeof v === "number");
    const scalars: Record<string, Value> = {
      grain,
      periods: shown.length,
      first_period: shown[0]!.label,
      last_period: shown[shown.length - 1]!.label,
      convention: p.convention,
      revenue_basis: revenueBasis(ctx),
      mean_churn_rate: defined.length ? defined.reduce((s, v) => s + v, 0) / defined.length : null,
    };
    const notes: string[] = droppedNotes(data.dropped?.[0], shown[shown.length - 1]!.label, ctx.locale);
    const undefinedPeriods = trend.filter((r) => r.churn_rate === null).map((r) => String(r.period));
    if (undefinedPeriods.length)
      notes.push(msg(ctx.locale).churnTrend.undefinedPeriods(undefinedPeriods));
    return { scalars, tables: { trend, rates }, notes };
  },

  chart(result, _p, ctx) {
    if (!result.tables.rates?.some((r) => r.metric === "churn_rate" && r.value !== null)) return null;
    const say = msg(ctx.locale).churnTrend;
    // Churn on its own scale (a few per cent): on a shared 0–100 % axis with retention, both
    // lines are flat. Retention is 1 − churn (the KPI cards show it), so it gets no panel.
    const churn = { filter: { metric: "churn_rate" }, options: { x: "period", y: "value", stroke: "#c0392b" } } as const;
    return {
      title: say.chartTitle,
      marks: [
        { mark: "lineY", data: "rates", filter: churn.filter, options: { ...churn.options, strokeWidth: 2 } },
        { mark: "dot", data: "rates", filter: churn.filter, options: { x: "period", y: "value", fill: "#c0392b", r: 3 } },
      ],
      x: { label: say.period },
      y: { format: "percent", label: metricLabels.churn_rate[ctx.locale], zero: true },
    };
  },

};
