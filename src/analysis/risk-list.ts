import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { defineAnalysis, runContext, type AnalysisContext, type ColumnDecl, type Locale, type Row } from "./types.js";
import { msg } from "../locales/index.js";
import { churnModel, churnModelNeed, churnModelOf, scoredRows, scoredSql, scoringNeeds, scoringProperties, valueClasses, valueClassLabel, type Scored } from "./predict/scoring.js";

export const riskListParams = Type.Object({
  top: Type.Integer({ default: 20, minimum: 1, description: "Customers shown in the report (the main table holds every scored customer)" }),
  ...scoringProperties,
});
export type RiskListParams = Static<typeof riskListParams>;

export function riskRow(s: Scored, rank: number, locale: Locale): Row {
  const plan = s.row.current_plan ?? s.row.plan ?? null;
  return {
    rank,
    customer_id: s.customer_id,
    probability: s.probability,
    annual_value: s.annual_value,
    value_at_risk: s.value_at_risk,
    value_class: s.value_class,
    value_class_label: valueClassLabel(s.value_class, locale),
    plan: plan === null ? null : String(plan),
    reason_1: s.reasons[0]?.text ?? null,
    reason_2: s.reasons[1]?.text ?? null,
    reason_3: s.reasons[2]?.text ?? null,
  };
}

/**
 * risk-list: every customer active at the period end (flat data: every customer not yet
 * churned) scored with the probability of churning within horizon_days, trained on past
 * cutoffs (see churn-model). annual value = trailing 12-month margin (revenue − cost; without
 * transactions MRR × 12; flat data: a value column, monthly × 12); value at risk = probability
 * × annual value. Sorted by value at risk descending (unknown last), ties by customer_id.
 * Reasons: the three source columns with the largest positive contributions to the log-odds
 * (logistic: β_std × (x − mean)/sd summed over a column's one-hot levels; gbdt: tree paths).
 * Value classes: see predict/scoring.ts (MVC = top fifth of positive values, BZC < 0).
 */
/** The columns of the full risk list and of its top rows (the same rows, cut to the report's length). */
const riskColumns: Record<string, ColumnDecl> = {
  rank: { type: "integer", format: "count", description: { "zh-CN": "按风险价值的排名", "en-US": "Rank by value at risk" }, label: { "zh-CN": "排名", "en-US": "Rank" } },
  customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
  probability: { type: "number", format: "percent", description: { "zh-CN": "预测在预测期内流失的概率", "en-US": "Predicted probability of churning within the horizon" }, label: { "zh-CN": "流失概率", "en-US": "Churn probability" } },
  annual_value: { type: "number", format: "currency", description: { "zh-CN": "客户年价值（年化收入）", "en-US": "Annual value of the customer (annualised revenue)" }, label: { "zh-CN": "年价值", "en-US": "Annual value" } },
  value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "流失概率 × 年价值", "en-US": "Churn probability × annual value" }, label: { "zh-CN": "风险价值", "en-US": "Value at risk" } },
  value_class: { type: "string", format: "label", description: { "zh-CN": "价值分类代码", "en-US": "Value class code" }, label: { "zh-CN": "价值分类", "en-US": "Value class" } },
  value_class_label: { type: "string", format: "label", description: { "zh-CN": "价值分类", "en-US": "Value class" } },
  plan: { type: "string", format: "label", description: { "zh-CN": "套餐", "en-US": "Plan" } },
  reason_1: { type: "string", format: "label", description: { "zh-CN": "对该客户评分影响最大的因素", "en-US": "Strongest driver of the customer's score" }, label: { "zh-CN": "主要原因一", "en-US": "Top driver" } },
  reason_2: { type: "string", format: "label", description: { "zh-CN": "影响第二大的因素", "en-US": "Second strongest driver" }, label: { "zh-CN": "主要原因二", "en-US": "Second driver" } },
  reason_3: { type: "string", format: "label", description: { "zh-CN": "影响第三大的因素", "en-US": "Third strongest driver" }, label: { "zh-CN": "主要原因三", "en-US": "Third driver" } },
};

export const riskList = defineAnalysis({
  id: "risk-list",
  title: { "zh-CN": "风险客户名单", "en-US": "Customers at risk" },
  summary: { "zh-CN": "为每位活跃客户给出流失概率、风险价值和主要原因，按风险价值排序", "en-US": "Every active customer with churn probability, value at risk and top reasons, sorted by value at risk" },
  params: riskListParams,
  needs: scoringNeeds,
  // The churn model it asks for (its data source resolved), once.
  plan(params: RiskListParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), model: churnModelNeed(params, ctx) };
  },
  // After plan: its type is inferred from plan's.
  definition: ({ params }) => ({
    "zh-CN":
      "流失概率：期末活跃客户在随后 horizon_days 天内流失的概率，模型用过去的月度截止日训练（特征只用截止日之前的数据）。年价值 = 近12个月利润贡献（收入 − 成本；无交易数据时为当前MRR × 12；平面客户表取价值字段，月度字段 × 12）。风险价值 = 流失概率 × 年价值。按风险价值降序排列，相同按客户编号。主要原因：对流失概率贡献最大的三个字段（逻辑回归：标准化系数 × 标准化偏离；梯度提升树：树路径贡献），只列提高风险的字段。价值分层：负值客户（年价值 < 0）、最有价值客户（正价值客户中前20%）、最具增长性客户（其余正价值且近90天收入或MRR上升）、普通客户。" +
      (params.train_sample > 0 ? `训练最多使用 ${params.train_sample} 行（客户 × 截止日）：超过时在流失与未流失客户中分别按种子 ${params.seed} 随机抽样，两类各保持原有比例，并在本节说明中注明。` : "训练使用全部训练行。"),
    "en-US":
      "Churn probability: the probability that a customer active at the period end churns within horizon_days, from a model trained on past monthly cutoffs (features use only data before each cutoff). Annual value = trailing 12-month margin (revenue − cost; without transactions current MRR × 12; a flat customers table uses a value column, monthly columns × 12). Value at risk = probability × annual value. Sorted by value at risk descending, ties by customer id. Top reasons: the three columns contributing most to the churn log-odds (logistic: standardised coefficient × standardised deviation; boosted trees: tree path contributions), only those raising the risk. Value classes: negative value (annual value < 0), most valuable (top 20% of positive values), most growable (other positive values with rising 90-day revenue or MRR), standard." +
      (params.train_sample > 0 ? ` Training uses at most ${params.train_sample} rows (customer × cutoff): beyond that, a sample drawn with seed ${params.seed} within churners and non-churners, each keeping its share, as the cell's note says.` : " Training uses every training row."),
  }),
  reductions() {
    return {};
  },
  // The scored base comes from the run's churn model, trained once for every cell that asks; it
  // lives in the engine, already ranked. The full list still comes back here (the main table is
  // written to risk.csv and tables.xlsx from these rows), with only the columns it shows.
  products: ({ model }) => ({ [churnModel.id]: model }),
  productReductions(_plan, products): Record<string, string> {
    const { base } = churnModelOf(products);
    return base ? { list: scoredSql(base, { features: ["current_plan", "plan"] }) } : {};
  },
  compute(data, { params, ctx }, products) {
    const L = ctx.locale;
    const res = churnModelOf(products);
    const sorted = res.base ? scoredRows(data.list ?? [], res.base, L) : [];
    const rows = sorted.map((s, i) => riskRow(s, i + 1, L));
    const top = rows.slice(0, params.top);
    const sum = (xs: Row[], k: string) => xs.reduce((a, r) => a + (typeof r[k] === "number" ? (r[k] as number) : 0), 0);
    const totalVar = sum(rows, "value_at_risk");
    const byClass: Row[] = valueClasses
      .map((c) => {
        const rs = rows.filter((r) => r.value_class === c);
        return { value_class: c, label: valueClassLabel(c, L), customers: rs.length, expected_churners: sum(rs, "probability"), value_at_risk: sum(rs, "value_at_risk") };
      })
      .filter((r) => r.customers > 0);
    return {
      scalars: {
        model: params.model,
        horizon_days: params.horizon_days,
        scored_customers: rows.length,
        training_rows: res.trainingRows,
        expected_churners: sum(rows, "probability"),
        total_value_at_risk: rows.length ? totalVar : null,
        top_value_at_risk: top.length ? sum(top, "value_at_risk") : null,
        top_share_of_value_at_risk: totalVar > 0 ? sum(top, "value_at_risk") / totalVar : null,
        value_basis: res.valueBasis,
      },
      tables: { risk_list: rows, top, by_value_class: byClass },
      notes: res.notes,
    };
  },
  mainTable: "risk_list",
  outputs: {
    scalars: {
      model: { type: "string", format: "label", description: { "zh-CN": "模型", "en-US": "Model" } },
      horizon_days: { type: "integer", format: "days", description: { "zh-CN": "预测天数", "en-US": "Horizon days" } },
      scored_customers: { type: "integer", format: "count", description: { "zh-CN": "已评分客户数", "en-US": "Scored customers" } },
      training_rows: { type: "integer", format: "count", description: { "zh-CN": "训练样本数", "en-US": "Training rows" } },
      expected_churners: { type: "number", format: "count", description: { "zh-CN": "预计流失客户数", "en-US": "Expected churners" } },
      total_value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "风险价值合计", "en-US": "Total value at risk" } },
      top_value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "名单客户的风险价值", "en-US": "Top value at risk" } },
      top_share_of_value_at_risk: { type: "number", format: "percent", description: { "zh-CN": "名单客户的风险价值占比", "en-US": "Top share of value at risk" } },
      value_basis: { type: "string", format: "label", description: { "zh-CN": "价值口径", "en-US": "Value basis" } },
    },
    tables: {
      risk_list: {
        description: { "zh-CN": "风险客户名单", "en-US": "Customers at risk" },
        columns: riskColumns,
      },
      top: {
        description: { "zh-CN": "风险客户名单", "en-US": "Top" },
        columns: riskColumns,
      },
      by_value_class: {
        description: { "zh-CN": "按价值等级", "en-US": "By value class" },
        columns: {
          value_class: { type: "string", format: "label", description: { "zh-CN": "价值分类代码", "en-US": "Value class code" }, label: { "zh-CN": "价值分类", "en-US": "Value class" } },
          label: { type: "string", format: "label", description: { "zh-CN": "价值分类的显示名称", "en-US": "Value class as readers see it" }, label: { "zh-CN": "价值分类", "en-US": "Value class" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该分类的活跃客户数", "en-US": "Active customers in the class" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          expected_churners: { type: "number", format: "count", description: { "zh-CN": "预计流失客户数：流失概率之和", "en-US": "Expected churners: the sum of churn probabilities" }, label: { "zh-CN": "预计流失客户数", "en-US": "Expected churners" } },
          value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "流失概率 × 年价值", "en-US": "Churn probability × annual value" }, label: { "zh-CN": "风险价值", "en-US": "Value at risk" } },
        },
      },
    },
  },
  chart(result, { params, ctx }) {
    if (!result.tables.top?.length) return null;
    const say = msg(ctx.locale).riskList;
    const spec: ChartSpec = {
      title: say.chartTitle(params.top),
      marks: [{ mark: "barX", data: "top", options: { x: "value_at_risk", y: "customer_id", fill: "value_class_label", sort: { y: "-x" } } }],
      x: { label: say.valueAtRisk, format: "currency" },
      y: { label: say.customer },
      color: { legend: true },
      marginLeft: 90,
    };
    return spec;
  },
});
