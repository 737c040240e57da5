import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { defineAnalysis, runContext, type AnalysisContext, type Row } from "./types.js";
import { actionLabel, defaultRules, matchRule, parseRules, ruleColumns, ruleFacts } from "./predict/rules.js";
import { churnModel, churnModelNeed, churnModelOf, scoredRows, scoredSql, scoringNeeds, scoringProperties, valueClassLabel } from "./predict/scoring.js";
import { doubleSql, numberSql } from "./predict/score-sql.js";
import { quoteIdent } from "../data/engine.js";
import { dialectOf } from "../data/dialects/index.js";
import { msg } from "../locales/index.js";

export const playbookParams = Type.Object({
  rules: Type.String({ default: "", description: `Ordered rules "condition -> action; …" (first match wins); empty = the defaults: ${defaultRules}` }),
  min_probability: Type.Number({ default: 0.2, minimum: 0, maximum: 1, description: "Only customers with at least this churn probability get an action" }),
  ...scoringProperties,
});
export type PlaybookParams = Static<typeof playbookParams>;


/**
 * playbook: assigns each at-risk customer (active, churn probability ≥ min_probability, scored
 * as in risk-list) the action of the first matching rule. Per action: customers, expected
 * churners Σp, annual value Σv and value at risk Σ p·v. Facts a rule can test: probability,
 * value_class (mvc, mgc, standard, bzc, unknown), annual_value, value_at_risk, tenure_days,
 * tickets_90d, open_tickets, last_satisfaction, usage_30d, low_usage (usage_30d below the
 * median of the scored base), price_sensitive (MRR rose in 90 days or a price column among
 * the top reasons), plan. Customers matching no rule are counted under "(no rule)".
 */
export const playbook = defineAnalysis({
  id: "playbook",
  title: { "zh-CN": "挽留策略", "en-US": "Retention playbook" },
  summary: { "zh-CN": "按客户分群和流失原因给风险客户分配挽留动作，统计每个动作的客户数和价值", "en-US": "Assigns at-risk customers a retention action from segment and drivers, with customers and value per action" },
  definition: {
    "zh-CN":
      "对流失概率 ≥ min_probability 的活跃客户，按顺序套用规则（第一条匹配的规则决定动作）。默认规则：负值客户 → 不投入挽留资源；最有价值客户且近90天有投诉 → 客户经理专属回访；近90天投诉 ≥ 2 且最近满意度 ≤ 2（报复性流失风险）→ 解决服务问题；价格敏感（近90天MRR上升或主要原因含价格字段）→ 定制化优惠；新客户（在网 < 90天）且使用量低于中位数 → 引导与培训；最有价值客户 → 专属服务；最具增长性客户 → 升级激励；其余 → 客户关怀。每个动作：客户数、预期流失人数 = Σ流失概率、年价值合计、风险价值 = Σ流失概率 × 年价值。",
    "en-US":
      "Active customers with churn probability ≥ min_probability get the action of the first matching rule. Default rules: negative value → no retention spend; most valuable with a ticket in 90 days → account manager call; ≥ 2 tickets in 90 days and last satisfaction ≤ 2 (retaliatory risk) → fix the service cause; price-sensitive (MRR up in 90 days or a price column among the top reasons) → tailored offer; new (tenure < 90 days) with usage below the median → onboarding; most valuable → dedicated service; most growable → growth offer; others → customer care. Per action: customers, expected churners = Σ probability, annual value, value at risk = Σ probability × annual value.",
  },
  params: playbookParams,
  needs: scoringNeeds,
  // The rules (parsed and checked) and the churn model it asks for, resolved once.
  plan(params: PlaybookParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), rules: parseRules(params.rules || defaultRules), model: churnModelNeed(params, ctx) };
  },
  reductions() {
    return {};
  },
  // The scored base comes from the run's churn model, trained once for every cell that asks.
  products: ({ model }) => ({ [churnModel.id]: model }),
  // From the scored base in the engine: its size, the middle usage values (the median's one or
  // two), and the at-risk customers in rank order with the facts the rules test (the
  // assignments table shows every one of them).
  productReductions({ params, ctx }, products) {
    const { base } = churnModelOf(products);
    if (!base) return {};
    const dl = dialectOf(ctx);
    const out: Record<string, string> = {
      count: `SELECT COUNT(*) AS n FROM ${quoteIdent(base.table)}`,
      atRisk: scoredSql(base, { where: `probability >= ${doubleSql(params.min_probability, dl)}`, features: ruleColumns }),
    };
    if (base.columns.includes("usage_30d")) {
      const u = numberSql("f:usage_30d", base.types.usage_30d ?? "number", dl);
      out.usage = `SELECT u FROM (SELECT u, ROW_NUMBER() OVER (ORDER BY u) AS k, COUNT(*) OVER () AS m FROM (SELECT ${u} AS u FROM ${quoteIdent(base.table)}) a WHERE u IS NOT NULL) b
        WHERE k BETWEEN m / 2.0 AND m / 2.0 + 1 ORDER BY k`;
    }
    return out;
  },
  compute(data, { params, ctx, rules }, products) {
    const L = ctx.locale;
    const res = churnModelOf(products);
    // median(): the middle value, or the mean of the two middle values.
    const middle = (data.usage ?? []).map((r) => r.u as number);
    const usageMedian = middle.length === 0 ? null : middle.length === 1 ? middle[0]! : (middle[0]! + middle[1]!) / 2;
    const atRisk = res.base ? scoredRows(data.atRisk ?? [], res.base, L) : [];
    const scoredCustomers = Number(data.count?.[0]?.n ?? 0);
    const assignments: Row[] = atRisk.map((s) => {
      const k = matchRule(rules, ruleFacts(s, usageMedian));
      const action = k < 0 ? "(no rule)" : rules[k]!.action;
      return {
        customer_id: s.customer_id,
        action,
        action_label: k < 0 ? msg(L).playbook.noRule : actionLabel(action, L),
        rule: k < 0 ? null : k + 1,
        probability: s.probability,
        annual_value: s.annual_value,
        value_at_risk: s.value_at_risk,
        value_class: s.value_class,
        value_class_label: valueClassLabel(s.value_class, L),
        reason_1: s.reasons[0]?.text ?? null,
      };
    });
    const order = [...new Set([...rules.map((r) => r.action), "(no rule)"])];
    const actions: Row[] = order
      .map((action) => {
        const rs = assignments.filter((a) => a.action === action);
        const sum = (k: string) => rs.reduce((acc, r) => acc + (typeof r[k] === "number" ? (r[k] as number) : 0), 0);
        const first = rules.findIndex((r) => r.action === action);
        return {
          action,
          label: action === "(no rule)" ? msg(L).playbook.noRule : actionLabel(action, L),
          rule: first < 0 ? null : rules[first]!.text,
          customers: rs.length,
          expected_churners: sum("probability"),
          annual_value: sum("annual_value"),
          value_at_risk: sum("value_at_risk"),
        };
      })
      .filter((r) => r.customers > 0 || r.action !== "(no rule)");
    return {
      scalars: {
        at_risk_customers: assignments.length,
        scored_customers: scoredCustomers,
        min_probability: params.min_probability,
        expected_churners: assignments.reduce((a, r) => a + (r.probability as number), 0),
        value_at_risk: assignments.reduce((a, r) => a + ((r.value_at_risk as number | null) ?? 0), 0),
        value_basis: res.valueBasis,
        usage_median: usageMedian,
      },
      tables: { actions, assignments },
      notes: res.notes,
    };
  },
  mainTable: "actions",
  outputs: {
    scalars: {
      at_risk_customers: { type: "integer", format: "count", description: { "zh-CN": "风险客户数", "en-US": "At risk customers" } },
      scored_customers: { type: "integer", format: "count", description: { "zh-CN": "已评分客户数", "en-US": "Scored customers" } },
      min_probability: { type: "number", format: "percent", description: { "zh-CN": "最低流失概率", "en-US": "Min probability" } },
      expected_churners: { type: "number", format: "count", description: { "zh-CN": "预计流失客户数", "en-US": "Expected churners" } },
      value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "风险价值", "en-US": "Value at risk" } },
      value_basis: { type: "string", format: "label", description: { "zh-CN": "价值口径", "en-US": "Value basis" } },
      usage_median: { type: "integer", format: "count", description: { "zh-CN": "使用量中位数", "en-US": "Usage median" } },
    },
    tables: {
      actions: {
        description: { "zh-CN": "挽留策略", "en-US": "Retention playbook" },
        columns: {
          action: { type: "string", format: "label", description: { "zh-CN": "建议措施代码", "en-US": "Recommended action code" }, label: { "zh-CN": "措施", "en-US": "Action" } },
          label: { type: "string", format: "label", description: { "zh-CN": "措施的显示名称", "en-US": "Action as readers see it" }, label: { "zh-CN": "建议措施", "en-US": "Action" } },
          rule: { type: "string", format: "label", description: { "zh-CN": "分配该措施的规则", "en-US": "Rule that assigns the action" }, label: { "zh-CN": "规则", "en-US": "Rule" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "分配到该措施的客户数", "en-US": "Customers assigned the action" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          expected_churners: { type: "number", format: "count", description: { "zh-CN": "预计流失客户数：流失概率之和", "en-US": "Expected churners: the sum of churn probabilities" }, label: { "zh-CN": "预计流失客户数", "en-US": "Expected churners" } },
          annual_value: { type: "number", format: "currency", description: { "zh-CN": "这些客户的年价值", "en-US": "Annual value of these customers" }, label: { "zh-CN": "年价值", "en-US": "Annual value" } },
          value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "流失概率 × 年价值", "en-US": "Churn probability × annual value" }, label: { "zh-CN": "风险价值", "en-US": "Value at risk" } },
        },
      },
      assignments: {
        description: { "zh-CN": "挽留策略分配", "en-US": "Assignments" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          action: { type: "string", format: "label", description: { "zh-CN": "建议措施代码", "en-US": "Recommended action code" }, label: { "zh-CN": "措施", "en-US": "Action" } },
          action_label: { type: "string", format: "label", description: { "zh-CN": "措施的显示名称", "en-US": "Action as readers see it" }, label: { "zh-CN": "建议措施", "en-US": "Action" } },
          rule: { type: "integer", format: "count", description: { "zh-CN": "分配该措施的规则编号", "en-US": "Number of the rule that assigned the action" }, label: { "zh-CN": "规则", "en-US": "Rule" } },
          probability: { type: "number", format: "percent", description: { "zh-CN": "预测在预测期内流失的概率", "en-US": "Predicted probability of churning within the horizon" }, label: { "zh-CN": "流失概率", "en-US": "Churn probability" } },
          annual_value: { type: "number", format: "currency", description: { "zh-CN": "客户年价值（年化收入）", "en-US": "Annual value of the customer (annualised revenue)" }, label: { "zh-CN": "年价值", "en-US": "Annual value" } },
          value_at_risk: { type: "number", format: "currency", description: { "zh-CN": "流失概率 × 年价值", "en-US": "Churn probability × annual value" }, label: { "zh-CN": "风险价值", "en-US": "Value at risk" } },
          value_class: { type: "string", format: "label", description: { "zh-CN": "价值分类代码", "en-US": "Value class code" }, label: { "zh-CN": "价值分类", "en-US": "Value class" } },
          value_class_label: { type: "string", format: "label", description: { "zh-CN": "价值分类", "en-US": "Value class" } },
          reason_1: { type: "string", format: "label", description: { "zh-CN": "对该客户评分影响最大的因素", "en-US": "Strongest driver of the customer's score" }, label: { "zh-CN": "主要原因一", "en-US": "Top driver" } },
        },
      },
    },
  },
  chart(result, { ctx }) {
    if (!result.tables.actions?.some((r) => (r.customers as number) > 0)) return null;
    const L = ctx.locale;
    const spec: ChartSpec = {
      title: msg(L).playbook.chartTitle,
      marks: [{ mark: "barX", data: "actions", options: { x: "value_at_risk", y: "label", sort: { y: "-x" } } }],
      x: { label: msg(L).playbook.valueAtRisk, format: "currency" },
      y: { label: null },
      marginLeft: 200,
    };
    return spec;
  },
});
