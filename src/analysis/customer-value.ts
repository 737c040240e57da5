// Customer value = revenue − cost to serve (seed 002), per customer and per class: most
// valuable, most growable and negative-value customers, with the growth signals the seed
// names (repeat purchase frequency, incremental spending trend, purchase rate).

import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { quoteIdent } from "../data/engine.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { addDays } from "../util/period.js";
import { compareIds, dateLit, num, numOrNull, purchaseRowsSql, ratio, splitList, sum } from "./segmentation/common.js";
import { exactMoneySql, moneySign, returnsRule } from "./money.js";
import { classifyValue, valueClasses, valueClassText } from "./segmentation/value-classes.js";
import { defineAnalysis, runContext, type AnalysisContext, type Localized, type Row, type RunContext } from "./types.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

export const customerValueParams = Type.Object({
  cost_columns: Type.String({ default: "", description: "Comma list of further cost columns (besides transactions.cost): transactions columns are summed per customer, customers columns taken per customer" }),
  top_share: Type.Number({ default: 0.2, exclusiveMinimum: 0, maximum: 1, description: "Share of customers (by value) that are the most valuable" }),
  peer_by: Type.String({ default: "", description: "Comma list of customers attributes defining peer groups for potential value; empty = all customers are peers" }),
  peer_percentile: Type.Number({ default: 80, minimum: 0, maximum: 100, description: "Potential value = this percentile (type 7) of value among the customer's peers" }),
  min_peers: Type.Integer({ default: 5, minimum: 1, description: "Peer groups smaller than this give no potential (no growth gap)" }),
  growable_share: Type.Number({ default: 0.2, minimum: 0, maximum: 1, description: "At most this share of all customers (largest gaps first) are most growable" }),
});
export type CustomerValueParams = Static<typeof customerValueParams>;

/** The definition as the cell ran: its shares and percentiles, and which costs the data had. */
function definition(p: CustomerValueParams, ctx: RunContext): Localized {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const returns = returnsRule(ctx.returns);
  const costs = costColumns(p, ctx);
  const none = costs.tx.length === 0 && costs.customers.length === 0 && !(ctx.fields.transactions ?? []).includes("cost");
  const costZh = none ? "本次数据未提供服务成本（无 cost 字段、未设 cost_columns）：客户价值 = 净收入。" : "";
  const costEn = none ? " No cost to serve was provided (no cost field, no cost_columns): value = net revenue." : "";
  return {
    "zh-CN": [
    `客户范围：报告期最后一天及以前有交易的客户。客户价值 = 销售收入 − 服务成本。收入 = 净消费额；服务成本 = 交易的 cost 字段合计 + 参数 cost_columns 所列各成本列（交易表的列按客户求和，客户表的列取该客户的值；空值记 0）。${costZh}` + returns["zh-CN"],
    `分类（每位客户恰好一类，按顺序判定）：负值客户：价值 < 0（与 0 的差额小于半个最小货币单位视为 0）；最有价值客户：按价值从高到低（并列按 customer_id）的前 ⌈${pct(p.top_share)} × 客户数⌉ 位中价值 > 0 者（参数 top_share）；最具增长性客户：潜在价值 = 同类客户（参数 peer_by 所列属性相同；默认全部客户）价值的第 ${p.peer_percentile} 百分位数（第 7 类分位数；同类客户少于 ${p.min_peers} 位（参数 min_peers）时不计），差距 = max(0, 潜在价值 − 实际价值)；其余价值 ≥ 0 且差距 > 0 的客户中差距最大（并列按 customer_id）的至多 ⌈${pct(p.growable_share)} × 客户数⌉ 位（参数 growable_share）；其余为一般客户。`,
    "增长信号：观察月数 = 首次购买所在月到截止月（含）的自然月数；循环消费频度 = (购买天数 − 1) ÷ 观察月数（每月复购次数）；购买率 = 有购买的月数 ÷ 观察月数；增量消费趋势 = 截止月及之前共 6 个自然月月度净消费的最小二乘斜率（无消费的月份记 0，单位：货币/月）。",
    "对负值客户不投入任何挽留资源。",
  ].join("\n"),
    "en-US": [
    `Customers: those with a transaction on or before the last day of the report period. Customer value = revenue − cost to serve. Revenue = net spend; cost to serve = the transactions' cost field plus every column in param cost_columns (transactions columns summed per customer, customers columns taken as the customer's value; null = 0).${costEn} ` + returns["en-US"],
    `Classes (each customer in exactly one, decided in order): negative-value: value < 0 (within half a minor currency unit of 0 counts as 0); most valuable: of the first ⌈${pct(p.top_share)} × customers⌉ by value (desc, ties by customer_id; param top_share), those with value > 0; most growable: potential = the ${p.peer_percentile}th percentile (type 7; param peer_percentile) of value among the customer's peers (same param peer_by attributes; default all customers; no potential when the peer group has fewer than ${p.min_peers} customers (param min_peers)), gap = max(0, potential − value); of the remaining customers with value ≥ 0 and gap > 0, at most ⌈${pct(p.growable_share)} × customers⌉ with the largest gaps (ties by customer_id; param growable_share); everyone else: other.`,
    "Growth signals: months observed = calendar months from the month of the first purchase to the as-of month, inclusive; repeat purchase frequency = (purchase days − 1) ÷ months observed (repeat purchases per month); purchase rate = months with a purchase ÷ months observed; incremental spending trend = least-squares slope of monthly net spend over the 6 calendar months ending with the as-of month (months without spend count as 0; currency per month).",
    "Spend nothing on retaining negative-value customers.",
  ].join("\n"),
  };
}

interface CostColumns {
  tx: string[];
  customers: string[];
}

function costColumns(params: CustomerValueParams, ctx: Pick<AnalysisContext, "fields">): CostColumns {
  const txf = ctx.fields.transactions ?? [];
  const cf = ctx.fields.customers ?? [];
  const out: CostColumns = { tx: [], customers: [] };
  for (const c of splitList(params.cost_columns)) {
    if (c === "cost" && txf.includes("cost")) continue; // already counted
    if (txf.includes(c)) out.tx.push(c);
    else if (cf.includes(c)) out.customers.push(c);
    else {
      const near = closeMatches(c, [...txf, ...cf]);
      throw new ChurnbookError("bad-param", `param "cost_columns": no column "${c}" in the transactions or customers dataset`, {
        hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : `transactions: ${txf.join(", ")}; customers: ${cf.join(", ") || "(not mapped)"}`,
      });
    }
  }
  return out;
}

function peerColumns(params: CustomerValueParams, ctx: Pick<AnalysisContext, "fields">): string[] {
  const cols = splitList(params.peer_by);
  const cf = ctx.fields.customers;
  for (const c of cols) {
    if (!cf) throw new ChurnbookError("missing-role", `param "peer_by" needs a customers dataset with column "${c}"`, { hint: "map a customers dataset, or leave peer_by empty" });
    if (!cf.includes(c)) throw new ChurnbookError("bad-param", `param "peer_by": the customers dataset has no column "${c}"`, { hint: `columns: ${cf.join(", ")}` });
  }
  return cols;
}

/**
 * Customer value = net revenue − cost to serve (transactions.cost + cost_columns), for
 * customers with a transaction by the period end. Classes, in order: negative (value < 0),
 * most valuable (top ⌈20%·n⌉ by value, value > 0), most growable (largest gaps to the peers'
 * 80th-percentile value, at most ⌈20%·n⌉), other. Signals: repeat purchases per observed
 * month, share of months with a purchase, 6-month least-squares slope of monthly spend.
 */
export const customerValue = defineAnalysis({
  id: "customer-value",
  title: { "zh-CN": "客户价值分析", "en-US": "Customer value" },
  summary: { "zh-CN": "客户价值 = 收入 − 服务成本；最有价值、最具增长性与负值客户", "en-US": "Value = revenue − cost to serve; most valuable, most growable and negative-value customers" },
  params: customerValueParams,
  needs: [{ role: "transactions", fields: ["customer_id", "date", "amount"], optional: ["quantity", "cost"] }],
  mainTable: "classes",
  outputs: {
    scalars: {
      as_of: { type: "date", format: "date", description: { "zh-CN": "截至日期", "en-US": "As of" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      revenue: { type: "number", format: "currency", description: { "zh-CN": "收入", "en-US": "Revenue" } },
      cost: { type: "number", format: "currency", description: { "zh-CN": "成本", "en-US": "Cost" } },
      value: { type: "number", format: "currency", description: { "zh-CN": "价值", "en-US": "Value" } },
      most_valuable_customers: { type: "integer", format: "count", description: { "zh-CN": "最有价值客户数", "en-US": "Most valuable customers" } },
      most_valuable_value_share: { type: "number", format: "percent", description: { "zh-CN": "最有价值客户的价值占比", "en-US": "Most valuable value share" } },
      most_growable_customers: { type: "integer", format: "count", description: { "zh-CN": "最具增长性客户数", "en-US": "Most growable customers" } },
      growth_gap: { type: "number", format: "number", description: { "zh-CN": "增长空间", "en-US": "Growth gap" } },
      negative_value_customers: { type: "number", format: "currency", description: { "zh-CN": "负值客户数", "en-US": "Negative value customers" } },
      negative_value_total: { type: "number", format: "currency", description: { "zh-CN": "负值客户价值合计", "en-US": "Negative value total" } },
    },
    tables: {
      classes: {
        description: { "zh-CN": "客户价值分析", "en-US": "Customer value" },
        columns: {
          class: { type: "string", format: "label", description: { "zh-CN": "价值分类代码", "en-US": "Value class code" }, label: { "zh-CN": "分类", "en-US": "Class" } },
          label: { type: "string", format: "label", description: { "zh-CN": "价值分类的显示名称", "en-US": "Value class as readers see it" }, label: { "zh-CN": "价值分类", "en-US": "Class" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该分类占客户的比例", "en-US": "Class's share of the customers" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          revenue: { type: "number", format: "currency", description: { "zh-CN": "该分类客户的收入", "en-US": "Revenue of the class's customers" }, label: { "zh-CN": "收入", "en-US": "Revenue" } },
          cost: { type: "number", format: "currency", description: { "zh-CN": "该分类客户的成本", "en-US": "Cost of the class's customers" }, label: { "zh-CN": "成本", "en-US": "Cost" } },
          value: { type: "number", format: "currency", description: { "zh-CN": "该分类客户的收入 − 成本", "en-US": "Revenue − cost of the class's customers" }, label: { "zh-CN": "价值", "en-US": "Value" } },
          value_share: { type: "number", format: "percent", description: { "zh-CN": "该分类占总价值的比例", "en-US": "Class's share of the total value" }, label: { "zh-CN": "价值占比", "en-US": "Value share" } },
          avg_value: { type: "number", format: "currency", description: { "zh-CN": "价值 ÷ 该分类客户数", "en-US": "Value ÷ customers of the class" }, label: { "zh-CN": "平均价值", "en-US": "Average value" } },
          gap: { type: "number", format: "number", description: { "zh-CN": "该分类的增长空间：Σ max（0，潜在价值 − 价值）", "en-US": "Growth gap of the class: Σ max(0, potential − value)" }, label: { "zh-CN": "增长空间", "en-US": "Growth gap" } },
          treatment: { type: "string", format: "label", description: { "zh-CN": "针对该分类的建议对策", "en-US": "Suggested treatment for the class" }, label: { "zh-CN": "对策", "en-US": "Treatment" } },
        },
      },
      customers: {
        description: { "zh-CN": "客户数", "en-US": "Customers" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          peer_group: { type: "string", format: "label", description: { "zh-CN": "同类组（按 peer_by 属性）", "en-US": "Peer group (the peer_by attributes)" }, label: { "zh-CN": "同类组", "en-US": "Peer group" } },
          revenue: { type: "number", format: "currency", description: { "zh-CN": "客户收入", "en-US": "Customer's revenue" }, label: { "zh-CN": "收入", "en-US": "Revenue" } },
          cost: { type: "number", format: "currency", description: { "zh-CN": "客户成本", "en-US": "Customer's cost" }, label: { "zh-CN": "成本", "en-US": "Cost" } },
          value: { type: "number", format: "currency", description: { "zh-CN": "收入 − 成本", "en-US": "Revenue − cost" }, label: { "zh-CN": "价值", "en-US": "Value" } },
          potential: { type: "number", format: "number", description: { "zh-CN": "潜在价值：同类客户价值的百分位数", "en-US": "Potential value: a percentile of the peers' value" }, label: { "zh-CN": "潜在价值", "en-US": "Potential" } },
          gap: { type: "number", format: "number", description: { "zh-CN": "增长空间：max（0，潜在价值 − 价值）", "en-US": "Growth gap: max(0, potential − value)" }, label: { "zh-CN": "增长空间", "en-US": "Growth gap" } },
          class: { type: "string", format: "label", description: { "zh-CN": "价值分类代码", "en-US": "Value class code" }, label: { "zh-CN": "分类", "en-US": "Class" } },
          purchases: { type: "integer", format: "count", description: { "zh-CN": "购买次数", "en-US": "Purchases" } },
          repeat_frequency: { type: "number", format: "number", description: { "zh-CN": "每期重复购买次数", "en-US": "Repeat purchases per period as a customer" }, label: { "zh-CN": "复购频率", "en-US": "Repeat frequency" } },
          purchase_rate: { type: "number", format: "percent", description: { "zh-CN": "有购买的期间占比", "en-US": "Share of the customer's periods with a purchase" }, label: { "zh-CN": "购买率", "en-US": "Purchase rate" } },
          spend_trend: { type: "number", format: "currency", description: { "zh-CN": "每期消费的变化（最小二乘斜率）", "en-US": "Change of spend per period (least-squares slope)" }, label: { "zh-CN": "消费趋势", "en-US": "Spend trend" } },
        },
      },
    },
  },

  // The as-of date (the period's last day) and the cost and peer columns, checked and resolved once.
  plan(params: CustomerValueParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), asOf: addDays(ctx.period.end, -1), costs: costColumns(params, ctx), peers: peerColumns(params, ctx) };
  },

  // After plan: its type is inferred from plan's.
  definition: ({ params, ctx }) => definition(params, ctx),
  reductions({ ctx, asOf, costs, peers }) {
    const trendStart = `${asOf.slice(0, 7)}-01`;
    const d = dialectOf(ctx);
    const t0 = d.dateAdd(dateLit(trendStart), -5, "month");
    // spend_trend divides the exact sum as a double: PostgreSQL's NUMERIC division would round to
    // its own scale, DuckDB's divides doubles; a double ÷ 17.5 is the same number on both.
    const xsum = costs.tx.map((_, i) => ` + SUM(x_${i})`).join("");
    const ctes = [
      `tx AS (SELECT customer_id, SUM(net) AS revenue, SUM(cost)${xsum} AS tx_cost,
        COUNT(DISTINCT date) FILTER (WHERE NOT is_return) AS purchases,
        MIN(date) FILTER (WHERE NOT is_return) AS first_purchase,
        COUNT(DISTINCT DATE_TRUNC('month', date)) FILTER (WHERE NOT is_return) AS active_months,
        CAST(SUM(CASE WHEN date >= ${t0} THEN (${d.dateDiff("month", t0, "date")} - 2.5) * net ELSE 0 END) AS DOUBLE PRECISION) / 17.5 AS spend_trend
        FROM ${purchaseRowsSql(ctx, asOf, undefined, costs.tx)} GROUP BY customer_id)`,
    ];
    const customerCols = [...costs.customers.map((c, i) => `SUM(${exactMoneySql(`COALESCE(${d.tryCast(quoteIdent(c), "number")}, 0)`, d)}) AS c_${i}`), ...peers.map((c, i) => `MIN(CAST(${quoteIdent(c)} AS VARCHAR)) AS p_${i}`)];
    if (customerCols.length) ctes.push(`cu AS (SELECT customer_id, ${customerCols.join(", ")} FROM customers GROUP BY customer_id)`);
    const ccost = costs.customers.map((_, i) => ` + COALESCE(cu.c_${i}, 0)`).join("");
    const peerSel = peers.map((_, i) => `, cu.p_${i}`).join("");
    return {
      customers: `WITH ${ctes.join(",\n")}
        SELECT tx.customer_id, tx.revenue, tx.tx_cost${ccost} AS cost, tx.revenue - (tx.tx_cost${ccost}) AS value, tx.purchases, tx.first_purchase, tx.active_months, tx.spend_trend${peerSel}
        FROM tx ${customerCols.length ? "LEFT JOIN cu USING (customer_id)" : ""}
        ORDER BY tx.customer_id`,
    };
  },

  compute(data, { params, ctx, asOf, costs, peers }) {
    const notes: string[] = [];
    const rows = [...(data.customers ?? [])].sort((a, b) => compareIds(a.customer_id, b.customer_id));
    const peerKey = (r: Row): string => (peers.length ? peers.map((_, i) => (r[`p_${i}`] === null ? "—" : String(r[`p_${i}`]))).join(" · ") : "all");
    const classified = classifyValue(
      rows.map((r) => ({ customer_id: String(r.customer_id), value: num(r.value), peer_group: peerKey(r) })),
      { topShare: params.top_share, growableShare: params.growable_share, peerPercentile: params.peer_percentile, minPeers: params.min_peers, currency: ctx.currency },
    );
    const asOfMonth = Number(asOf.slice(0, 4)) * 12 + Number(asOf.slice(5, 7));
    // Typed rows (not Row): value, revenue and cost are numbers, so the sums below need no casts.
    const customers = rows.map((r, i) => {
      const c = classified[i]!;
      const first = r.first_purchase === null ? null : String(r.first_purchase);
      const months = first === null ? null : asOfMonth - (Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7))) + 1;
      const purchases = num(r.purchases);
      return {
        customer_id: c.customer_id,
        peer_group: c.peer_group,
        revenue: num(r.revenue),
        cost: num(r.cost),
        value: c.value,
        potential: c.potential,
        gap: c.gap,
        class: c.class,
        purchases,
        repeat_frequency: months === null ? null : ratio(Math.max(0, purchases - 1), months),
        purchase_rate: months === null ? null : ratio(num(r.active_months), months),
        spend_trend: numOrNull(r.spend_trend),
      };
    }).sort((a, b) => b.value - a.value || compareIds(a.customer_id, b.customer_id));

    const totalValue = sum(customers.map((c) => c.value));
    const classes: Row[] = valueClasses.map((k) => {
      const m = customers.filter((c) => c.class === k);
      const value = sum(m.map((c) => c.value));
      return {
        class: k,
        label: valueClassText[k].label[ctx.locale],
        customers: m.length,
        share: ratio(m.length, customers.length),
        revenue: sum(m.map((c) => c.revenue)),
        cost: sum(m.map((c) => c.cost)),
        value,
        value_share: moneySign(totalValue, ctx.currency) > 0 ? value / totalValue : null,
        avg_value: ratio(value, m.length),
        gap: k === "most_growable" ? sum(m.map((c) => c.gap ?? 0)) : null,
        treatment: valueClassText[k].treatment[ctx.locale],
      };
    });
    const neg = classes[3]!;
    const say = msg(ctx.locale).segmentation;
    if (costs.tx.length === 0 && costs.customers.length === 0 && !(ctx.fields.transactions ?? []).includes("cost")) {
      notes.push(say.noCostToServe);
    }
    if (customers.length === 0) notes.push(say.noCustomersWithTransactions(asOf));
    else if (moneySign(totalValue, ctx.currency) <= 0) notes.push(say.totalValueNotPositive);
    // Negative-value customers are a finding (the classes table, scalars and treatment), not a
    // data problem, so they are not repeated as a note (notes become report warnings).
    const noPotential = classified.filter((c) => c.potential === null).length;
    if (noPotential > 0 && customers.length > 0) notes.push(say.smallPeerGroups(noPotential, params.min_peers));
    return {
      scalars: {
        as_of: asOf,
        customers: customers.length,
        revenue: sum(customers.map((c) => c.revenue)),
        cost: sum(customers.map((c) => c.cost)),
        value: totalValue,
        most_valuable_customers: classes[0]!.customers,
        most_valuable_value_share: classes[0]!.value_share,
        most_growable_customers: classes[1]!.customers,
        growth_gap: classes[1]!.gap,
        negative_value_customers: neg.customers,
        negative_value_total: neg.value,
      },
      tables: { classes, customers },
      notes,
    };
  },

  chart(_result, { ctx }) {
    const say = msg(ctx.locale).segmentation;
    return {
      title: say.valueTitle,
      marks: [
        { mark: "barY", data: "classes", options: { x: "label", y: "value", fill: "class", tip: true } },
        { mark: "ruleY", data: "classes", options: { y: 0 } },
      ],
      x: { label: null, domain: valueClasses.map((k) => valueClassText[k].label[ctx.locale]) },
      y: { label: say.valueAxis, format: "currency", grid: true },
      color: { legend: false, domain: [...valueClasses], range: ["#1f4e79", "#5b9bd5", "#bfbfbf", "#c0504d"] },
    } satisfies ChartSpec;
  },
});
