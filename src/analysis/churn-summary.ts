import { type Static, Type } from "@sinclair/typebox";
import { defineAnalysis, runContext, type AnalysisContext, type Row, type Value } from "./types.js";
import { samePeriodLastYear, shiftPeriod } from "../util/period.js";
import { baseDefinition, conventionParam, includeFreeParam, periodNeeds, periodParam, resolvePeriod } from "./period-metrics/common.js";
import {
  assertBridge, basisDataset, conventionExplanations, droppedNotes, conventions, dailyEvents, metricKeys, metricNotes, periodMetrics, type Convention, type PeriodMetrics,
} from "./period-metrics/metrics.js";
import { checkBasisRole, dailyEventsSql, droppedRowsSql, periodAggregates, periodAggregatesNeed, periodRows, revenueBasis } from "./period-metrics/sql.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  period: periodParam,
  convention: conventionParam,
  conventions: Type.Union([Type.Literal("selected"), Type.Literal("compare")], {
    default: "selected",
    description: "compare = also return the table `conventions`: the period's churn rate under every convention side by side",
  }),
  include_free: includeFreeParam,
});
export type ChurnSummaryParams = Static<typeof params>;

/**
 * Period churn and revenue summary (客户流失率 / 保持率 / 增长率 / MRR / GRR / NRR) for the
 * report period (or `period`), its previous period (prev_) and the same period last year (ly_).
 *
 * Customers are counted per activity spell (sql/spells.ts): at start = spells active at the
 * period start (start < b ≤ end); new = first spells starting in the period; reactivated =
 * later spells starting in it; churned = spells ending in it; end = start + new + reactivated
 * − churned (checked: a data shape that breaks it is a ChurnbookError "customer-identity"
 * naming the customers). A customer who joins and leaves within the period counts in new and in
 * churned. Free spells (mrr 0 throughout) are left out unless include_free.
 * Churn rate: standard = customers at start not active at the end ÷ customers at start
 * (ChartMogul: joined-and-left and churned-and-reactivated excluded); stripe = churn events ÷
 * (start + new + reactivated); rolling30 = mean over the period's days of the trailing 30-day
 * rate (ends in t−29…t ÷ active at t−29). Retention = 1 − churn; growth = new ÷ start.
 * Revenue: per-customer MRR at both boundaries (period revenue, previous vs this period, for
 * the inactivity basis) classified into new/expansion/reactivation/contraction/churn; gross
 * MRR churn = (churn + contraction) ÷ start; net = (churn + contraction − expansion −
 * reactivation) ÷ start; GRR/NRR on the starting cohort; quick ratio = (new + expansion +
 * reactivation) ÷ (churn + contraction), null when that is 0. Zero denominators → null.
 */
export const churnSummary = defineAnalysis({
  id: "churn-summary",
  title: { "zh-CN": "客户流失与收入核心指标", "en-US": "Churn and revenue summary" },
  summary: {
    "zh-CN": "报告期的期初/新增/恢复/流失/期末客户数、客户流失率（可选口径）、保持率、增长率、MRR 变动、GRR/NRR 和快速比率，附环比和同比。",
    "en-US": "Customers at start, new, reactivated, churned and at end; churn rate (selectable convention), retention, growth; MRR movements, GRR/NRR and quick ratio — with previous-period and last-year values.",
  },
  definition: baseDefinition,
  params,
  needs: [periodNeeds()],
  mainTable: "metrics",
  outputs: {
    scalars: {
      period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
      prev_period: { type: "string", format: "period", description: { "zh-CN": "期间（上期）", "en-US": "Period, previous period" } },
      ly_period: { type: "string", format: "period", description: { "zh-CN": "期间（去年同期）", "en-US": "Period, same period last year" } },
      convention: { type: "string", format: "label", description: { "zh-CN": "流失率口径", "en-US": "Convention" } },
      revenue_basis: { type: "string", format: "label", description: { "zh-CN": "收入口径", "en-US": "Revenue basis" } },
      customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
      prev_customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数（上期）", "en-US": "Customers at start, previous period" } },
      ly_customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数（去年同期）", "en-US": "Customers at start, same period last year" } },
      new_customers: { type: "integer", format: "count", description: { "zh-CN": "新增客户", "en-US": "New customers" } },
      prev_new_customers: { type: "integer", format: "count", description: { "zh-CN": "新增客户（上期）", "en-US": "New customers, previous period" } },
      ly_new_customers: { type: "integer", format: "count", description: { "zh-CN": "新增客户（去年同期）", "en-US": "New customers, same period last year" } },
      reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "恢复客户数", "en-US": "Reactivated customers" } },
      prev_reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "恢复客户数（上期）", "en-US": "Reactivated customers, previous period" } },
      ly_reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "恢复客户数（去年同期）", "en-US": "Reactivated customers, same period last year" } },
      churned_customers: { type: "integer", format: "count", description: { "zh-CN": "流失客户数", "en-US": "Churned customers" } },
      prev_churned_customers: { type: "integer", format: "count", description: { "zh-CN": "流失客户数（上期）", "en-US": "Churned customers, previous period" } },
      ly_churned_customers: { type: "integer", format: "count", description: { "zh-CN": "流失客户数（去年同期）", "en-US": "Churned customers, same period last year" } },
      customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数", "en-US": "Customers at end" } },
      prev_customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数（上期）", "en-US": "Customers at end, previous period" } },
      ly_customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数（去年同期）", "en-US": "Customers at end, same period last year" } },
      net_growth: { type: "integer", format: "count", description: { "zh-CN": "净增长", "en-US": "Net growth" } },
      prev_net_growth: { type: "integer", format: "count", description: { "zh-CN": "净增长（上期）", "en-US": "Net growth, previous period" } },
      ly_net_growth: { type: "integer", format: "count", description: { "zh-CN": "净增长（去年同期）", "en-US": "Net growth, same period last year" } },
      joined_and_left: { type: "integer", format: "count", description: { "zh-CN": "当期加入并离开的客户数", "en-US": "Joined and left" } },
      prev_joined_and_left: { type: "integer", format: "count", description: { "zh-CN": "当期加入并离开的客户数（上期）", "en-US": "Joined and left, previous period" } },
      ly_joined_and_left: { type: "integer", format: "count", description: { "zh-CN": "当期加入并离开的客户数（去年同期）", "en-US": "Joined and left, same period last year" } },
      churned_and_reactivated: { type: "integer", format: "count", description: { "zh-CN": "流失后又恢复的客户数", "en-US": "Churned and reactivated" } },
      prev_churned_and_reactivated: { type: "integer", format: "count", description: { "zh-CN": "流失后又恢复的客户数（上期）", "en-US": "Churned and reactivated, previous period" } },
      ly_churned_and_reactivated: { type: "integer", format: "count", description: { "zh-CN": "流失后又恢复的客户数（去年同期）", "en-US": "Churned and reactivated, same period last year" } },
      churn_numerator: { type: "integer", format: "count", description: { "zh-CN": "流失率分子", "en-US": "Churn numerator" } },
      prev_churn_numerator: { type: "integer", format: "count", description: { "zh-CN": "流失率分子（上期）", "en-US": "Churn numerator, previous period" } },
      ly_churn_numerator: { type: "integer", format: "count", description: { "zh-CN": "流失率分子（去年同期）", "en-US": "Churn numerator, same period last year" } },
      churn_denominator: { type: "integer", format: "count", description: { "zh-CN": "流失率分母", "en-US": "Churn denominator" } },
      prev_churn_denominator: { type: "integer", format: "count", description: { "zh-CN": "流失率分母（上期）", "en-US": "Churn denominator, previous period" } },
      ly_churn_denominator: { type: "integer", format: "count", description: { "zh-CN": "流失率分母（去年同期）", "en-US": "Churn denominator, same period last year" } },
      churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率", "en-US": "Churn rate" } },
      prev_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率（上期）", "en-US": "Churn rate, previous period" } },
      ly_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率（去年同期）", "en-US": "Churn rate, same period last year" } },
      retention_rate: { type: "number", format: "percent", description: { "zh-CN": "客户保持率", "en-US": "Retention rate" } },
      prev_retention_rate: { type: "number", format: "percent", description: { "zh-CN": "客户保持率（上期）", "en-US": "Retention rate, previous period" } },
      ly_retention_rate: { type: "number", format: "percent", description: { "zh-CN": "客户保持率（去年同期）", "en-US": "Retention rate, same period last year" } },
      growth_rate: { type: "number", format: "percent", description: { "zh-CN": "客户增长率", "en-US": "Growth rate" } },
      prev_growth_rate: { type: "number", format: "percent", description: { "zh-CN": "客户增长率（上期）", "en-US": "Growth rate, previous period" } },
      ly_growth_rate: { type: "number", format: "percent", description: { "zh-CN": "客户增长率（去年同期）", "en-US": "Growth rate, same period last year" } },
      mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初MRR", "en-US": "MRR at start" } },
      prev_mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初MRR（上期）", "en-US": "MRR at start, previous period" } },
      ly_mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初MRR（去年同期）", "en-US": "MRR at start, same period last year" } },
      new_mrr: { type: "number", format: "currency", description: { "zh-CN": "新增 MRR", "en-US": "New MRR" } },
      prev_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "新增 MRR（上期）", "en-US": "New MRR, previous period" } },
      ly_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "新增 MRR（去年同期）", "en-US": "New MRR, same period last year" } },
      expansion_mrr: { type: "number", format: "currency", description: { "zh-CN": "扩展 MRR", "en-US": "Expansion MRR" } },
      prev_expansion_mrr: { type: "number", format: "currency", description: { "zh-CN": "扩展 MRR（上期）", "en-US": "Expansion MRR, previous period" } },
      ly_expansion_mrr: { type: "number", format: "currency", description: { "zh-CN": "扩展 MRR（去年同期）", "en-US": "Expansion MRR, same period last year" } },
      reactivation_mrr: { type: "number", format: "currency", description: { "zh-CN": "恢复 MRR", "en-US": "Reactivation MRR" } },
      prev_reactivation_mrr: { type: "number", format: "currency", description: { "zh-CN": "恢复 MRR（上期）", "en-US": "Reactivation MRR, previous period" } },
      ly_reactivation_mrr: { type: "number", format: "currency", description: { "zh-CN": "恢复 MRR（去年同期）", "en-US": "Reactivation MRR, same period last year" } },
      contraction_mrr: { type: "number", format: "currency", description: { "zh-CN": "收缩 MRR", "en-US": "Contraction MRR" } },
      prev_contraction_mrr: { type: "number", format: "currency", description: { "zh-CN": "收缩 MRR（上期）", "en-US": "Contraction MRR, previous period" } },
      ly_contraction_mrr: { type: "number", format: "currency", description: { "zh-CN": "收缩 MRR（去年同期）", "en-US": "Contraction MRR, same period last year" } },
      churned_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失 MRR", "en-US": "Churned MRR" } },
      prev_churned_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失 MRR（上期）", "en-US": "Churned MRR, previous period" } },
      ly_churned_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失 MRR（去年同期）", "en-US": "Churned MRR, same period last year" } },
      mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末MRR", "en-US": "MRR at end" } },
      prev_mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末MRR（上期）", "en-US": "MRR at end, previous period" } },
      ly_mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末MRR（去年同期）", "en-US": "MRR at end, same period last year" } },
      net_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "净新增 MRR", "en-US": "Net new MRR" } },
      prev_net_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "净新增 MRR（上期）", "en-US": "Net new MRR, previous period" } },
      ly_net_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "净新增 MRR（去年同期）", "en-US": "Net new MRR, same period last year" } },
      gross_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "MRR 毛流失率", "en-US": "Gross MRR churn rate" } },
      prev_gross_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "MRR 毛流失率（上期）", "en-US": "Gross MRR churn rate, previous period" } },
      ly_gross_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "MRR 毛流失率（去年同期）", "en-US": "Gross MRR churn rate, same period last year" } },
      net_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "MRR 净流失率", "en-US": "Net MRR churn rate" } },
      prev_net_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "MRR 净流失率（上期）", "en-US": "Net MRR churn rate, previous period" } },
      ly_net_mrr_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "MRR 净流失率（去年同期）", "en-US": "Net MRR churn rate, same period last year" } },
      grr: { type: "number", format: "percent", description: { "zh-CN": "毛收入留存率（GRR）", "en-US": "GRR (gross revenue retention)" } },
      prev_grr: { type: "number", format: "percent", description: { "zh-CN": "毛收入留存率（GRR）（上期）", "en-US": "GRR (gross revenue retention), previous period" } },
      ly_grr: { type: "number", format: "percent", description: { "zh-CN": "毛收入留存率（GRR）（去年同期）", "en-US": "GRR (gross revenue retention), same period last year" } },
      nrr: { type: "number", format: "percent", description: { "zh-CN": "净收入留存率（NRR）", "en-US": "NRR (net revenue retention)" } },
      prev_nrr: { type: "number", format: "percent", description: { "zh-CN": "净收入留存率（NRR）（上期）", "en-US": "NRR (net revenue retention), previous period" } },
      ly_nrr: { type: "number", format: "percent", description: { "zh-CN": "净收入留存率（NRR）（去年同期）", "en-US": "NRR (net revenue retention), same period last year" } },
      quick_ratio: { type: "number", format: "ratio", description: { "zh-CN": "快速比率", "en-US": "Quick ratio" } },
      prev_quick_ratio: { type: "number", format: "ratio", description: { "zh-CN": "快速比率（上期）", "en-US": "Quick ratio, previous period" } },
      ly_quick_ratio: { type: "number", format: "ratio", description: { "zh-CN": "快速比率（去年同期）", "en-US": "Quick ratio, same period last year" } },
    },
    tables: {
      metrics: {
        description: { "zh-CN": "客户流失与收入核心指标", "en-US": "Churn and revenue summary" },
        columns: {
          metric: { type: "string", format: "label", description: { "zh-CN": "指标", "en-US": "Metric" } },
          value: { type: "number", format: "number", description: { "zh-CN": "本期数值", "en-US": "Value in the period" }, label: { "zh-CN": "本期", "en-US": "This period" } },
          previous: { type: "number", format: "number", description: { "zh-CN": "上期数值", "en-US": "Value in the previous period" }, label: { "zh-CN": "上期", "en-US": "Previous" } },
          last_year: { type: "number", format: "number", description: { "zh-CN": "去年同期数值", "en-US": "Value in the same period last year" }, label: { "zh-CN": "去年同期", "en-US": "Last year" } },
        },
      },
      conventions: {
        description: { "zh-CN": "各口径流失率", "en-US": "Conventions" },
        optional: true,
        columns: {
          convention: { type: "string", format: "label", description: { "zh-CN": "流失率口径", "en-US": "Churn-rate convention" }, label: { "zh-CN": "口径", "en-US": "Convention" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "该口径下的流失率：分子 ÷ 分母", "en-US": "Churn rate under this convention: numerator ÷ denominator" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" } },
          numerator: { type: "integer", format: "count", description: { "zh-CN": "该口径计入的流失客户数", "en-US": "Churned customers counted by this convention" }, label: { "zh-CN": "分子", "en-US": "Numerator" } },
          denominator: { type: "integer", format: "count", description: { "zh-CN": "该口径的分母客户数", "en-US": "Customers the convention divides by" }, label: { "zh-CN": "分母", "en-US": "Denominator" } },
          explanation: { type: "string", format: "label", description: { "zh-CN": "该口径的计算方式", "en-US": "How the convention counts" }, label: { "zh-CN": "说明", "en-US": "Explanation" } },
        },
      },
    },
  },

  // The period, its previous period and the same period last year, resolved once.
  plan(p: ChurnSummaryParams, ctx: AnalysisContext) {
    checkBasisRole(ctx, "churn-summary");
    const period = resolvePeriod(p.period, ctx.period);
    const prev = shiftPeriod(period, -1);
    const ly = samePeriodLastYear(period);
    return { p, ctx: runContext(ctx), period, prev, ly, opts: { includeFree: p.include_free }, basis: revenueBasis(ctx), source: { dataset: basisDataset(ctx) } };
  },

  reductions({ p, ctx, period, prev, ly, opts }) {
    const out: Record<string, string> = { dropped: droppedRowsSql(ctx, period, opts) };
    if (p.convention === "rolling30" || p.conventions === "compare") out.daily = dailyEventsSql(ctx, [period, prev, ly], opts, period.end);
    return out;
  },
  // The period rows come from the run's period aggregates, shared with churn-trend and leaky-bucket.
  products({ period, prev, ly, opts }) {
    return { [periodAggregates.id]: periodAggregatesNeed([period, prev, ly], opts) };
  },

  compute(data, { p, ctx, period, prev, ly, basis, source }, products) {
    const byLabel = new Map(periodRows(products).map((r) => [String(r.label), r]));
    const ev = data.daily ? dailyEvents(data.daily) : undefined;
    const get = (label: string): Row => {
      const r = byLabel.get(label);
      if (!r) throw new Error(`churn-summary: no aggregate row for ${label}`);
      assertBridge(r, source);
      return r;
    };
    const rows = { cur: get(period.label), prev: get(prev.label), ly: get(ly.label) };
    const cur = periodMetrics(rows.cur, p.convention, ev, source);
    const pre = periodMetrics(rows.prev, p.convention, ev, source);
    const last = periodMetrics(rows.ly, p.convention, ev, source);

    const scalars: Record<string, Value> = {
      period: period.label,
      prev_period: prev.label,
      ly_period: ly.label,
      convention: p.convention,
      revenue_basis: basis,
    };
    for (const k of metricKeys) {
      scalars[k] = cur[k];
      scalars[`prev_${k}`] = pre[k];
      scalars[`ly_${k}`] = last[k];
    }
    const metrics: Row[] = metricKeys.map((k) => ({ metric: k, value: cur[k], previous: pre[k], last_year: last[k] }));
    const tables: Record<string, Row[]> = { metrics };
    if (p.conventions === "compare") tables.conventions = compareConventions(rows.cur, ev, ctx.locale);

    const say = msg(ctx.locale).periodMetrics;
    const notes = [...droppedNotes(data.dropped?.[0], period.label, ctx.locale), ...metricNotes(cur, period.label, ctx.locale, p.convention)];
    if (basis === null)
      notes.push(say.noRevenueField);
    else if (basis === "period_revenue")
      notes.push(say.inactivityRevenue);
    const bad = Number(rows.cur.inconsistent_count ?? 0);
    if (bad > 0)
      notes.push(say.unattributedRevenue(bad, String(rows.cur.inconsistent_customers)));
    return { scalars, tables, notes };
  },

  // A KPI table: no default chart (the trend and the leaky bucket draw these numbers).
  chart() {
    return null;
  },
});

/** The period's churn rate under every convention (table `conventions`). */
function compareConventions(row: Row, ev: ReturnType<typeof dailyEvents> | undefined, locale: "zh-CN" | "en-US"): Row[] {
  return conventions.map((c: Convention) => {
    const m: PeriodMetrics = periodMetrics(row, c, ev);
    return { convention: c, churn_rate: m.churn_rate, numerator: m.churn_numerator, denominator: m.churn_denominator, explanation: conventionExplanations[c][locale] };
  });
}
