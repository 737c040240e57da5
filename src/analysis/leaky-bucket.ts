import { type Static, Type } from "@sinclair/typebox";
import { defineAnalysis, runContext, type AnalysisContext, type Localized, type Row, type Value } from "./types.js";
import { baseDefinition, grainParam, includeFreeParam, periodNeeds, periodsParam } from "./period-metrics/common.js";
import { assertBridge, basisDataset, droppedNotes, metricLabels, periodMetrics, trendPeriods, type PeriodMetrics } from "./period-metrics/metrics.js";
import { checkBasisRole, droppedRowsSql, periodAggregates, periodAggregatesNeed, periodRows, revenueBasis } from "./period-metrics/sql.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  periods: periodsParam,
  grain: grainParam,
  include_free: includeFreeParam,
});
export type LeakyBucketParams = Static<typeof params>;

const stepLabels: Record<string, Localized> = {
  customers_start: { "zh-CN": "期初客户", "en-US": "Customers at start" },
  new_customers: { "zh-CN": "新增客户", "en-US": "New" },
  reactivated_customers: { "zh-CN": "恢复客户", "en-US": "Reactivated" },
  churned_customers: { "zh-CN": "流失客户", "en-US": "Churned" },
  customers_end: { "zh-CN": "期末客户", "en-US": "Customers at end" },
  // The revenue steps read as in the summary's metric table.
  ...Object.fromEntries((["mrr_start", "new_mrr", "expansion_mrr", "reactivation_mrr", "contraction_mrr", "churned_mrr", "mrr_end"] as const).map((k) => [k, metricLabels[k]])),
};
const revenueLevelLabels: Record<string, Localized> = {
  mrr_start: { "zh-CN": "上期收入", "en-US": "Previous period revenue" },
  mrr_end: { "zh-CN": "本期收入", "en-US": "Period revenue" },
};

type Kind = "start" | "in" | "out" | "end";
const customerSteps: Array<[keyof PeriodMetrics, Kind]> = [
  ["customers_start", "start"],
  ["new_customers", "in"],
  ["reactivated_customers", "in"],
  ["churned_customers", "out"],
  ["customers_end", "end"],
];
const revenueSteps: Array<[keyof PeriodMetrics, Kind]> = [
  ["mrr_start", "start"],
  ["new_mrr", "in"],
  ["expansion_mrr", "in"],
  ["reactivation_mrr", "in"],
  ["contraction_mrr", "out"],
  ["churned_mrr", "out"],
  ["mrr_end", "end"],
];

/** One period's flows (in: new, reactivated; out: churned) for customers and revenue. */
function flowRow(label: string, start: string, m: PeriodMetrics): Row {
  const rev = m.mrr_start !== null;
  return {
    period: label,
    period_start: start,
    customers_start: m.customers_start,
    new_customers: m.new_customers,
    reactivated_customers: m.reactivated_customers,
    churned_customers: m.churned_customers,
    customers_end: m.customers_end,
    customers_in: m.new_customers! + m.reactivated_customers!,
    customers_out: m.churned_customers,
    net_customers: m.net_growth,
    mrr_start: m.mrr_start,
    new_mrr: m.new_mrr,
    expansion_mrr: m.expansion_mrr,
    reactivation_mrr: m.reactivation_mrr,
    contraction_mrr: m.contraction_mrr,
    churned_mrr: m.churned_mrr,
    mrr_end: m.mrr_end,
    mrr_in: rev ? m.new_mrr! + m.expansion_mrr! + m.reactivation_mrr! : null,
    mrr_out: rev ? m.contraction_mrr! + m.churned_mrr! : null,
    net_new_mrr: m.net_new_mrr,
  };
}

/**
 * Leaky bucket (漏水桶): customers poured in at the top (new, reactivated) and leaking out
 * (churned), and the same for revenue (in: new, expansion, reactivation MRR; out: contraction,
 * churned MRR). Definitions as churn-summary (spell events; MRR movements at the period's
 * boundaries; period revenue for the inactivity basis).
 * Tables: `waterfall` — the report period as rows (measure customers|revenue, step, label,
 * value, kind start|in|out|end); out values are negative, so start + Σ in/out = end;
 * `flows` — per period of the trend (last `periods` of `grain`): start, in, out, end.
 */
export const leakyBucket = defineAnalysis({
  id: "leaky-bucket",
  title: { "zh-CN": "漏水桶：客户与收入的流入流出", "en-US": "Leaky bucket: customers and revenue in and out" },
  summary: {
    "zh-CN": "报告期期初到期末的客户与收入瀑布图（新增、恢复流入，流失流出），以及最近 N 期的流入流出表。",
    "en-US": "Waterfall of customers and revenue from start to end of the period (in: new, reactivated; out: churned) and the in/out flows of the last N periods.",
  },
  definition: {
    "zh-CN":
      baseDefinition["zh-CN"] +
      "漏水桶：客户流入 = 新增 + 恢复，流出 = 流失，期初 + 流入 − 流出 = 期末；收入流入 = 新增 + 扩展 + 恢复 MRR，流出 = 收缩 + 流失 MRR。瀑布表中流出记为负值。",
    "en-US":
      baseDefinition["en-US"] +
      " Leaky bucket: customers in = new + reactivated, out = churned, start + in − out = end; revenue in = new + expansion + reactivation MRR, out = contraction + churned MRR. In the waterfall table out values are negative.",
  },
  params,
  needs: [periodNeeds()],
  mainTable: "waterfall",
  outputs: {
    scalars: {
      period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
      revenue_basis: { type: "string", format: "label", description: { "zh-CN": "收入口径", "en-US": "Revenue basis" } },
      customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
      customers_in: { type: "integer", format: "count", description: { "zh-CN": "流入客户数", "en-US": "Customers in" } },
      customers_out: { type: "integer", format: "count", description: { "zh-CN": "流出客户数", "en-US": "Customers out" } },
      customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数", "en-US": "Customers at end" } },
      net_customers: { type: "integer", format: "count", description: { "zh-CN": "客户净变动", "en-US": "Net customers" } },
      mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初MRR", "en-US": "MRR at start" } },
      mrr_in: { type: "number", format: "currency", description: { "zh-CN": "流入 MRR", "en-US": "MRR in" } },
      mrr_out: { type: "number", format: "currency", description: { "zh-CN": "流出 MRR", "en-US": "MRR out" } },
      mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末MRR", "en-US": "MRR at end" } },
      net_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "净新增 MRR", "en-US": "Net new MRR" } },
    },
    tables: {
      waterfall: {
        description: { "zh-CN": "漏水桶：客户与收入的流入流出", "en-US": "Leaky bucket: customers and revenue in and out" },
        columns: {
          measure: { type: "string", format: "label", description: { "zh-CN": "度量：客户数或MRR", "en-US": "Measure: customers or MRR" }, label: { "zh-CN": "度量", "en-US": "Measure" } },
          step: { type: "string", format: "label", description: { "zh-CN": "步骤代码（期初、新增、恢复、流失、期末等）", "en-US": "Step code (start, new, reactivated, churned, end, …)" }, label: { "zh-CN": "步骤", "en-US": "Step" } },
          label: { type: "string", format: "label", description: { "zh-CN": "步骤的显示名称", "en-US": "Step as readers see it" }, label: { "zh-CN": "步骤", "en-US": "Step" } },
          value: { type: "number", format: "currency", description: { "zh-CN": "该步骤的客户数或MRR（流出为负）", "en-US": "Customers or MRR of the step (outflows negative)" }, label: { "zh-CN": "数值", "en-US": "Value" } },
          kind: { type: "string", format: "label", description: { "zh-CN": "柱类型：合计、流入或流出", "en-US": "Bar kind: a total, an inflow or an outflow" }, label: { "zh-CN": "类型", "en-US": "Kind" } },
        },
      },
      flows: {
        description: { "zh-CN": "流入流出明细", "en-US": "Flows" },
        columns: {
          period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
          period_start: { type: "date", format: "date", description: { "zh-CN": "期间首日", "en-US": "First day of the period" }, label: { "zh-CN": "期间开始", "en-US": "Period start" } },
          customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at the start of the period" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          new_customers: { type: "integer", format: "count", description: { "zh-CN": "本期新增客户数", "en-US": "Customers who joined in the period" }, label: { "zh-CN": "新增客户", "en-US": "New customers" } },
          reactivated_customers: { type: "integer", format: "count", description: { "zh-CN": "本期恢复的老客户数", "en-US": "Former customers who came back in the period" }, label: { "zh-CN": "恢复客户", "en-US": "Reactivated" } },
          churned_customers: { type: "integer", format: "count", description: { "zh-CN": "本期流失的客户数", "en-US": "Customers who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          customers_end: { type: "integer", format: "count", description: { "zh-CN": "期末客户数", "en-US": "Customers at the end of the period" }, label: { "zh-CN": "期末客户数", "en-US": "Customers at end" } },
          customers_in: { type: "integer", format: "count", description: { "zh-CN": "新增 + 恢复客户数", "en-US": "New + reactivated customers" }, label: { "zh-CN": "流入客户", "en-US": "Customers in" } },
          customers_out: { type: "integer", format: "count", description: { "zh-CN": "流失客户数", "en-US": "Churned customers" }, label: { "zh-CN": "流出客户", "en-US": "Customers out" } },
          net_customers: { type: "integer", format: "count", description: { "zh-CN": "流入客户 − 流出客户", "en-US": "Customers in − customers out" }, label: { "zh-CN": "客户净变化", "en-US": "Net customers" } },
          mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初月经常性收入", "en-US": "MRR at the start of the period" }, label: { "zh-CN": "期初MRR", "en-US": "MRR at start" } },
          new_mrr: { type: "number", format: "currency", description: { "zh-CN": "新增客户的MRR", "en-US": "MRR of new customers" }, label: { "zh-CN": "新增MRR", "en-US": "New MRR" } },
          expansion_mrr: { type: "number", format: "currency", description: { "zh-CN": "现有客户增加的MRR", "en-US": "MRR added by existing customers" }, label: { "zh-CN": "扩展MRR", "en-US": "Expansion MRR" } },
          reactivation_mrr: { type: "number", format: "currency", description: { "zh-CN": "恢复客户的MRR", "en-US": "MRR of reactivated customers" }, label: { "zh-CN": "恢复MRR", "en-US": "Reactivation MRR" } },
          contraction_mrr: { type: "number", format: "currency", description: { "zh-CN": "留存客户减少的MRR", "en-US": "MRR given up by customers who stayed" }, label: { "zh-CN": "收缩MRR", "en-US": "Contraction MRR" } },
          churned_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失客户的MRR", "en-US": "MRR of churned customers" }, label: { "zh-CN": "流失MRR", "en-US": "Churned MRR" } },
          mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末月经常性收入", "en-US": "MRR at the end of the period" }, label: { "zh-CN": "期末MRR", "en-US": "MRR at end" } },
          mrr_in: { type: "number", format: "currency", description: { "zh-CN": "新增 + 扩展 + 恢复MRR", "en-US": "New + expansion + reactivation MRR" }, label: { "zh-CN": "流入MRR", "en-US": "MRR in" } },
          mrr_out: { type: "number", format: "currency", description: { "zh-CN": "收缩 + 流失MRR", "en-US": "Contraction + churned MRR" }, label: { "zh-CN": "流出MRR", "en-US": "MRR out" } },
          net_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "流入MRR − 流出MRR", "en-US": "MRR in − MRR out" }, label: { "zh-CN": "净新增MRR", "en-US": "Net new MRR" } },
        },
      },
    },
  },

  // The report period and the flows' periods, resolved once.
  plan(p: LeakyBucketParams, ctx: AnalysisContext) {
    checkBasisRole(ctx, "leaky-bucket");
    return { ctx: runContext(ctx), period: ctx.period, flows: trendPeriods(ctx.period, p.grain, p.periods), opts: { includeFree: p.include_free }, basis: revenueBasis(ctx), source: { dataset: basisDataset(ctx) } };
  },

  reductions({ ctx, period, opts }) {
    return { dropped: droppedRowsSql(ctx, period, opts) };
  },
  // The period rows come from the run's period aggregates, shared with churn-summary and churn-trend.
  products({ period, flows, opts }) {
    return { [periodAggregates.id]: periodAggregatesNeed([period, ...flows], opts) };
  },

  compute(data, { ctx, period, flows, basis, source }, products) {
    const byLabel = new Map(periodRows(products).map((r) => [String(r.label), r]));
    const metricsOf = (label: string): PeriodMetrics => {
      const row = byLabel.get(label);
      if (!row) throw new Error(`leaky-bucket: no aggregate row for ${label}`);
      assertBridge(row, source);
      return periodMetrics(row, "standard", undefined, source);
    };
    const cur = metricsOf(period.label);
    const label = (k: string) => (basis === "period_revenue" && revenueLevelLabels[k] ? revenueLevelLabels[k] : stepLabels[k]!)[ctx.locale];
    const signed = (v: number | null, kind: Kind) => (v === null ? null : kind === "out" ? 0 - v : v);
    const waterfall: Row[] = [
      ...customerSteps.map(([k, kind]) => ({ measure: "customers", step: k, label: label(k), value: signed(cur[k], kind), kind })),
      ...(basis === null ? [] : revenueSteps.map(([k, kind]) => ({ measure: "revenue", step: k, label: label(k), value: signed(cur[k], kind), kind }))),
    ];
    const flowRows = flows.map((per) => flowRow(per.label, per.start, metricsOf(per.label)));
    const now = flowRow(period.label, period.start, cur);
    const scalars: Record<string, Value> = {
      period: period.label,
      revenue_basis: basis,
      customers_start: now.customers_start!,
      customers_in: now.customers_in!,
      customers_out: now.customers_out!,
      customers_end: now.customers_end!,
      net_customers: now.net_customers!,
      mrr_start: now.mrr_start!,
      mrr_in: now.mrr_in!,
      mrr_out: now.mrr_out!,
      mrr_end: now.mrr_end!,
      net_new_mrr: now.net_new_mrr!,
    };
    const notes = droppedNotes(data.dropped?.[0], period.label, ctx.locale);
    return { scalars, tables: { waterfall, flows: flowRows }, ...(notes.length ? { notes } : {}) };
  },

  chart(result, { ctx }) {
    if (!result.tables.waterfall?.length) return null;
    const options = { x: "label", y: "value", kind: "kind" };
    // The flows (tens) would be slivers on a zero-based axis against the totals (thousands):
    // `zero: false` lets the renderer start the axis at a round level below the lowest bar
    // when it must, and say so under the chart.
    return {
      title: msg(ctx.locale).leakyBucket.chartTitle(String(result.scalars.period)),
      marks: [{ mark: "waterfall", data: "waterfall", filter: { measure: "customers" }, options }],
      x: { label: null },
      y: { format: "integer", label: msg(ctx.locale).common.customers, zero: false },
    };
  },
});
