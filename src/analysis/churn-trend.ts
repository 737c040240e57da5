import { type Static, Type } from "@sinclair/typebox";
import { defineAnalysis, runContext, type AnalysisContext, type Row, type Value } from "./types.js";
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
export const churnTrend = defineAnalysis({
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
          period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
          period_start: { type: "date", format: "date", description: { "zh-CN": "期间首日", "en-US": "First day of the period" }, label: { "zh-CN": "期间开始", "en-US": "Period start" } },
          period_end: { type: "date", format: "date", description: { "zh-CN": "期间末日", "en-US": "Last day of the period" }, label: { "zh-CN": "期间结束", "en-US": "Period end" } },
          customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at the start of the period" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          new_customers: { type: "integer", format: "count", description: { "zh-CN": "本期新增客户数", "en-US": "Customers who joined in the period" }, label: { "zh-CN": "新增客户", "en-US": "New customers" } },
          reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "本期恢复的老客户数", "en-US": "Former customers who came back in the period" }, label: { "zh-CN": "恢复客户", "en-US": "Reactivated" } },
          churned_customers: { type: "integer", format: "count", description: { "zh-CN": "本期流失的客户数", "en-US": "Customers who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数", "en-US": "Customers at the end of the period" }, label: { "zh-CN": "期末客户数", "en-US": "Customers at end" } },
          net_growth: { type: "integer", format: "count", description: { "zh-CN": "期末客户数减期初客户数", "en-US": "Customers at the end minus customers at the start" }, label: { "zh-CN": "净增长", "en-US": "Net growth" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失客户数 ÷ 期初客户数", "en-US": "Churned customers ÷ customers at the start of the period" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
          retention_rate: { type: "number", format: "percent", description: { "zh-CN": "1 − 客户流失率", "en-US": "1 − churn rate" }, label: { "zh-CN": "客户保持率", "en-US": "Retention rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
          growth_rate: { type: "number", format: "percent", description: { "zh-CN": "净增长 ÷ 期初客户数", "en-US": "Net growth ÷ customers at the start" }, label: { "zh-CN": "客户增长率", "en-US": "Growth rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
          mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初月经常性收入", "en-US": "MRR at the start of the period" }, label: { "zh-CN": "期初MRR", "en-US": "MRR at start" } },
          mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末月经常性收入", "en-US": "MRR at the end of the period" }, label: { "zh-CN": "期末MRR", "en-US": "MRR at end" } },
          gross_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "（收缩MRR + 流失MRR）÷ 期初MRR", "en-US": "(Contraction + churned MRR) ÷ MRR at start" }, label: { "zh-CN": "总MRR流失率", "en-US": "Gross MRR churn" }, missing: { "zh-CN": "期初没有MRR，比率无定义", "en-US": "no MRR at the start of the period, so the rate is undefined" } },
          net_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "（收缩 + 流失 − 扩展 − 恢复MRR）÷ 期初MRR", "en-US": "(Contraction + churned − expansion − reactivation MRR) ÷ MRR at start" }, label: { "zh-CN": "净MRR流失率", "en-US": "Net MRR churn" }, missing: { "zh-CN": "期初没有MRR，比率无定义", "en-US": "no MRR at the start of the period, so the rate is undefined" } },
          grr: { type: "number", format: "percent", description: { "zh-CN": "总收入留存率：1 − 总MRR流失率", "en-US": "Gross revenue retention: 1 − gross MRR churn rate" }, label: { "zh-CN": "总收入留存率", "en-US": "GRR" }, missing: { "zh-CN": "期初没有MRR，比率无定义", "en-US": "no MRR at the start of the period, so the rate is undefined" } },
          nrr: { type: "number", format: "percent", description: { "zh-CN": "净收入留存率：1 − 净MRR流失率", "en-US": "Net revenue retention: 1 − net MRR churn rate" }, label: { "zh-CN": "净收入留存率", "en-US": "NRR" }, missing: { "zh-CN": "期初没有MRR，比率无定义", "en-US": "no MRR at the start of the period, so the rate is undefined" } },
          prev_customers_start: { type: "integer", format: "count", description: { "zh-CN": "上期期初客户数", "en-US": "Customers at the start of the previous period" }, label: { "zh-CN": "上期期初客户数", "en-US": "Customers at start, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_new_customers: { type: "integer", format: "count", description: { "zh-CN": "本期新增客户数（上期）", "en-US": "Customers who joined in the period, previous period" }, label: { "zh-CN": "上期新增客户", "en-US": "New customers, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "本期恢复的老客户数（上期）", "en-US": "Former customers who came back in the period, previous period" }, label: { "zh-CN": "上期恢复客户", "en-US": "Reactivated, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_churned_customers: { type: "integer", format: "count", description: { "zh-CN": "本期流失的客户数（上期）", "en-US": "Customers who churned in the period, previous period" }, label: { "zh-CN": "上期流失客户", "en-US": "Churned, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数（上期）", "en-US": "Customers at the end of the period, previous period" }, label: { "zh-CN": "上期期末客户数", "en-US": "Customers at end, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_net_growth: { type: "integer", format: "count", description: { "zh-CN": "期末客户数减期初客户数（上期）", "en-US": "Customers at the end minus customers at the start, previous period" }, label: { "zh-CN": "上期净增长", "en-US": "Net growth, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "上期客户流失率", "en-US": "Churn rate of the previous period" }, label: { "zh-CN": "上期流失率", "en-US": "Churn rate, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_retention_rate: { type: "number", format: "percent", description: { "zh-CN": "1 − 客户流失率（上期）", "en-US": "1 − churn rate, previous period" }, label: { "zh-CN": "上期客户保持率", "en-US": "Retention rate, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_growth_rate: { type: "number", format: "percent", description: { "zh-CN": "净增长 ÷ 期初客户数（上期）", "en-US": "Net growth ÷ customers at the start, previous period" }, label: { "zh-CN": "上期客户增长率", "en-US": "Growth rate, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初月经常性收入（上期）", "en-US": "MRR at the start of the period, previous period" }, label: { "zh-CN": "上期期初MRR", "en-US": "MRR at start, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末月经常性收入（上期）", "en-US": "MRR at the end of the period, previous period" }, label: { "zh-CN": "上期期末MRR", "en-US": "MRR at end, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_gross_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "（收缩MRR + 流失MRR）÷ 期初MRR（上期）", "en-US": "(Contraction + churned MRR) ÷ MRR at start, previous period" }, label: { "zh-CN": "上期总MRR流失率", "en-US": "Gross MRR churn, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_net_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "（收缩 + 流失 − 扩展 − 恢复MRR）÷ 期初MRR（上期）", "en-US": "(Contraction + churned − expansion − reactivation MRR) ÷ MRR at start, previous period" }, label: { "zh-CN": "上期净MRR流失率", "en-US": "Net MRR churn, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_grr: { type: "number", format: "percent", description: { "zh-CN": "总收入留存率：1 − 总MRR流失率（上期）", "en-US": "Gross revenue retention: 1 − gross MRR churn rate, previous period" }, label: { "zh-CN": "上期总收入留存率", "en-US": "GRR, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          prev_nrr: { type: "number", format: "percent", description: { "zh-CN": "净收入留存率：1 − 净MRR流失率（上期）", "en-US": "Net revenue retention: 1 − net MRR churn rate, previous period" }, label: { "zh-CN": "上期净收入留存率", "en-US": "NRR, previous" }, missing: { "zh-CN": "上期早于数据范围，或上期期初没有客户", "en-US": "the previous period is before the data, or had no customers at its start" } },
          ly_customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数（去年同期）", "en-US": "Customers at the start of the period, same period last year" }, label: { "zh-CN": "去年同期期初客户数", "en-US": "Customers at start, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_new_customers: { type: "integer", format: "count", description: { "zh-CN": "本期新增客户数（去年同期）", "en-US": "Customers who joined in the period, same period last year" }, label: { "zh-CN": "去年同期新增客户", "en-US": "New customers, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "本期恢复的老客户数（去年同期）", "en-US": "Former customers who came back in the period, same period last year" }, label: { "zh-CN": "去年同期恢复客户", "en-US": "Reactivated, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_churned_customers: { type: "integer", format: "count", description: { "zh-CN": "本期流失的客户数（去年同期）", "en-US": "Customers who churned in the period, same period last year" }, label: { "zh-CN": "去年同期流失客户", "en-US": "Churned, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数（去年同期）", "en-US": "Customers at the end of the period, same period last year" }, label: { "zh-CN": "去年同期期末客户数", "en-US": "Customers at end, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_net_growth: { type: "integer", format: "count", description: { "zh-CN": "期末客户数减期初客户数（去年同期）", "en-US": "Customers at the end minus customers at the start, same period last year" }, label: { "zh-CN": "去年同期净增长", "en-US": "Net growth, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失客户数 ÷ 期初客户数（去年同期）", "en-US": "Churned customers ÷ customers at the start of the period, same period last year" }, label: { "zh-CN": "去年同期客户流失率", "en-US": "Churn rate, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_retention_rate: { type: "number", format: "percent", description: { "zh-CN": "1 − 客户流失率（去年同期）", "en-US": "1 − churn rate, same period last year" }, label: { "zh-CN": "去年同期客户保持率", "en-US": "Retention rate, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_growth_rate: { type: "number", format: "percent", description: { "zh-CN": "净增长 ÷ 期初客户数（去年同期）", "en-US": "Net growth ÷ customers at the start, same period last year" }, label: { "zh-CN": "去年同期客户增长率", "en-US": "Growth rate, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初月经常性收入（去年同期）", "en-US": "MRR at the start of the period, same period last year" }, label: { "zh-CN": "去年同期期初MRR", "en-US": "MRR at start, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末月经常性收入（去年同期）", "en-US": "MRR at the end of the period, same period last year" }, label: { "zh-CN": "去年同期期末MRR", "en-US": "MRR at end, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_gross_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "（收缩MRR + 流失MRR）÷ 期初MRR（去年同期）", "en-US": "(Contraction + churned MRR) ÷ MRR at start, same period last year" }, label: { "zh-CN": "去年同期总MRR流失率", "en-US": "Gross MRR churn, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_net_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "（收缩 + 流失 − 扩展 − 恢复MRR）÷ 期初MRR（去年同期）", "en-US": "(Contraction + churned − expansion − reactivation MRR) ÷ MRR at start, same period last year" }, label: { "zh-CN": "去年同期净MRR流失率", "en-US": "Net MRR churn, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_grr: { type: "number", format: "percent", description: { "zh-CN": "总收入留存率：1 − 总MRR流失率（去年同期）", "en-US": "Gross revenue retention: 1 − gross MRR churn rate, same period last year" }, label: { "zh-CN": "去年同期总收入留存率", "en-US": "GRR, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
          ly_nrr: { type: "number", format: "percent", description: { "zh-CN": "净收入留存率：1 − 净MRR流失率（去年同期）", "en-US": "Net revenue retention: 1 − net MRR churn rate, same period last year" }, label: { "zh-CN": "去年同期净收入留存率", "en-US": "NRR, last year" }, missing: { "zh-CN": "去年同期早于数据范围，或当时期初没有客户", "en-US": "the same period last year is before the data, or had no customers at its start" } },
        },
      },
      rates: {
        description: { "zh-CN": "各期比率", "en-US": "Rates" },
        columns: {
          period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
          period_start: { type: "date", format: "date", description: { "zh-CN": "期间首日", "en-US": "First day of the period" }, label: { "zh-CN": "期间开始", "en-US": "Period start" } },
          metric: { type: "string", format: "label", description: { "zh-CN": "比率代码", "en-US": "Rate code" }, label: { "zh-CN": "指标", "en-US": "Metric" } },
          label: { type: "string", format: "label", description: { "zh-CN": "比率的显示名称", "en-US": "Rate as readers see it" }, label: { "zh-CN": "指标", "en-US": "Metric" } },
          value: { type: "number", format: "percent", description: { "zh-CN": "该期的比率", "en-US": "The rate in the period" }, label: { "zh-CN": "比率", "en-US": "Rate" } },
        },
      },
    },
  },

  // The periods shown and, before them, the look-back their prev_ and ly_ columns need: resolved once.
  plan(p: ChurnTrendParams, ctx: AnalysisContext) {
    checkBasisRole(ctx, "churn-trend");
    const shown = trendPeriods(ctx.period, p.grain, p.periods);
    const grain = shown[0]!.grain;
    const all = trendPeriods(ctx.period, p.grain, p.periods + lookback(grain));
    return { p, ctx: runContext(ctx), shown, last: shown[shown.length - 1]!, all, grain, opts: { includeFree: p.include_free }, basis: revenueBasis(ctx), source: { dataset: basisDataset(ctx) } };
  },

  reductions({ p, ctx, last, all, opts }) {
    const out: Record<string, string> = { dropped: droppedRowsSql(ctx, last, opts) };
    if (p.convention === "rolling30") out.daily = dailyEventsSql(ctx, all, opts, last.end);
    return out;
  },
  // The period rows come from the run's period aggregates, shared with churn-summary and leaky-bucket.
  products({ all, opts }) {
    return { [periodAggregates.id]: periodAggregatesNeed(all, opts) };
  },

  compute(data, { p, ctx, shown, last, all, grain, basis, source }, products) {
    const lag = yearLag(grain);
    const ev = data.daily ? dailyEvents(data.daily) : undefined;
    const byLabel = new Map(periodRows(products).map((r) => [String(r.label), r]));
    const metrics: PeriodMetrics[] = all.map((per) => {
      const row = byLabel.get(per.label);
      if (!row) throw new Error(`churn-trend: no aggregate row for ${per.label}`);
      assertBridge(row, source);
      return periodMetrics(row, p.convention, ev, source);
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
      last_period: last.label,
      convention: p.convention,
      revenue_basis: basis,
      mean_churn_rate: defined.length ? defined.reduce((s, v) => s + v, 0) / defined.length : null,
    };
    const notes: string[] = droppedNotes(data.dropped?.[0], last.label, ctx.locale);
    const undefinedPeriods = trend.filter((r) => r.churn_rate === null).map((r) => String(r.period));
    if (undefinedPeriods.length)
      notes.push(msg(ctx.locale).churnTrend.undefinedPeriods(undefinedPeriods));
    return { scalars, tables: { trend, rates }, notes };
  },

  chart(result, { ctx }) {
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
});
