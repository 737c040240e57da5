import { Type, type Static } from "@sinclair/typebox";
import { quoteLiteral } from "../data/engine.js";
import { dialectOf } from "../data/dialects/index.js";
import { exactMoneySql } from "./money.js";
import { ChurnbookError } from "../util/errors.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Locale, type Row, type RunContext, type Value } from "./types.js";
import { msg } from "../locales/index.js";
import { encodeRows } from "./predict/encode.js";
import { featureSql, trainingCutoffs } from "./predict/features.js";
import { annualValueField, columnLabel, design, formatValue, modelNotes, numberOrNull, prepare, resolveSource, topReasons, train } from "./predict/pipeline.js";
import { actionLabel, defaultRules, matchRule, median, parseRules, ruleFacts } from "./predict/rules.js";
import { classifyValue, isGrowing, mvcThreshold, scoreOptions, scoringNeeds, scoringProperties, valueClassLabel, type Scored } from "./predict/scoring.js";

export const customerCardParams = Type.Object({
  customer_id: Type.String({ default: "", description: "The customer to show (required)" }),
  max_lifetime_months: Type.Integer({ default: 120, minimum: 1, description: "Cap of the expected remaining lifetime in the CLV" }),
  ...scoringProperties,
  train_sample: Type.Integer({ default: 20000, minimum: 100, description: "At most this many training rows (customer × cutoff; beyond it a sample drawn with the seed within churners and non-churners) so the card answers quickly" }),
  cutoffs: Type.Integer({ default: 3, minimum: 1, maximum: 60, description: "Number of past monthly cutoffs used for training (event data)" }),
});
export type CustomerCardParams = Static<typeof customerCardParams>;


function idSources(ctx: Pick<AnalysisContext, "fields">): string[] {
  return (["customers", "subscriptions", "transactions", "tickets", "usage"] as const).filter((r) => ctx.fields[r]?.includes("customer_id")).map((r) => `SELECT DISTINCT customer_id FROM ${r}`);
}

/**
 * customer-card: one customer's facts for the moment they ask to cancel. Reads that customer's
 * rows only (SQL WHERE customer_id = literal) plus a hashed sample of at most train_sample
 * training rows for the model.
 * - contribution to date = Σ amount − Σ cost of the customer's transactions before the period
 *   end (without transactions: Σ MRR × days running / 30.4375, no cost);
 * - annual value, value class, churn probability and top reasons as in risk-list (the MVC
 *   threshold and the usage median come from the training sample's latest cutoff);
 * - CLV = annual value / 12 × expected remaining lifetime in months, the lifetime = 1/q with the
 *   monthly churn probability q = 1 − (1 − p)^(30/H) from the H-day probability p, capped at
 *   max_lifetime_months (undiscounted);
 * - recommended action: the first matching default playbook rule (predict/rules.ts).
 */
export const customerCard = defineAnalysis({
  id: "customer-card",
  title: { "zh-CN": "客户贡献度卡片", "en-US": "Customer card" },
  summary: { "zh-CN": "客户提出解约时查看：贡献度、价值分层、CLV、流失概率与原因、投诉记录和推荐挽留方案", "en-US": "For the moment a customer asks to cancel: contribution, value class, CLV, churn risk and reasons, complaints, recommended offer" },
  definition: {
    "zh-CN":
      "贡献度 = 该客户期末之前的交易收入 − 服务成本（无交易数据时为 MRR × 在订天数 / 30.4375）。年价值、价值分层、流失概率和主要原因与风险客户名单相同（最有价值客户阈值和使用量中位数取训练样本最近截止日）。CLV = 年价值 / 12 × 预期剩余生命周期（月），生命周期 = 1/q，q = 1 − (1 − p)^(30/H) 为由H天流失概率p折算的月流失概率，最长 max_lifetime_months 个月，不折现。推荐挽留方案：默认挽留规则中第一条匹配的规则。",
    "en-US":
      "Contribution to date = the customer's transaction revenue − cost to serve before the period end (without transactions: MRR × days subscribed / 30.4375). Annual value, value class, churn probability and top reasons as in the risk list (the most-valuable threshold and the usage median come from the training sample's latest cutoff). CLV = annual value / 12 × expected remaining lifetime in months, lifetime = 1/q with the monthly churn probability q = 1 − (1 − p)^(30/H) from the H-day probability p, capped at max_lifetime_months, undiscounted. Recommended action: the first matching default playbook rule.",
  },
  params: customerCardParams,
  needs: scoringNeeds,
  // The customer (there must be one), the data source and the as-of date (the day after the period), resolved once.
  plan(params: CustomerCardParams, ctx: AnalysisContext) {
    const id = String(params.customer_id ?? "").trim();
    if (!id) throw new ChurnbookError("missing-param", `analysis "customer-card" needs a customer`, { hint: "pass --param customer_id=<id>" });
    return { params, ctx: runContext(ctx), id, source: resolveSource(ctx, params.source), asOf: ctx.period.end };
  },
  reductions({ params, ctx, id, source, asOf }) {
    const lit = quoteLiteral(id);
    const d = dialectOf(ctx);
    const out: Record<string, string> = {
      matches: `SELECT customer_id, ${d.editDistance("customer_id", lit)} AS distance FROM (${idSources(ctx).join(" UNION ")}) AS ids WHERE customer_id IS NOT NULL ORDER BY distance, customer_id LIMIT 3`,
    };
    if (source === "flat") {
      out.customers = `SELECT * FROM customers ORDER BY ${d.rowOrder}`;
    } else {
      out.train = featureSql(ctx, { cutoffs: trainingCutoffs(asOf, params.horizon_days, params.cutoffs), asOf, horizonDays: params.horizon_days, limit: params.train_sample, seed: params.seed });
      out.score = featureSql(ctx, { cutoffs: [asOf], asOf, horizonDays: null, customerId: id });
      if (ctx.fields.customers) out.customer = `SELECT * FROM customers WHERE customer_id = ${lit} LIMIT 1`;
    }
    const end = `DATE ${quoteLiteral(asOf)}`;
    if (ctx.fields.transactions?.includes("date")) {
      const has = (f: string) => ctx.fields.transactions!.includes(f);
      // Money summed exact (money.ts): the same total in any row order, on any engine.
      const total = (f: string) => (has(f) ? `COALESCE(SUM(${exactMoneySql(f, d)}), 0)` : "0");
      out.history = `SELECT ${total("amount")} AS revenue, ${total("cost")} AS cost, COUNT(*) AS purchases, CAST(MIN(date) AS VARCHAR) AS first_date, CAST(MAX(date) AS VARCHAR) AS last_date FROM transactions WHERE customer_id = ${lit} AND date < ${end}`;
    } else if (ctx.fields.subscriptions?.includes("mrr")) {
      out.history = `SELECT COALESCE(SUM(mrr * ${d.dateDiff("day", "start_date", `LEAST(COALESCE(end_date, ${end}), ${end})`)} / 30.4375), 0) AS revenue, 0.0 AS cost, COUNT(*) AS purchases, CAST(MIN(start_date) AS VARCHAR) AS first_date, CAST(MAX(start_date) AS VARCHAR) AS last_date FROM subscriptions WHERE customer_id = ${lit} AND start_date < ${end}`;
    }
    if (ctx.fields.tickets?.includes("date")) {
      const f = ctx.fields.tickets;
      const col = (c: string, type: string) => (f.includes(c) ? (type === "DATE" ? `CAST(${c} AS VARCHAR)` : c) : `CAST(NULL AS ${type})`) + ` AS ${c}`;
      // Every column orders the rows (ties of date and category in any engine alike).
      out.tickets = `SELECT CAST(date AS VARCHAR) AS date, ${col("category", "VARCHAR")}, ${col("satisfaction", "DOUBLE PRECISION")}, ${col("resolved_date", "DATE")} FROM tickets WHERE customer_id = ${lit} AND date < ${end} ORDER BY date DESC, category NULLS LAST, satisfaction NULLS LAST, resolved_date NULLS LAST`;
    }
    return out;
  },
  compute(data, { params, ctx }) {
    return computeCard(data, params, ctx);
  },
  mainTable: "card",
  outputs: {
    scalars: {
      customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer" } },
      status: { type: "string", format: "label", description: { "zh-CN": "状态", "en-US": "Status" } },
      segment: { type: "string", format: "label", description: { "zh-CN": "细分群体", "en-US": "Segment" } },
      value_class: { type: "string", format: "label", description: { "zh-CN": "价值分类", "en-US": "Value class" } },
      value_class_label: { type: "string", format: "label", description: { "zh-CN": "价值分类", "en-US": "Value class" } },
      revenue_to_date: { type: "number", format: "currency", description: { "zh-CN": "累计收入", "en-US": "Revenue to date" } },
      cost_to_date: { type: "number", format: "currency", description: { "zh-CN": "累计服务成本", "en-US": "Cost to date" } },
      contribution_to_date: { type: "number", format: "number", description: { "zh-CN": "累计贡献", "en-US": "Contribution to date" } },
      annual_value: { type: "number", format: "currency", description: { "zh-CN": "年价值", "en-US": "Annual value" } },
      churn_probability: { type: "number", format: "percent", description: { "zh-CN": "流失概率", "en-US": "Churn probability" } },
      horizon_days: { type: "integer", format: "days", description: { "zh-CN": "预测天数", "en-US": "Horizon days" } },
      monthly_churn_probability: { type: "number", format: "percent", description: { "zh-CN": "月流失概率", "en-US": "Monthly churn probability" } },
      expected_lifetime_months: { type: "number", format: "months", description: { "zh-CN": "预期剩余生命周期（月）", "en-US": "Expected lifetime months" } },
      clv: { type: "number", format: "currency", description: { "zh-CN": "客户终身价值", "en-US": "CLV" } },
      recommended_action: { type: "string", format: "label", description: { "zh-CN": "建议行动", "en-US": "Recommended action" } },
      recommended_action_label: { type: "string", format: "label", description: { "zh-CN": "建议行动（名称）", "en-US": "Recommended action label" } },
      tickets_total: { type: "integer", format: "count", description: { "zh-CN": "工单总数", "en-US": "Tickets total" } },
      open_tickets: { type: "integer", format: "count", description: { "zh-CN": "未解决工单数", "en-US": "Open tickets" } },
      last_satisfaction: { type: "integer", format: "count", description: { "zh-CN": "最近满意度", "en-US": "Last satisfaction" } },
      reason_1: { type: "string", format: "label", description: { "zh-CN": "主要原因一", "en-US": "Top driver" } },
      reason_2: { type: "string", format: "label", description: { "zh-CN": "主要原因二", "en-US": "Second driver" } },
      reason_3: { type: "string", format: "label", description: { "zh-CN": "主要原因三", "en-US": "Third driver" } },
    },
    tables: {
      card: {
        description: { "zh-CN": "客户贡献度卡片", "en-US": "Customer card" },
        columns: {
          item: { type: "string", format: "label", description: { "zh-CN": "项目代码", "en-US": "Item code" }, label: { "zh-CN": "项目", "en-US": "Item" } },
          label: { type: "string", format: "label", description: { "zh-CN": "项目的显示名称", "en-US": "Item as readers see it" }, label: { "zh-CN": "项目", "en-US": "Item" } },
          value: { type: ["string", "number"], description: { "zh-CN": "该客户在该项目上的取值", "en-US": "The item's value for the customer" }, label: { "zh-CN": "取值", "en-US": "Value" } },
        },
      },
      reasons: {
        description: { "zh-CN": "主要原因", "en-US": "Top reasons" },
        columns: {
          rank: { type: "integer", format: "count", description: { "zh-CN": "按贡献的排名", "en-US": "Rank by contribution" }, label: { "zh-CN": "排名", "en-US": "Rank" } },
          column: { type: "string", format: "label", description: { "zh-CN": "来源列", "en-US": "Source column" }, label: { "zh-CN": "列", "en-US": "Column" } },
          label: { type: "string", format: "label", description: { "zh-CN": "列的显示名称", "en-US": "Column as readers see it" }, label: { "zh-CN": "因素", "en-US": "Driver" } },
          value: { type: "string", format: "label", description: { "zh-CN": "客户在该列的取值（显示文本）", "en-US": "The customer's value in the column, as printed" }, label: { "zh-CN": "取值", "en-US": "Value" } },
          contribution: { type: "number", format: "number", description: { "zh-CN": "对该客户评分的贡献", "en-US": "Contribution to the customer's score" }, label: { "zh-CN": "贡献", "en-US": "Contribution" } },
        },
      },
      tickets: {
        description: { "zh-CN": "工单", "en-US": "Tickets" },
        columns: {
          date: { type: "date", format: "date", description: { "zh-CN": "工单创建日期", "en-US": "Date the ticket was opened" }, label: { "zh-CN": "日期", "en-US": "Date" } },
          category: { type: "string", format: "label", description: { "zh-CN": "工单类别", "en-US": "Ticket category" }, label: { "zh-CN": "类别", "en-US": "Category" } },
          satisfaction: { type: "integer", format: "count", description: { "zh-CN": "满意度评分", "en-US": "Satisfaction score given" }, label: { "zh-CN": "满意度", "en-US": "Satisfaction" } },
          resolved_date: { type: "date", format: "date", description: { "zh-CN": "工单解决日期", "en-US": "Date the ticket was resolved" }, label: { "zh-CN": "解决日期", "en-US": "Resolved" } },
          days_to_resolve: { type: "integer", format: "days", description: { "zh-CN": "从创建到解决的天数", "en-US": "Days from opening to resolution" }, label: { "zh-CN": "解决天数", "en-US": "Days to resolve" } },
        },
      },
    },
  },
  chart() {
    return null;
  },
});

function computeCard(data: Record<string, Row[]>, params: CustomerCardParams, ctx: RunContext): AnalysisResult {
  const L = ctx.locale;
  const id = String(params.customer_id).trim();
  const matches = data.matches ?? [];
  const exists = matches.some((m) => m.distance === 0);
  if (!exists) {
    const near = matches.map((m) => String(m.customer_id));
    throw new ChurnbookError("unknown-customer", `unknown customer "${id}"`, { hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : "no customers in the data" });
  }
  const source = data.customers ? "flat" : "events";
  const prep = prepare(data, source, ctx);
  const notes: string[] = [];
  const opts = scoreOptions(params, source);
  const H = params.horizon_days;

  // the customer's feature row: events → the scoring row (active at the period end)
  const row: Row | undefined = source === "flat" ? prep.score.find((r) => String(r.customer_id) === id) : prep.score[0];
  const churnedAlready = source === "flat" ? (prep.scoreChurned[prep.score.findIndex((r) => String(r.customer_id) === id)] ?? false) : !row;
  let scored: Scored | null = null;
  let usageMedian: number | null = null;
  const positives = prep.y.reduce((a, b) => a + b, 0);
  if (row && prep.train.length > 0 && positives > 0 && positives < prep.train.length) {
    const d = design(prep);
    const model = train(opts.model, d.x, prep.y, d.n, d.p, opts.options);
    notes.push(...modelNotes(prep, model, d.encoder, L, params.seed));
    const x = encodeRows(d.encoder, [row]);
    const p = model.predict(x, 1)[0]!;
    // value classes and the usage median from the latest training cutoff (flat: every customer)
    const latest = source === "flat" ? prep.score : prep.train.filter((r) => r.cutoff === prep.cutoffs[prep.cutoffs.length - 1]);
    const cols = source === "flat" ? prep.columns : Object.keys(row);
    const vf = annualValueField(cols, params.value_field);
    const val = (r: Row) => (vf ? ((v) => (v === null ? null : v * vf.factor))(numberOrNull(r[vf.column])) : null);
    usageMedian = median(latest.map((r) => numberOrNull(r.usage_30d)));
    const v = val(row);
    scored = {
      customer_id: id,
      probability: p,
      annual_value: v,
      value_at_risk: v === null ? null : p * v,
      value_class: classifyValue(v, isGrowing(row, ctx.currency), mvcThreshold(latest.map(val), ctx.currency), ctx.currency),
      reasons: topReasons(model, d.encoder, x, 0, row, L),
      row,
    };
  } else if (!row || churnedAlready) {
    notes.push(msg(L).customerCard.notActive);
  } else notes.push(msg(L).customerCard.notEnoughTraining);

  const hist = data.history?.[0];
  const revenue = hist ? numberOrNull(hist.revenue) : null;
  const cost = hist ? numberOrNull(hist.cost) : null;
  const contribution = revenue === null ? null : revenue - (cost ?? 0);
  const p = scored?.probability ?? null;
  const q = p === null ? null : 1 - Math.pow(1 - p, 30 / H);
  const lifetime = q === null ? null : q > 0 ? Math.min(1 / q, params.max_lifetime_months) : params.max_lifetime_months;
  const clv = scored?.annual_value == null || lifetime === null ? null : (scored.annual_value / 12) * lifetime;
  const rules = parseRules(defaultRules);
  const k = scored ? matchRule(rules, ruleFacts(scored, usageMedian)) : -1;
  const action = k >= 0 ? rules[k]!.action : null;

  const tickets = (data.tickets ?? []).map((r) => ({
    date: r.date ?? null,
    category: r.category ?? null,
    satisfaction: r.satisfaction ?? null,
    resolved_date: r.resolved_date ?? null,
    days_to_resolve: typeof r.resolved_date === "string" && typeof r.date === "string" ? Math.round((Date.parse(r.resolved_date) - Date.parse(r.date)) / 86_400_000) : null,
  }));
  const attrs = data.customer?.[0] ?? (source === "flat" ? row : undefined) ?? {};
  const segmentParts = ["current_plan", "plan", "region", "industry", "channel"].map((c) => (row?.[c] ?? attrs[c] ?? null) as Value).filter((v) => v !== null && v !== "(none)");
  const segment = segmentParts.length ? [...new Set(segmentParts.map(String))].join(" · ") : null;
  const status = scored ? "active" : churnedAlready ? "churned" : "active";
  const reasons: Row[] = (scored?.reasons ?? []).map((r, i) => ({ rank: i + 1, column: r.column, label: columnLabel(r.column, L), value: formatValue(row?.[r.column] ?? null, L), contribution: r.contribution }));

  const scalars = {
    customer_id: id,
    status,
    segment,
    value_class: scored?.value_class ?? null,
    value_class_label: scored ? valueClassLabel(scored.value_class, L) : null,
    revenue_to_date: revenue,
    cost_to_date: cost,
    contribution_to_date: contribution,
    annual_value: scored?.annual_value ?? null,
    churn_probability: p,
    horizon_days: H,
    monthly_churn_probability: q,
    expected_lifetime_months: lifetime,
    clv,
    recommended_action: action,
    recommended_action_label: action ? actionLabel(action, L) : null,
    tickets_total: tickets.length,
    open_tickets: tickets.filter((x) => x.resolved_date === null).length,
    last_satisfaction: tickets.find((x) => x.satisfaction !== null)?.satisfaction ?? null,
    reason_1: scored?.reasons[0]?.text ?? null,
    reason_2: scored?.reasons[1]?.text ?? null,
    reason_3: scored?.reasons[2]?.text ?? null,
  };
  const say = msg(L).customerCard;
  const item = (key: keyof typeof say.items, value: Value): Row => ({ item: key, label: say.items[key], value });
  const reasonTexts = (scored?.reasons ?? []).map((r) => r.text);
  const card: Row[] = [
    item("customer_id", id),
    item("status", say.status(status === "active")),
    item("segment", segment),
    item("value_class", scalars.value_class_label),
    item("contribution_to_date", contribution),
    item("annual_value", scalars.annual_value),
    item("clv", clv),
    { item: "churn_probability", label: say.churnProbability(H), value: p },
    item("reasons", reasonTexts.length ? msg(L).clauses(reasonTexts) : null),
    item("complaints", say.tickets(tickets.length, scalars.open_tickets)),
    item("recommended_action", scalars.recommended_action_label),
  ];
  return { scalars, tables: { card, reasons, tickets }, notes };
}

