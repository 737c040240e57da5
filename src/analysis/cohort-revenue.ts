import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { quoteLiteral } from "../data/engine.js";
import { acquisitionSql, completeCohorts, grainMonths, maxObservableAge, ratio } from "./cohorts/cohort-sql.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Row } from "./types.js";
import { exactMoneySql, netAmountSql } from "./money.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

const params = Type.Object({
  cohort_grain: Type.Union([Type.Literal("month"), Type.Literal("quarter")], {
    default: "month",
    description: "Length of a cohort period and of one age step: month or quarter.",
  }),
  periods: Type.Integer({ minimum: 0, maximum: 120, default: 12, description: "Highest age shown, in calendar periods since the cohort period (ages 0..periods)." }),
  cohorts: Type.Integer({ minimum: 1, maximum: 240, default: 12, description: "Number of most recent complete acquisition cohorts shown." }),
});
export type CohortRevenueParams = Static<typeof params>;

/** Cumulative per-customer figures reported as scalars: after the first n periods (ages 0..n−1). */
const scalarPeriods = [1, 3, 6, 12] as const;

/** Whether acquisition comes from subscriptions (contractual basis with subscriptions loaded) or the first purchase. */
function acquisitionCtx(ctx: Pick<AnalysisContext, "churn" | "fields" | "dialect">): Pick<AnalysisContext, "churn" | "dialect"> {
  return ctx.churn.kind === "subscriptions" && ctx.fields.subscriptions ? ctx : { churn: { kind: "inactivity", days: 1 }, dialect: ctx.dialect };
}

/**
 * Revenue and profit per new cohort (新客户群收入与利润), from transactions.
 *
 * Cohort: as in cohort-retention (first spell start: first subscription on the subscriptions
 * basis when subscriptions are loaded, otherwise the first purchase). Age k here is calendar:
 * the k-th cohort-grain period after the cohort period (age 0 = the cohort period itself), shown
 * only when complete by the report period's end. revenue = Σ amount of the cohort's transactions
 * dated in that period and on or after the member's acquisition date; cost = Σ cost (when a cost
 * field is mapped; missing costs count as 0 and are noted); profit = revenue − cost; buyers =
 * distinct members with a transaction; cumulative_* = running sums over ages 0..k;
 * *_per_customer = cumulative ÷ cohort size. Scalars revenue_per_customer_n: cumulative
 * revenue in the first n periods ÷ cohort size, pooled over the cohorts observed for n periods.
 */
/** The complete cohorts up to the report period's end and whether costs are there, resolved once. */
function plan(p: CohortRevenueParams, ctx: AnalysisContext) {
  return { p, ctx: runContext(ctx), period: ctx.period, cohorts: completeCohorts(ctx.period.end, p.cohort_grain, p.cohorts), withCost: (ctx.fields.transactions ?? []).includes("cost") };
}
type Plan = ReturnType<typeof plan>;

export const cohortRevenue = defineAnalysis({
  id: "cohort-revenue",
  title: { "zh-CN": "新客户群收入与利润", "en-US": "Revenue and profit per new cohort" },
  summary: {
    "zh-CN": "各获客月份（或季度）新客户群在此后各期的收入、成本与利润，以及人均累计收入与利润。",
    "en-US": "Revenue, cost and profit of each acquisition cohort over the following periods, and cumulative revenue and profit per customer.",
  },
  definition: {
    "zh-CN":
      "新客户群：首个活跃期开始于同一自然月（或季度）的客户（订阅口径且有订阅数据时为首次订阅，否则为首次购买）。第 k 期为获客期之后的第 k 个自然月（或季度），第 0 期即获客期本身；只显示报告期末前已结束的完整期。" +
      "收入 = 该群客户在该期内、且不早于其获客日的交易金额之和；成本 = 交易成本之和（映射了成本字段时；缺失的成本按 0 计并提示）；利润 = 收入 − 成本；购买客户数 = 有交易的客户数；累计值为第 0…k 期之和；人均值 = 累计值 ÷ 群规模。" +
      "汇总指标“前 n 期人均收入”= 已满 n 期的各群前 n 期累计收入之和 ÷ 这些群的规模之和。",
    "en-US":
      "Cohort: customers whose first activity spell starts in the same calendar month (or quarter) — the first subscription on the subscriptions basis when subscriptions are loaded, else the first purchase. Age k is the k-th calendar month (or quarter) after the cohort period, age 0 the cohort period itself; only periods complete by the end of the report period are shown. " +
      "Revenue = sum of the cohort's transaction amounts dated in that period and on or after the member's acquisition date; cost = sum of transaction costs (when a cost field is mapped; missing costs count as 0 and are noted); profit = revenue − cost; buyers = members with a transaction; cumulative = sum over ages 0..k; per customer = cumulative ÷ cohort size. " +
      "The summary 'revenue per customer in the first n periods' = Σ cumulative revenue over the first n periods ÷ Σ cohort sizes, over the cohorts observed for n periods.",
  },
  params,
  needs: [{ role: "transactions", fields: ["customer_id", "date", "amount"], optional: ["cost"] }],
  mainTable: "cohort_revenue",
  outputs: {
    scalars: {
      cohort_grain: { type: "string", format: "label", description: { "zh-CN": "群组粒度", "en-US": "Cohort grain" } },
      cohorts: { type: "integer", format: "count", description: { "zh-CN": "群组数", "en-US": "Cohorts" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      revenue: { type: "number", format: "currency", description: { "zh-CN": "收入", "en-US": "Revenue" } },
      profit: { type: "number", format: "currency", description: { "zh-CN": "利润", "en-US": "Profit" } },
      revenue_per_customer_1: { type: "number", format: "currency", description: { "zh-CN": "第 1 期人均收入", "en-US": "Revenue per customer 1" } },
      profit_per_customer_1: { type: "number", format: "currency", description: { "zh-CN": "第 1 期人均利润", "en-US": "Profit per customer 1" } },
      revenue_per_customer_3: { type: "number", format: "currency", description: { "zh-CN": "第 3 期人均收入", "en-US": "Revenue per customer 3" } },
      profit_per_customer_3: { type: "number", format: "currency", description: { "zh-CN": "第 3 期人均利润", "en-US": "Profit per customer 3" } },
      revenue_per_customer_6: { type: "number", format: "currency", description: { "zh-CN": "第 6 期人均收入", "en-US": "Revenue per customer 6" } },
      profit_per_customer_6: { type: "number", format: "currency", description: { "zh-CN": "第 6 期人均利润", "en-US": "Profit per customer 6" } },
      revenue_per_customer_12: { type: "number", format: "currency", description: { "zh-CN": "第 12 期人均收入", "en-US": "Revenue per customer 12" } },
      profit_per_customer_12: { type: "number", format: "currency", description: { "zh-CN": "第 12 期人均利润", "en-US": "Profit per customer 12" } },
    },
    tables: {
      cohort_revenue: {
        description: { "zh-CN": "新客户群收入与利润", "en-US": "Revenue and profit per new cohort" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          age: { type: "integer", format: "count", description: { "zh-CN": "加入后的期数", "en-US": "Periods since the cohort joined" }, label: { "zh-CN": "月龄", "en-US": "Age" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该客户群的客户数", "en-US": "Customers who joined in the cohort" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          buyers: { type: "integer", format: "count", description: { "zh-CN": "该期龄有购买的客户数", "en-US": "Customers of the cohort who bought at this age" }, label: { "zh-CN": "买家数", "en-US": "Buyers" } },
          revenue: { type: "number", format: "currency", description: { "zh-CN": "该期龄客户群的收入", "en-US": "Revenue of the cohort at this age" }, label: { "zh-CN": "收入", "en-US": "Revenue" } },
          cost: { type: "number", format: "currency", description: { "zh-CN": "该期龄客户群的成本", "en-US": "Cost of the cohort at this age" }, label: { "zh-CN": "成本", "en-US": "Cost" } },
          profit: { type: "number", format: "currency", description: { "zh-CN": "收入减成本", "en-US": "Revenue minus cost" }, label: { "zh-CN": "利润", "en-US": "Profit" } },
          cumulative_revenue: { type: "number", format: "currency", description: { "zh-CN": "截至该期龄的累计收入", "en-US": "Revenue up to this age" }, label: { "zh-CN": "累计收入", "en-US": "Cumulative revenue" } },
          cumulative_profit: { type: "number", format: "currency", description: { "zh-CN": "截至该期龄的累计利润", "en-US": "Profit up to this age" }, label: { "zh-CN": "累计利润", "en-US": "Cumulative profit" } },
          revenue_per_customer: { type: "number", format: "currency", description: { "zh-CN": "累计收入 ÷ 客户群客户数", "en-US": "Cumulative revenue ÷ customers of the cohort" }, label: { "zh-CN": "人均收入", "en-US": "Revenue per customer" } },
          profit_per_customer: { type: "number", format: "currency", description: { "zh-CN": "累计利润 ÷ 客户群客户数", "en-US": "Cumulative profit ÷ customers of the cohort" }, label: { "zh-CN": "人均利润", "en-US": "Profit per customer" } },
        },
      },
      cohort_totals: {
        description: { "zh-CN": "群组合计", "en-US": "Cohort totals" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该客户群的客户数", "en-US": "Customers who joined in the cohort" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          periods_observed: { type: "integer", format: "count", description: { "zh-CN": "已观测的期数", "en-US": "Ages observed so far" }, label: { "zh-CN": "已观测期数", "en-US": "Periods observed" } },
          revenue: { type: "number", format: "currency", description: { "zh-CN": "客户群至今的收入", "en-US": "Revenue of the cohort so far" }, label: { "zh-CN": "收入", "en-US": "Revenue" } },
          profit: { type: "number", format: "currency", description: { "zh-CN": "客户群至今的利润", "en-US": "Profit of the cohort so far" }, label: { "zh-CN": "利润", "en-US": "Profit" } },
          revenue_per_customer: { type: "number", format: "currency", description: { "zh-CN": "收入 ÷ 客户群客户数", "en-US": "Revenue ÷ customers of the cohort" }, label: { "zh-CN": "人均收入", "en-US": "Revenue per customer" } },
          profit_per_customer: { type: "number", format: "currency", description: { "zh-CN": "利润 ÷ 客户群客户数", "en-US": "Profit ÷ customers of the cohort" }, label: { "zh-CN": "人均利润", "en-US": "Profit per customer" } },
        },
      },
    },
  },

  plan,
  reductions({ p, ctx, period, cohorts, withCost }) {
    const from = cohorts[0]!.start, to = cohorts.at(-1)!.end;
    const g = grainMonths(p.cohort_grain);
    const end = `DATE ${quoteLiteral(period.end)}`;
    const acq = acquisitionSql(acquisitionCtx(ctx), p.cohort_grain, from, to);
    const d = dialectOf(ctx);
    return {
      sizes: `SELECT cohort_start, CAST(COUNT(*) AS INTEGER) AS customers FROM ${acq} AS a GROUP BY cohort_start ORDER BY cohort_start`,
      revenue: `WITH a AS (SELECT * FROM ${acq} AS acq),
        t AS (
          SELECT a.cohort_start, t.customer_id, ${netAmountSql(ctx, "t")} AS amount, ${withCost ? exactMoneySql("t.cost", d) : "CAST(NULL AS DOUBLE PRECISION)"} AS cost,
            CAST(floor(${d.dateDiff("month", "a.cohort_start", "t.date")} / ${g}) AS INTEGER) AS age
          FROM a JOIN transactions t ON t.customer_id = a.customer_id
          WHERE t.date IS NOT NULL AND t.date >= a.acquired AND t.date < ${end}
        )
        SELECT cohort_start, age, CAST(COALESCE(SUM(amount), 0) AS DOUBLE PRECISION) AS revenue, ${withCost ? "CAST(COALESCE(SUM(cost), 0) AS DOUBLE PRECISION)" : "CAST(NULL AS DOUBLE PRECISION)"} AS cost,
          CAST(COUNT(DISTINCT customer_id) AS INTEGER) AS buyers,
          CAST(${withCost ? "COUNT(*) FILTER (WHERE cost IS NULL)" : "0"} AS INTEGER) AS missing_cost
        FROM t WHERE age <= ${Math.floor(p.periods)}
        GROUP BY cohort_start, age ORDER BY cohort_start, age`,
    };
  },

  compute(data, plan) {
    return revenueTables(data, plan);
  },

  chart(result, { ctx }): ChartSpec | null {
    if (!result.tables.cohort_revenue?.length) return null;
    const say = msg(ctx.locale).cohorts;
    return {
      title: say.revenueTitle,
      marks: [{ mark: "lineY", data: "cohort_revenue", options: { x: "age", y: "revenue_per_customer", stroke: "cohort" } }],
      x: { label: say.periodsSinceAcquisition },
      y: { label: say.revenuePerCustomer, format: "currency", zero: true },
      color: { legend: true, label: say.cohort },
    };
  },
});

function revenueTables(data: Record<string, Row[]>, { p, ctx, period, cohorts, withCost }: Plan): AnalysisResult {
  const sizes = new Map((data.sizes ?? []).map((r) => [String(r.cohort_start), Number(r.customers)]));
  const cells = new Map<string, Row>();
  let missingCost = 0;
  for (const r of data.revenue ?? []) {
    cells.set(`${r.cohort_start}|${r.age}`, r);
    missingCost += Number(r.missing_cost ?? 0);
  }
  const table: Row[] = [];
  const totals: Row[] = [];
  const pooled = new Map<number, { revenue: number; profit: number; customers: number }>();
  for (const c of cohorts) {
    const size = sizes.get(c.start) ?? 0;
    if (size === 0) continue;
    const maxAge = Math.min(p.periods, maxObservableAge(c, period.end, p.cohort_grain));
    let cumRevenue = 0, cumProfit = 0;
    for (let k = 0; k <= maxAge; k++) {
      const cell = cells.get(`${c.start}|${k}`);
      const revenue = Number(cell?.revenue ?? 0);
      const cost = withCost ? Number(cell?.cost ?? 0) : null;
      const profit = cost === null ? null : revenue - cost;
      cumRevenue += revenue;
      cumProfit += profit ?? 0;
      table.push({
        cohort: c.label,
        age: k,
        customers: size,
        buyers: Number(cell?.buyers ?? 0),
        revenue,
        cost,
        profit,
        cumulative_revenue: cumRevenue,
        cumulative_profit: withCost ? cumProfit : null,
        revenue_per_customer: cumRevenue / size,
        profit_per_customer: withCost ? cumProfit / size : null,
      });
      const s = pooled.get(k + 1) ?? { revenue: 0, profit: 0, customers: 0 };
      s.revenue += cumRevenue;
      s.profit += cumProfit;
      s.customers += size;
      pooled.set(k + 1, s);
    }
    totals.push({
      cohort: c.label,
      customers: size,
      periods_observed: maxAge + 1,
      revenue: cumRevenue,
      profit: withCost ? cumProfit : null,
      revenue_per_customer: cumRevenue / size,
      profit_per_customer: withCost ? cumProfit / size : null,
    });
  }
  const notes: string[] = [];
  if (table.length === 0) notes.push(msg(ctx.locale).cohorts.noneAcquired(cohorts.length, cohorts.at(-1)?.label ?? period.label));
  if (missingCost > 0) notes.push(msg(ctx.locale).cohorts.missingCost(missingCost));
  const scalars: Record<string, number | string | null> = {
    cohort_grain: p.cohort_grain,
    cohorts: totals.length,
    customers: totals.reduce((a, t) => a + (t.customers as number), 0),
    revenue: totals.reduce((a, t) => a + (t.revenue as number), 0),
    profit: withCost ? totals.reduce((a, t) => a + (t.profit as number), 0) : null,
  };
  for (const n of scalarPeriods) {
    const s = n <= p.periods + 1 ? pooled.get(n) : undefined;
    scalars[`revenue_per_customer_${n}`] = s ? ratio(s.revenue, s.customers) : null;
    scalars[`profit_per_customer_${n}`] = s && withCost ? ratio(s.profit, s.customers) : null;
  }
  return { scalars, tables: { cohort_revenue: table, cohort_totals: totals }, notes };
}
