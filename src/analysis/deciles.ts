// Decile (80/20) analysis: customers ranked by revenue or profit into ten equal-count groups,
// each group's total, average and share, the cumulative (Pareto) curve, and the exact share
// of customers that brings 80% of the value.

import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { addDays } from "../util/period.js";
import { num, purchaseRowsSql, ratio } from "./segmentation/common.js";
import { defineAnalysis, runContext, type AnalysisContext, type Localized, type RunContext } from "./types.js";
import { moneySign, moneyTolerance, returnsRule } from "./money.js";
import { msg } from "../locales/index.js";

export const decilesParams = Type.Object({
  measure: Type.Union([Type.Literal("revenue"), Type.Literal("profit")], { default: "revenue", description: "Value per customer: net revenue, or profit = net revenue − cost (needs transactions.cost)" }),
  window: Type.Union([Type.Literal("all"), Type.Literal("period")], { default: "all", description: "Transactions counted: all up to the end of the report period, or only those in the period" }),
  target_share: Type.Number({ default: 0.8, exclusiveMinimum: 0, maximum: 1, description: "Value share for share_for_80pct (0.8 = the 80/20 rule)" }),
});
export type DecilesParams = Static<typeof decilesParams>;

/** The definition as the cell ran (its params and the report's returns convention). */
function definition(p: DecilesParams, ctx: RunContext): Localized {
  const returns = returnsRule(ctx.returns);
  const pct = `${Math.round(p.target_share * 1000) / 10}%`;
  return {
  "zh-CN": [
    "客户价值：收入 = 净消费额（参数 measure=revenue）；利润 = 净消费额 − 成本（measure=profit，成本取交易的 cost 字段，空值记 0）。默认统计报告期结束前的全部交易（window=all），window=period 时只统计报告期内交易。" + returns["zh-CN"],
    "十分位：客户按价值从高到低排序，价值相同按 customer_id 升序；n = 10k + r 位客户时，前 r 组各 k+1 人，其余各 k 人（各组人数至多相差 1；不足 10 位客户时后面的组为空）。每组：客户数、合计、平均值、占比（÷ 全部客户价值净合计）、累计占比。",
    "负值：价值为负的客户保留在排序末尾（鲸鱼曲线），因此累计占比可能先超过 100%，最后回到 100%。",
    `实现 ${pct} 价值所需客户占比（share_for_80pct，参数 target_share）= 最小的 k/n，使价值最高的 k 位客户的价值合计 ≥ ${pct} × 净合计（逐客户精确计算，不按十分位插值；容差 1e-9 × Σ|价值|）。净合计 ≤ 0 时为空。`,
  ].join("\n"),
  "en-US": [
    "Value per customer: revenue = net spend (measure=revenue); profit = net spend − cost (measure=profit; the transactions' cost field, null = 0). All transactions up to the end of the report period by default (window=all); window=period counts only the period's transactions. " + returns["en-US"],
    "Deciles: customers sorted by value descending, ties by customer_id ascending; with n = 10k + r customers the first r deciles get k + 1 customers and the others k (sizes differ by at most one; with fewer than 10 customers the last deciles are empty). Per decile: customers, total, average, share (÷ the net total of all customers) and cumulative share.",
    "Negative values stay in, at the bottom of the ranking (a whale curve): the cumulative share can exceed 100% before returning to exactly 100%.",
    `share_for_80pct = the smallest k/n such that the top k customers bring at least ${pct} of the net total (param target_share) — exact, customer by customer, not interpolated between deciles (tolerance 1e-9 × Σ|value|). Null when the net total is not positive.`,
  ].join("\n"),
  };
}


/**
 * Decile analysis. Value = net revenue (returns subtracted) or profit (− transactions.cost);
 * customers sorted by value desc, ties by customer_id; n = 10k + r → the top r deciles hold
 * k + 1. Shares are of the net total (negative customers stay in: whale curve).
 * share_for_80pct = min k/n with top-k value ≥ 80% of the total, customer-level.
 */
export const deciles = defineAnalysis({
  id: "deciles",
  title: { "zh-CN": "十分位法分析", "en-US": "Decile analysis" },
  summary: { "zh-CN": "按消费额或利润把客户分为十个等人数组，检验二八法则", "en-US": "Customers in ten equal-count groups by revenue or profit; the 80/20 check" },
  params: decilesParams,
  needs: [{ role: "transactions", fields: ["customer_id", "date", "amount"], optional: ["quantity", "cost"] }],
  mainTable: "deciles",
  outputs: {
    scalars: {
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      total_value: { type: "number", format: "currency", description: { "zh-CN": "客户价值合计", "en-US": "Total value" } },
      share_for_80pct: { type: "number", format: "percent", description: { "zh-CN": "贡献 80% 收入的客户占比", "en-US": "Share for 80%" } },
      customers_for_80pct: { type: "integer", format: "count", description: { "zh-CN": "贡献 80% 收入的客户数", "en-US": "Customers for 80%" } },
      top_decile_share: { type: "number", format: "percent", description: { "zh-CN": "前 10% 客户的收入占比", "en-US": "Top decile share" } },
      top_20pct_share: { type: "number", format: "percent", description: { "zh-CN": "前 20% 客户的收入占比", "en-US": "Top 20% share" } },
      negative_customers: { type: "integer", format: "count", description: { "zh-CN": "负值客户数", "en-US": "Negative customers" } },
      negative_value: { type: "number", format: "currency", description: { "zh-CN": "负值合计", "en-US": "Negative value" } },
    },
    tables: {
      deciles: {
        description: { "zh-CN": "十分位法分析", "en-US": "Decile analysis" },
        columns: {
          decile: { type: "integer", format: "count", description: { "zh-CN": "按价值的十分位（1 为最高）", "en-US": "Decile by value (1 = highest)" }, label: { "zh-CN": "十分位", "en-US": "Decile" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该十分位的客户数", "en-US": "Customers in the decile" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          total: { type: "number", format: "number", description: { "zh-CN": "该十分位的价值合计", "en-US": "Total value of the decile" }, label: { "zh-CN": "合计", "en-US": "Total" } },
          average: { type: "number", format: "number", description: { "zh-CN": "合计 ÷ 该十分位客户数", "en-US": "Total ÷ customers of the decile" }, label: { "zh-CN": "平均值", "en-US": "Average" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该十分位占总价值的比例", "en-US": "Decile's share of the total value" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          cumulative_share: { type: "number", format: "percent", description: { "zh-CN": "该十分位及更高十分位的价值累计占比", "en-US": "Share of the total value in this and the higher deciles" }, label: { "zh-CN": "累计占比", "en-US": "Cumulative share" } },
          cumulative_customer_share: { type: "number", format: "percent", description: { "zh-CN": "该十分位及更高十分位的客户累计占比", "en-US": "Share of the customers in this and the higher deciles" }, label: { "zh-CN": "累计客户占比", "en-US": "Cumulative customers" } },
          min_value: { type: "number", format: "currency", description: { "zh-CN": "该十分位的最低客户价值", "en-US": "Lowest customer value in the decile" }, label: { "zh-CN": "最小值", "en-US": "Min" } },
          max_value: { type: "number", format: "currency", description: { "zh-CN": "该十分位的最高客户价值", "en-US": "Highest customer value in the decile" }, label: { "zh-CN": "最大值", "en-US": "Max" } },
        },
      },
    },
  },

  // The cost field checked for measure=profit; the as-of date and the window's start, resolved once.
  plan(params: DecilesParams, ctx: AnalysisContext) {
    if (params.measure === "profit" && !(ctx.fields.transactions ?? []).includes("cost")) {
      throw new ChurnbookError("missing-field", `analysis "deciles" with measure=profit needs field "cost" in the transactions dataset`, {
        hint: `map a cost column, e.g. --map transactions.cost=<column>, or use --param measure=revenue`,
      });
    }
    return { params, ctx: runContext(ctx), asOf: addDays(ctx.period.end, -1), since: params.window === "period" ? ctx.period.start : undefined };
  },

  // After plan: its type is inferred from plan's.
  definition: ({ params, ctx }) => definition(params, ctx),
  // The ranking and every sum run in the engine: ten decile rows and one row of totals come back,
  // whatever the number of customers (issue 14). Ranks: value descending, ties by customer_id;
  // NTILE(10) gives the first r of n = 10k + r customers' deciles k + 1 customers (as groupSizes).
  reductions({ params, ctx, asOf, since }) {
    const value = params.measure === "profit" ? "SUM(net) - SUM(cost)" : "SUM(net)";
    // Negative: below zero by at least half a minor unit of the currency (moneySign).
    const negative = `value <= ${-moneyTolerance(ctx.currency)}`;
    const ranked = `(SELECT customer_id, value, ROW_NUMBER() OVER (ORDER BY value DESC, customer_id) AS rank, NTILE(10) OVER (ORDER BY value DESC, customer_id) AS decile
      FROM (SELECT customer_id, ${value} AS value FROM ${purchaseRowsSql(ctx, asOf, since)} GROUP BY customer_id) AS v) AS ranked`;
    return {
      deciles: `SELECT decile, COUNT(*) AS customers, SUM(value) AS total, MIN(value) AS min_value, MAX(value) AS max_value FROM ${ranked} GROUP BY decile ORDER BY decile`,
      // The top k reaching target_share of the net total: the running sum in rank order against
      // the goal, with pareto.ts's tolerance (1e-9 × Σ|value|); null when the total is not positive.
      totals: `WITH r AS (SELECT * FROM ${ranked}),
        t AS (SELECT COUNT(*) AS customers, SUM(value) AS total, SUM(ABS(value)) AS abs_total,
          COUNT(*) FILTER (WHERE ${negative}) AS negative_customers, COALESCE(SUM(value) FILTER (WHERE ${negative}), 0) AS negative_value FROM r),
        c AS (SELECT rank, SUM(value) OVER (ORDER BY rank ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM r)
        SELECT t.*, (SELECT MIN(c.rank) FROM c WHERE t.total > 0 AND CAST(c.running AS DOUBLE PRECISION) >= ${params.target_share} * CAST(t.total AS DOUBLE PRECISION) - 1e-9 * CAST(t.abs_total AS DOUBLE PRECISION)) AS customers_for_share FROM t`,
    };
  },

  compute(data, { params, ctx }) {
    const notes: string[] = [];
    const say = msg(ctx.locale).segmentation;
    const totals = data.totals?.[0] ?? {};
    const n = num(totals.customers);
    const total = num(totals.total);
    const byDecile = new Map((data.deciles ?? []).map((d) => [num(d.decile), d]));
    let cum = 0, seen = 0;
    const table = Array.from({ length: 10 }, (_, i) => {
      const d = byDecile.get(i + 1);
      const size = d ? num(d.customers) : 0, t = d ? num(d.total) : 0;
      cum += t;
      seen += size;
      return {
        decile: i + 1,
        customers: size,
        total: t,
        average: size ? t / size : null,
        share: total !== 0 ? t / total : null,
        cumulative_share: total !== 0 ? cum / total : null,
        cumulative_customer_share: n ? seen / n : null,
        min_value: d ? num(d.min_value) : null,
        max_value: d ? num(d.max_value) : null,
      };
    });
    const positive = moneySign(total, ctx.currency) > 0;
    const k = positive && totals.customers_for_share !== null && totals.customers_for_share !== undefined ? num(totals.customers_for_share) : null;
    const negatives = num(totals.negative_customers);
    if (n === 0) notes.push(say.noCustomersInWindow);
    else if (!positive) notes.push(say.netTotalNotPositive);
    if (n > 0 && n < 10) notes.push(say.fewCustomers(n));
    if (negatives) notes.push(say.negativeRankedLast(negatives, params.measure === "profit"));
    return {
      scalars: {
        customers: n,
        total_value: total,
        share_for_80pct: k === null ? null : ratio(k, n),
        customers_for_80pct: k,
        top_decile_share: table[0]!.share,
        top_20pct_share: table[1]!.cumulative_share,
        negative_customers: negatives,
        negative_value: num(totals.negative_value),
      },
      tables: { deciles: table },
      notes,
    };
  },

  chart(_result, { params, ctx }) {
    const say = msg(ctx.locale).segmentation;
    const what = say.measure(params.measure === "profit");
    return {
      title: say.decileTitle(what),
      marks: [
        { mark: "barY", data: "deciles", options: { x: "decile", y: "share", fill: "#1f4e79", tip: true } },
        { mark: "lineY", data: "deciles", options: { x: "decile", y: "cumulative_share", stroke: "#c0504d", marker: "circle" } },
        { mark: "ruleY", data: "deciles", options: { y: params.target_share, stroke: "#888", strokeDasharray: "4,3" } },
      ],
      x: { label: say.decileAxis },
      y: { label: say.shareOf(what), format: "percent", grid: true },
    } satisfies ChartSpec;
  },
});
