import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { quoteLiteral } from "../data/engine.js";
import { dialectOf } from "../data/dialects/index.js";
import { ChurnbookError } from "../util/errors.js";
import { type Period, periodsEndingWith } from "../util/period.js";
import { reasonLabel } from "./cohorts/churn-labels.js";
import { ratio, requireBasisRole } from "./cohorts/cohort-sql.js";
import { activeAt, spellsSql } from "./sql/spells.js";
import { droppedNotes } from "./period-metrics/metrics.js";
import { droppedRowsSql } from "./period-metrics/sql.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Locale, type Row } from "./types.js";
import { exactMoneySql, netAmountSql } from "./money.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  top_share: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.2, description: "Share of the starting base (by value) forming the high-value tier." }),
  bottom_share: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.2, description: "Share of the starting base (by value) forming the low-value tier." }),
  top: Type.Integer({ minimum: 0, maximum: 1000, default: 10, description: "Number of lost customers listed, highest lost MRR first." }),
  trend_periods: Type.Integer({ minimum: 1, maximum: 60, default: 6, description: "Number of periods (of the report period's grain) in the trend, ending with the report period." }),
});
export type ChurnValueParams = Static<typeof params>;

const tiers = ["high", "middle", "low"] as const;
type Tier = (typeof tiers)[number];

function tierLabel(tier: Tier, p: ChurnValueParams, locale: Locale): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return msg(locale).churnedValue.tierLabel(tier, pct(tier === "low" ? p.bottom_share : p.top_share));
}

/** Average days per month, for tenure in months. */
const daysPerMonth = 365.25 / 12;

/**
 * The value of who was lost (流失客户价值 / 优质客户流失) in the period.
 *
 * Base = customers active at the period start boundary (sql/spells.ts activeAt). Value at the
 * start: MRR of the subscriptions covering the day before the start (start_date < start ≤
 * end_date or no end) on the subscriptions basis; revenue in the 12 months before the start on
 * the inactivity basis. Tiers over the base: sort by value (descending; ties by customer_id);
 * high threshold = the value at rank ⌈top_share·n⌉, high = value ≥ it; low threshold = the
 * value at rank ⌈bottom_share·n⌉ from the bottom, low = value ≤ it and not high; the rest
 * middle (ties at a threshold join its tier, so a tier can exceed its share).
 * Churned = base customers whose active spell ends in the period (on the inactivity basis only
 * when the end is no later than the day after the data's last transaction). lost_mrr = MRR of
 * the subscriptions covering the day before the churn date (inactivity: revenue in the 12
 * months before the churn date ÷ 12); lost_annual_revenue = 12 × lost_mrr. churn_rate per tier =
 * churned ÷ base in the tier. Customers who joined and churned within the period are not in
 * the base (counted in a note). tenure_months = days from the first spell start to the churn
 * date ÷ 30.4375, one decimal. Alarm: the high-value share of the churned rises against the
 * previous period.
 */
/** The data checked (subscriptions with dates and MRR on that basis) and the trend's periods, resolved once. */
function plan(p: ChurnValueParams, ctx: AnalysisContext) {
  requireBasisRole(ctx, "churned-value");
  const missing = ["start_date", "end_date", "mrr"].filter((f) => !(ctx.fields.subscriptions ?? []).includes(f));
  if (ctx.churn.kind === "subscriptions" && missing.length) {
    throw new ChurnbookError("missing-field", `analysis "churned-value" needs field${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} in the subscriptions dataset`, {
      hint: `available fields: ${(ctx.fields.subscriptions ?? []).join(", ")}; map a column to it, e.g. --map subscriptions.${missing[0]}=<column>`,
    });
  }
  return { p, ctx: runContext(ctx), period: ctx.period, periods: periodsEndingWith(ctx.period, p.trend_periods) };
}
type Plan = ReturnType<typeof plan>;

export const churnedValue = defineAnalysis({
  id: "churned-value",
  title: { "zh-CN": "流失客户价值", "en-US": "Value of churned customers" },
  summary: {
    "zh-CN": "报告期内流失客户的价值：按期初客户价值分层的流失构成、高价值客户流失占比、流失 MRR 与年化收入，以及损失最大的流失客户名单。",
    "en-US": "What the period's churn cost: churned customers by value tier of the starting base, the high-value share, lost MRR and annualised revenue, and the top lost customers.",
  },
  definition: {
    "zh-CN":
      "期初客户群：在报告期开始时处于活跃期的客户。期初价值：订阅口径为期初前一天有效订阅的 MRR 之和；非合约（不活跃窗口）口径为期初前 12 个月的交易收入。" +
      "价值分层：期初客户按价值从高到低排序（同值按客户编号），第 ⌈前段比例 × 人数⌉ 名的价值为高价值门槛，价值 ≥ 门槛为高价值客户；从低到高第 ⌈后段比例 × 人数⌉ 名的价值为低价值门槛，价值 ≤ 门槛（且非高价值）为低价值客户；其余为中等价值（与门槛同值者并入该层，故层的占比可能超过设定比例）。" +
      "流失客户：期初客户中其活跃期在报告期内结束者（不活跃口径下，结束日不得晚于数据最后交易日的次日）。流失 MRR = 流失日前一天有效订阅的 MRR（不活跃口径：流失日前 12 个月收入 ÷ 12）；年化流失收入 = 12 × 流失 MRR。各层流失率 = 该层流失客户数 ÷ 该层期初客户数。期内新增又流失的客户不在期初客户群中（在注释中给出人数）。" +
      "客户在网月数 = 首个活跃期开始日至流失日的天数 ÷ 30.4375（保留一位小数）。警报：流失客户中高价值客户占比较上期上升。",
    "en-US":
      "Starting base: customers active at the start of the report period. Value at the start: on the subscriptions basis the MRR of the subscriptions covering the day before the start; on the inactivity basis the revenue of the 12 months before the start. " +
      "Value tiers: sort the base by value, highest first (ties by customer id); the high threshold is the value at rank ⌈top share × n⌉ and high = value ≥ it; the low threshold is the value at rank ⌈bottom share × n⌉ from the bottom and low = value ≤ it (and not high); the rest are middle (customers tied with a threshold join its tier, so a tier may exceed its share). " +
      "Churned: base customers whose active spell ends in the period (on the inactivity basis only if the end is no later than the day after the last transaction in the data). Lost MRR = MRR of the subscriptions covering the day before the churn date (inactivity: revenue of the 12 months before the churn date ÷ 12); lost annualised revenue = 12 × lost MRR. Churn rate per tier = churned ÷ base in the tier. Customers who joined and churned within the period are not in the base (their number is noted). " +
      "Tenure in months = days from the first spell start to the churn date ÷ 30.4375, one decimal. Alarm: the high-value share of the churned rises against the previous period.",
  },
  params,
  needs: [[
    { role: "subscriptions", fields: ["customer_id", "start_date", "end_date", "mrr"] },
    { role: "transactions", fields: ["customer_id", "date", "amount"] },
  ]],
  mainTable: "tiers",
  outputs: {
    scalars: {
      value_basis: { type: "string", format: "label", description: { "zh-CN": "价值口径", "en-US": "Value basis" } },
      base_customers: { type: "integer", format: "count", description: { "zh-CN": "客户基数", "en-US": "Base customers" } },
      churned_customers: { type: "integer", format: "count", description: { "zh-CN": "流失客户数", "en-US": "Churned customers" } },
      churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率", "en-US": "Churn rate" } },
      high_threshold: { type: "number", format: "currency", description: { "zh-CN": "高价值门槛", "en-US": "High threshold" } },
      low_threshold: { type: "number", format: "currency", description: { "zh-CN": "低价值门槛", "en-US": "Low threshold" } },
      high_share_base: { type: "number", format: "percent", description: { "zh-CN": "高价值客户在客户基数中的占比", "en-US": "High share base" } },
      high_share_churned: { type: "number", format: "percent", description: { "zh-CN": "高价值客户在流失客户中的占比", "en-US": "High share churned" } },
      high_value_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "高价值客户流失率", "en-US": "High value churn rate" } },
      lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
      lost_annual_revenue: { type: "number", format: "currency", description: { "zh-CN": "流失的年收入", "en-US": "Lost annual revenue" } },
      high_value_lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "高价值客户流失的 MRR", "en-US": "High value lost MRR" } },
      high_value_lost_share: { type: "number", format: "percent", description: { "zh-CN": "高价值客户流失 MRR 的占比", "en-US": "High value lost share" } },
      high_share_churned_previous: { type: "number", format: "percent", description: { "zh-CN": "上期高价值客户在流失客户中的占比", "en-US": "High share churned previous" } },
      high_value_alarm: { type: "boolean", description: { "zh-CN": "高价值流失警报", "en-US": "High value alarm" } },
      joined_and_churned: { type: "integer", format: "count", description: { "zh-CN": "当期加入并流失的客户数", "en-US": "Joined and churned" } },
    },
    tables: {
      tiers: {
        description: { "zh-CN": "流失客户价值", "en-US": "Value of churned customers" },
        columns: {
          tier: { type: "string", format: "label", description: { "zh-CN": "价值分层代码（高、中、低）", "en-US": "Value tier code (high, middle, low)" }, label: { "zh-CN": "价值分层", "en-US": "Value tier" } },
          label: { type: "string", format: "label", description: { "zh-CN": "价值分层的显示名称", "en-US": "Value tier as readers see it" }, label: { "zh-CN": "价值分层", "en-US": "Value tier" } },
          base_customers: { type: "integer", format: "count", description: { "zh-CN": "该分层的期初客户数", "en-US": "Customers at the start of the period in the tier" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          base_share: { type: "number", format: "percent", description: { "zh-CN": "该分层占期初客户的比例", "en-US": "Tier's share of the customers at the start" }, label: { "zh-CN": "基数占比", "en-US": "Share of base" } },
          base_value: { type: "number", format: "currency", description: { "zh-CN": "该分层的期初价值", "en-US": "Tier's value at the start of the period" }, label: { "zh-CN": "期初价值", "en-US": "Value at start" } },
          churned_customers: { type: "integer", format: "count", description: { "zh-CN": "该分层本期流失的客户数", "en-US": "Customers of the tier who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          churned_share: { type: "number", format: "percent", description: { "zh-CN": "该分层占流失客户的比例", "en-US": "Tier's share of the churned customers" }, label: { "zh-CN": "流失占比", "en-US": "Share of churned" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "该分层流失客户数 ÷ 期初客户数", "en-US": "Tier's churned customers ÷ its customers at the start" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
          lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "该分层流失客户的MRR", "en-US": "MRR of the tier's churned customers" }, label: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
          lost_annual_revenue: { type: "number", format: "currency", description: { "zh-CN": "流失MRR × 12", "en-US": "Lost MRR × 12" }, label: { "zh-CN": "流失年收入", "en-US": "Lost annual revenue" } },
          lost_share: { type: "number", format: "percent", description: { "zh-CN": "该分层占流失MRR的比例", "en-US": "Tier's share of the lost MRR" }, label: { "zh-CN": "流失MRR占比", "en-US": "Share of lost MRR" } },
        },
      },
      lost_customers: {
        description: { "zh-CN": "流失客户明细", "en-US": "Lost customers" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          name: { type: "string", format: "label", description: { "zh-CN": "客户名称", "en-US": "Customer name" }, label: { "zh-CN": "客户名称", "en-US": "Name" } },
          tier: { type: "string", format: "label", description: { "zh-CN": "价值分层代码", "en-US": "Value tier code" }, label: { "zh-CN": "价值分层", "en-US": "Value tier" } },
          tier_label: { type: "string", format: "label", description: { "zh-CN": "价值分层", "en-US": "Value tier" } },
          value_at_start: { type: "number", format: "currency", description: { "zh-CN": "客户期初价值（用于分层）", "en-US": "Customer's value at the start of the period (ranks the tiers)" }, label: { "zh-CN": "期初价值", "en-US": "Value at start" } },
          mrr: { type: "number", format: "currency", description: { "zh-CN": "客户流失前的MRR", "en-US": "MRR the customer paid before churning" }, label: { "zh-CN": "月经常性收入", "en-US": "MRR" } },
          annual_revenue: { type: "number", format: "currency", description: { "zh-CN": "年化收入：MRR × 12", "en-US": "Annual revenue: MRR × 12" }, label: { "zh-CN": "年化收入", "en-US": "Annual revenue" } },
          tenure_months: { type: "number", format: "months", description: { "zh-CN": "从首次开始到流失的月数", "en-US": "Months from the customer's first start to churn" }, label: { "zh-CN": "在网月数", "en-US": "Tenure (months)" } },
          churn_date: { type: "date", format: "date", description: { "zh-CN": "客户流失日期", "en-US": "Date the customer churned" }, label: { "zh-CN": "流失日期", "en-US": "Churn date" } },
          reason: { type: "string", format: "label", description: { "zh-CN": "流失原因代码", "en-US": "Churn reason code" }, label: { "zh-CN": "原因代码", "en-US": "Reason code" } },
          reason_label: { type: "string", format: "label", description: { "zh-CN": "流失原因", "en-US": "Churn reason" }, label: { "zh-CN": "流失原因", "en-US": "Reason" } },
        },
      },
      trend: {
        description: { "zh-CN": "趋势", "en-US": "Trend" },
        columns: {
          period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
          base_customers: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at the start of the period" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          churned_customers: { type: "integer", format: "count", description: { "zh-CN": "期初客户中本期流失的客户数", "en-US": "Customers at the start who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失客户数 ÷ 期初客户数", "en-US": "Churned customers ÷ customers at the start of the period" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
          high_value_churned: { type: "integer", format: "count", description: { "zh-CN": "流失的高价值客户数", "en-US": "High-value customers who churned" }, label: { "zh-CN": "高价值流失", "en-US": "High-value churned" } },
          high_share_churned: { type: "number", format: "percent", description: { "zh-CN": "高价值客户在流失客户中的占比", "en-US": "High-value share of the churned customers" }, label: { "zh-CN": "流失中高价值占比", "en-US": "High-value share of churned" }, missing: { "zh-CN": "本期没有客户流失", "en-US": "no customers churned in the period" } },
          high_share_base: { type: "number", format: "percent", description: { "zh-CN": "高价值客户在期初客户中的占比", "en-US": "High-value share of the customers at the start" }, label: { "zh-CN": "基数中高价值占比", "en-US": "High-value share of base" } },
          high_value_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "高价值流失客户数 ÷ 高价值期初客户数", "en-US": "High-value churned ÷ high-value customers at the start" }, label: { "zh-CN": "高价值流失率", "en-US": "High-value churn rate" }, missing: { "zh-CN": "期初没有高价值客户", "en-US": "no high-value customers at the start of the period" } },
          lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失客户的MRR", "en-US": "MRR of the churned customers" }, label: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
          high_value_lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失的高价值客户的MRR", "en-US": "MRR of the churned high-value customers" }, label: { "zh-CN": "高价值流失MRR", "en-US": "High-value lost MRR" } },
          high_threshold: { type: "number", format: "currency", description: { "zh-CN": "达到高价值的期初价值门槛", "en-US": "Value at the start from which a customer is high value" }, label: { "zh-CN": "高价值门槛", "en-US": "High-value threshold" }, missing: { "zh-CN": "期初没有客户", "en-US": "no customers at the start of the period" } },
        },
      },
      mix: {
        description: { "zh-CN": "价值构成", "en-US": "Mix" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "分组代码：客户基数或流失客户", "en-US": "Group code: the base or the churned customers" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          group_label: { type: "string", format: "label", description: { "zh-CN": "分组的显示名称", "en-US": "Group as readers see it" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          tier: { type: "string", format: "label", description: { "zh-CN": "价值分层代码", "en-US": "Value tier code" }, label: { "zh-CN": "价值分层", "en-US": "Value tier" } },
          tier_label: { type: "string", format: "label", description: { "zh-CN": "价值分层", "en-US": "Value tier" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该分组在该分层的客户数", "en-US": "Customers of the group in the tier" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该分层占分组的比例", "en-US": "Tier's share of the group" }, label: { "zh-CN": "占比", "en-US": "Share" } },
        },
      },
    },
  },

  plan,
  reductions(plan) {
    return churnedValueSql(plan);
  },

  compute(data, plan) {
    return valueTables(data, plan);
  },

  chart(result, { p, ctx }): ChartSpec | null {
    if (!result.tables.mix?.length || !result.scalars.base_customers) return null;
    const say = msg(ctx.locale).churnedValue;
    return {
      title: say.chartTitle,
      height: 140,
      marks: [{ mark: "barX", data: "mix", options: { x: "share", y: "group_label", fill: "tier_label" } }],
      x: { label: say.share, format: "percent", domain: [0, 1] },
      y: { label: null, domain: [...new Set(result.tables.mix.map((m) => m.group_label))] },
      color: { legend: true, label: say.tier, domain: tiers.map((t) => tierLabel(t, p, ctx.locale)), range: ["#1f4e79", "#9ab7d3", "#d9e2ec"] },
    };
  },
});

const date = (d: string) => `DATE ${quoteLiteral(d)}`;

function churnedValueSql({ p, ctx, period, periods }: Plan): Record<string, string> {
  const subsBasis = ctx.churn.kind === "subscriptions";
  const d = dialectOf(ctx);
  const validSubs = `(SELECT customer_id, start_date, end_date, COALESCE(mrr, 0) AS mrr FROM subscriptions WHERE customer_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date))`;
  // MRR covering the day before `at`, or revenue of the 12 months before `at`.
  const valueBefore = (who: string, at: string) =>
    subsBasis
      ? `(SELECT CAST(COALESCE(SUM(${exactMoneySql("s.mrr", d)}), 0) AS DOUBLE PRECISION) FROM ${validSubs} s WHERE s.customer_id = ${who} AND s.start_date < ${at} AND (s.end_date IS NULL OR s.end_date >= ${at}))`
      : `(SELECT CAST(COALESCE(SUM(${netAmountSql(ctx, "t")}), 0) AS DOUBLE PRECISION) FROM transactions t WHERE t.customer_id = ${who} AND t.date >= ${d.dateAdd(at, -12, "month")} AND t.date < ${at})`;
  const known = subsBasis ? "TRUE" : `(sp.end_date <= (SELECT ${d.dateAdd("MAX(date)", 1, "day")} FROM transactions))`;
  const base = (pers: Period[]) => pers
    .map((per) => `SELECT ${quoteLiteral(per.start)} AS period_start, ${date(per.start)} AS ps, ${date(per.end)} AS pe, sp.customer_id, sp.end_date AS spell_end,
        (sp.end_date IS NOT NULL AND sp.end_date < ${date(per.end)} AND ${known}) AS churned
      FROM sp WHERE ${activeAt("sp", per.start)}`)
    .join("\nUNION ALL\n");
  const rank = (share: number) => `GREATEST(1, CAST(CEIL(${share} * n - 1e-9) AS BIGINT))`;
  const lostMrr = (alias: string) => (subsBasis ? valueBefore(`${alias}.customer_id`, `${alias}.spell_end`) : `${valueBefore(`${alias}.customer_id`, `${alias}.spell_end`)} / 12`);
  // The base, its values and tiers of the trend's periods (ranks and thresholds are per period).
  // A customer is in a period's base once (one spell at most is active at a boundary), so
  // (value DESC, customer_id) orders a base totally and the rank from the bottom, by (value ASC,
  // customer_id DESC), is n + 1 − the rank from the top: one sort, not two.
  const head = `WITH sp AS (SELECT * FROM ${spellsSql(ctx)} AS spells),
    base AS (${base(periods)}),
    bv AS (SELECT base.*, ${valueBefore("base.customer_id", "base.ps")} AS value FROM base),
    ranked AS (
      SELECT bv.*, COUNT(*) OVER (PARTITION BY period_start) AS n,
        ROW_NUMBER() OVER (PARTITION BY period_start ORDER BY value DESC, customer_id) AS rk_desc
      FROM bv
    ),
    thr AS (
      SELECT period_start, MAX(CASE WHEN rk_desc = ${rank(p.top_share)} THEN value END) AS high_threshold,
        MAX(CASE WHEN n + 1 - rk_desc = ${rank(p.bottom_share)} THEN value END) AS low_threshold
      FROM ranked GROUP BY period_start
    ),
    tiered AS (
      SELECT r.*, thr.high_threshold, thr.low_threshold,
        CASE WHEN r.value >= thr.high_threshold THEN 'high' WHEN r.value <= thr.low_threshold THEN 'low' ELSE 'middle' END AS tier
      FROM ranked r JOIN thr USING (period_start)
    ),
    lost AS (SELECT tiered.*, ${lostMrr("tiered")} AS lost_mrr FROM tiered WHERE churned)`;

  const events = (ctx.fields.churn_events ?? []).includes("reason");
  const names = (ctx.fields.customers ?? []).includes("name");
  const cur = period;
  return {
    tiers: `${head}
      SELECT t.period_start, t.tier, CAST(COUNT(*) AS INTEGER) AS base_customers, SUM(t.value) AS base_value,
        CAST(SUM(CASE WHEN t.churned THEN 1 ELSE 0 END) AS INTEGER) AS churned_customers,
        COALESCE((SELECT SUM(l.lost_mrr) FROM lost l WHERE l.period_start = t.period_start AND l.tier = t.tier), 0) AS lost_mrr,
        MAX(t.high_threshold) AS high_threshold, MAX(t.low_threshold) AS low_threshold
      FROM tiered t GROUP BY t.period_start, t.tier ORDER BY t.period_start, t.tier`,
    // The report period's churned customers with their value at the start: only they, not the
    // whole base ranked again (compute places them in the tiers by the thresholds of `tiers`).
    lost: `WITH sp AS (SELECT * FROM ${spellsSql(ctx)} AS spells),
      churned AS (SELECT sp.customer_id, sp.end_date AS spell_end FROM sp
        WHERE ${activeAt("sp", cur.start)} AND sp.end_date IS NOT NULL AND sp.end_date < ${date(cur.end)} AND ${known}),
      lost AS (SELECT churned.*, ${valueBefore("churned.customer_id", date(cur.start))} AS value, ${lostMrr("churned")} AS lost_mrr FROM churned),
      first AS (SELECT customer_id, start_date AS acquired FROM sp WHERE spell_no = 1)
      SELECT l.customer_id,
        ${names ? `(SELECT MIN(CAST(c.name AS VARCHAR)) FROM customers c WHERE c.customer_id = l.customer_id)` : "CAST(NULL AS VARCHAR)"} AS name,
        l.value, l.lost_mrr, l.spell_end AS churn_date, CAST(${d.dateDiff("day", "f.acquired", "l.spell_end")} AS INTEGER) AS tenure_days,
        ${events ? `(SELECT CAST(e.reason AS VARCHAR) FROM churn_events e WHERE e.customer_id = l.customer_id AND e.date >= ${date(cur.start)} AND e.date < ${date(cur.end)} AND e.reason IS NOT NULL ORDER BY e.date DESC, CAST(e.reason AS VARCHAR) LIMIT 1)` : "CAST(NULL AS VARCHAR)"} AS reason
      FROM lost l JOIN first f USING (customer_id)
      ORDER BY l.lost_mrr DESC, l.customer_id
      LIMIT ${Math.floor(p.top)}`,
    dropped: droppedRowsSql(ctx, cur, { includeFree: true }),
    joined_and_churned: `WITH sp AS (SELECT * FROM ${spellsSql(ctx)} AS spells)
      SELECT CAST(COUNT(DISTINCT customer_id) AS INTEGER) AS customers FROM sp
      WHERE sp.start_date >= ${date(cur.start)} AND sp.end_date IS NOT NULL AND sp.end_date < ${date(cur.end)}
        AND NOT ${activeAt("sp", cur.start)} AND ${known}`,
  };
}

/** A base customer's tier by its value at the start and the period's thresholds: the rule of the
 * `tiered` SQL above (high when value ≥ the high threshold, else low when ≤ the low one, else
 * middle; a missing threshold places no one). */
function tierOf(value: number, th: { high: number | null; low: number | null }): Tier {
  return th.high !== null && value >= th.high ? "high" : th.low !== null && value <= th.low ? "low" : "middle";
}

interface TierAgg {
  base: number;
  baseValue: number;
  churned: number;
  lostMrr: number;
}

function valueTables(data: Record<string, Row[]>, { p, ctx, period, periods }: Plan): AnalysisResult {
  const L = ctx.locale;
  const agg = new Map<string, Map<Tier, TierAgg>>();
  const thresholds = new Map<string, { high: number | null; low: number | null }>();
  for (const r of data.tiers ?? []) {
    const key = String(r.period_start);
    let m = agg.get(key);
    if (!m) agg.set(key, (m = new Map()));
    m.set(r.tier as Tier, { base: Number(r.base_customers), baseValue: Number(r.base_value), churned: Number(r.churned_customers), lostMrr: Number(r.lost_mrr) });
    thresholds.set(key, { high: r.high_threshold as number | null, low: r.low_threshold as number | null });
  }
  const get = (per: Period, t: Tier): TierAgg => agg.get(per.start)?.get(t) ?? { base: 0, baseValue: 0, churned: 0, lostMrr: 0 };
  const sum = (per: Period, f: (a: TierAgg) => number) => tiers.reduce((s, t) => s + f(get(per, t)), 0);

  const cur = period;
  const baseN = sum(cur, (a) => a.base), churnedN = sum(cur, (a) => a.churned), lostN = sum(cur, (a) => a.lostMrr);
  const tierRows: Row[] = tiers.map((t) => {
    const a = get(cur, t);
    return {
      tier: t,
      label: tierLabel(t, p, L),
      base_customers: a.base,
      base_share: ratio(a.base, baseN),
      base_value: a.baseValue,
      churned_customers: a.churned,
      churned_share: ratio(a.churned, churnedN),
      churn_rate: ratio(a.churned, a.base),
      lost_mrr: a.lostMrr,
      lost_annual_revenue: 12 * a.lostMrr,
      lost_share: ratio(a.lostMrr, lostN),
    };
  });
  const mix: Row[] = [];
  for (const [group, n, f] of [["base", baseN, (a: TierAgg) => a.base], ["churned", churnedN, (a: TierAgg) => a.churned]] as const) {
    const groupLabel = msg(L).churnedValue.group(group === "base");
    for (const t of tiers) mix.push({ group, group_label: groupLabel, tier: t, tier_label: tierLabel(t, p, L), customers: f(get(cur, t)), share: ratio(f(get(cur, t)), n) });
  }
  const trend: Row[] = periods.map((per) => {
    const base = sum(per, (a) => a.base), churned = sum(per, (a) => a.churned), high = get(per, "high");
    return {
      period: per.label,
      base_customers: base,
      churned_customers: churned,
      churn_rate: ratio(churned, base),
      high_value_churned: high.churned,
      high_share_churned: ratio(high.churned, churned),
      high_share_base: ratio(high.base, base),
      high_value_churn_rate: ratio(high.churned, high.base),
      lost_mrr: sum(per, (a) => a.lostMrr),
      high_value_lost_mrr: high.lostMrr,
      high_threshold: thresholds.get(per.start)?.high ?? null,
    };
  });
  const curThresholds = thresholds.get(cur.start) ?? { high: null, low: null };
  const lostCustomers: Row[] = (data.lost ?? []).map((r) => {
    const tier = tierOf(Number(r.value), curThresholds);
    return {
      customer_id: r.customer_id as string,
      name: (r.name as string | null) ?? null,
      tier,
      tier_label: tierLabel(tier, p, L),
      value_at_start: Number(r.value),
      mrr: Number(r.lost_mrr),
      annual_revenue: 12 * Number(r.lost_mrr),
      tenure_months: r.tenure_days === null ? null : Math.round((Number(r.tenure_days) / daysPerMonth) * 10) / 10,
      churn_date: r.churn_date as string,
      reason: (r.reason as string | null) ?? null,
      reason_label: reasonLabel(r.reason, L),
    };
  });

  // Rows the spells never see (zero-length or inverted subscriptions, missing ids or dates).
  const notes: string[] = droppedNotes(data.dropped?.[0], cur.label, L);
  if (baseN === 0) notes.push(msg(L).churnedValue.noBase(cur.label));
  else if (churnedN === 0) notes.push(msg(L).churnedValue.noneChurned(cur.label));
  const joined = Number(data.joined_and_churned?.[0]?.customers ?? 0);
  if (joined > 0) {
    notes.push(msg(ctx.locale).churnedValue.joinedAndChurned(joined, cur.label));
  }

  const nowShare = trend.at(-1)!.high_share_churned as number | null;
  const prevShare = trend.length > 1 ? (trend.at(-2)!.high_share_churned as number | null) : null;
  const high = tierRows[0]!;
  const th = thresholds.get(cur.start);
  const scalars = {
    value_basis: ctx.churn.kind === "subscriptions" ? "mrr" : "trailing_12m_revenue",
    base_customers: baseN,
    churned_customers: churnedN,
    churn_rate: ratio(churnedN, baseN),
    high_threshold: th?.high ?? null,
    low_threshold: th?.low ?? null,
    high_share_base: high.base_share,
    high_share_churned: high.churned_share,
    high_value_churn_rate: high.churn_rate,
    lost_mrr: lostN,
    lost_annual_revenue: 12 * lostN,
    high_value_lost_mrr: high.lost_mrr,
    high_value_lost_share: high.lost_share,
    high_share_churned_previous: prevShare,
    high_value_alarm: nowShare !== null && prevShare !== null ? nowShare > prevShare : null,
    joined_and_churned: joined,
  };
  return { scalars, tables: { tiers: tierRows, lost_customers: lostCustomers, trend, mix }, notes };
}
