import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { addDays } from "../util/period.js";
import { type BgNbdParams, bgNbdConditionalExpected, bgNbdExpected, bgNbdPAlive, checkSummaries, fitBgNbd } from "./stats/bg-nbd.js";
import { fitGammaGamma, type GammaGammaParams, gammaGammaExpectedSpend } from "./stats/gamma-gamma.js";
import { periodScale, repeatsByWeekSql, summaryMetaSql, summarySql, type TimeUnit } from "./stats/rfm-summary.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Row, type RunContext, type Value } from "./types.js";
import { bgNbdBoundaryNotes, bgNbdBoundaryScalar, bgNbdFitKind } from "./clv-boundary.js";
import { isReturnSql, moneySign, netAmountSql } from "./money.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

const params = Type.Object({
  unit: Type.Union([Type.Literal("day"), Type.Literal("week"), Type.Literal("month")], {
    default: "week",
    description: "Time unit of recency, T and the model's rates: day, week (7 days) or month (365.25/12 days, or calendar months with floor=unit).",
  }),
  floor: Type.Union([Type.Literal("day"), Type.Literal("unit")], {
    default: "day",
    description: "Purchase periods: day = transactions on one calendar day count as one purchase, times in days ÷ unit length (lifetimes freq='D' with a multiplier; the CDNOW convention); unit = one purchase per ISO week / calendar month, times in whole units (lifetimes freq='W'/'M').",
  }),
  calibration_end: Type.String({
    default: "",
    pattern: "^(\\d{4}-\\d{2}-\\d{2})?$",
    description: "Last day (ISO date, inclusive) of the calibration period; the model is fitted on transactions up to it and checked on the holdout after it. Empty: no holdout, fit on all data up to the end of observation.",
  }),
  observation_end: Type.String({
    default: "",
    pattern: "^(\\d{4}-\\d{2}-\\d{2})?$",
    description: "Last day (ISO date, inclusive) of observation: T and the holdout end there and later transactions are ignored. Empty: the last transaction date, at most the report period's last day.",
  }),
  horizon: Type.Integer({ minimum: 1, maximum: 600, default: 12, description: "CLV horizon in months." }),
  discount_rate: Type.Number({ minimum: 0, maximum: 1, default: 0.01, description: "Monthly discount rate of the CLV (0.01 = 1% per month)." }),
  margin: Type.Number({ minimum: 0, default: 1, description: "Profit margin applied to spend in the CLV (1 = revenue)." }),
});
export type ClvParams = Static<typeof params>;

/** Time units per CLV month, as lifetimes' customer_lifetime_value (freq D: 30, W: 4.345, M: 1). */
export const unitsPerMonth: Record<TimeUnit, number> = { day: 30, week: 4.345, month: 1 };

/**
 * Customer lifetime value with BG/NBD + Gamma–Gamma (客户终身价值).
 *
 * Input: `transactions` (customer_id, date, optional amount), summarised as lifetimes does
 * (stats/rfm-summary.ts: purchases floored to days or units, frequency = repeat purchase periods,
 * recency, T, monetary = mean spend of repeat periods), or a precomputed `summary` role
 * (customer_id, frequency, recency, T, optional monetary). With both, transactions are used.
 * - BG/NBD (Fader, Hardie & Lee 2005) fitted by maximum likelihood: r, alpha, a, b,
 *   bgnbd_log_likelihood. p_alive = P(alive | x, t_x, T); expected_purchases = E[Y(H)|x, t_x, T]
 *   over the horizon H = horizon months × units per month (day 30, week 4.345, month 1).
 * - Gamma–Gamma (FHL 2005b) fitted on customers with frequency > 0 and monetary > 0: p, q, gamma,
 *   gg_log_likelihood; expected_spend = p(γ + x·m)/(px + q − 1) (x = 0: population mean pγ/(q−1)).
 *   Skipped (nulls and a note) without monetary values.
 * - clv = margin × expected_spend × Σ_{k=1..horizon} [E[Y(k·u)] − E[Y((k−1)·u)]] / (1 + d)^k,
 *   u = units per month, d = monthly discount rate (lifetimes' customer_lifetime_value).
 * - With calibration_end: holdout = (calibration_end, end of observation]; per customer actual =
 *   purchase periods in the holdout, predicted = E[Y(holdout length)]; mae = mean |actual −
 *   predicted|; total_purchase_error = (Σ predicted − Σ actual) ÷ Σ actual. `tracking`: cumulative
 *   repeat purchases of the calibration sample by week (actual vs Σ_i E[X(t − first_i)]);
 *   `conditional`: mean actual vs predicted holdout purchases by calibration frequency 0..7+.
 * Customers sorted by clv desc (expected_purchases desc without spend), then customer_id.
 */
export const clv = defineAnalysis({
  id: "clv",
  title: { "zh-CN": "客户终身价值（BG/NBD + Gamma–Gamma）", "en-US": "Customer lifetime value (BG/NBD + Gamma–Gamma)" },
  summary: {
    "zh-CN": "非合约型业务的客户终身价值：BG/NBD 购买次数模型与 Gamma–Gamma 客单价模型的最大似然拟合，给出存活概率、预期购买次数、预期客单价与折现 CLV，并可按日期划分校准期/验证期检验拟合效果。",
    "en-US": "Lifetime value for non-contractual businesses: BG/NBD purchase and Gamma–Gamma spend models fitted by maximum likelihood — P(alive), expected purchases, expected spend and discounted CLV, with an optional calibration/holdout check of the fit.",
  },
  definition: {
    "zh-CN":
      "汇总统计（与 lifetimes 一致）：交易按自然日（floor=day，默认；时间 = 天数 ÷ 单位天数，周 = 7 天，月 = 365.25/12 天）或按整周（周一开始）/自然月（floor=unit）归入购买期，同一期内多笔交易只计一次、金额相加。" +
      "购买频次 frequency = 不同购买期数 − 1（重复购买次数）；最近度 recency = 最后一次与首次购买期之差（仅一次购买时为 0）；客户年龄 T = 校准期末 − 首次购买期；客单价 monetary = 重复购买期的平均消费（不含首次，仅一次购买时为 0）。" +
      "观察期末 = observation_end（若设定），否则为最后交易日（不晚于报告期最后一天）；未设 calibration_end 时校准期即到观察期末；首次购买晚于校准期末的客户不纳入样本。" +
      "BG/NBD 模型（Fader、Hardie、Lee 2005）：客户存活时按泊松过程购买，速率 λ ~ Gamma(r, α)；每次购买后以概率 p ~ Beta(a, b) 流失；参数以最大似然估计（对数参数、对数求和指数，收敛不成立即报错）。参数落在边界时（r > 10⁴：各客户购买速率相同；a + b > 10⁴：各客户流失概率相同）改用模型的极限形式，只估计可识别的量（λ = r/α、p = a/(a+b)），平均流失概率 a/(a+b) < 10⁻⁴ 或其他参数超出 [10⁻⁴, 10⁴] 时在结果旁注明。" +
      "存活概率 p_alive = 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))（x = 0 时为 1）；预期购买次数 expected_purchases = 未来 horizon 个月内的条件期望购买次数 E[Y(t)|x, t_x, T]（每月 = 30 天 / 4.345 周 / 1 个月）。" +
      "Gamma–Gamma 模型：在重复购买且客单价 > 0 的客户上拟合（p, q, γ）；预期客单价 expected_spend = p(γ + x·m)/(px + q − 1)，仅一次购买的客户取总体均值 pγ/(q − 1)。没有金额数据时跳过该部分并注明。" +
      "CLV = 毛利率 × 预期客单价 × Σ_{k=1..horizon} 第 k 个月的预期购买次数 ÷ (1 + 月折现率)^k（与 lifetimes 的 customer_lifetime_value 相同）。" +
      "设定 calibration_end 时：验证期为校准期末次日至观察期末；MAE = 每位客户验证期实际购买次数与预测之差的绝对值的平均；总购买误差 = (预测总数 − 实际总数) ÷ 实际总数；跟踪表按周给出样本累计重复购买次数的实际值与模型值（Σ E[X(t − 首购时间)]）；条件期望表按校准期购买频次 0…7+ 分组比较验证期的平均实际与预测购买次数。" +
      "客户按 CLV 降序（无金额时按预期购买次数降序）、再按客户编号排序。",
    "en-US":
      "Summary statistics (as lifetimes defines them): transactions are floored to calendar days (floor=day, the default; times = days ÷ the unit's length: week = 7 days, month = 365.25/12 days) or to whole ISO weeks (Monday start) / calendar months (floor=unit); several transactions in one period count once with their amounts summed. " +
      "frequency = distinct purchase periods − 1 (repeat purchases); recency = last − first purchase period (0 for one-time buyers); T = end of calibration − first purchase period; monetary = mean spend of the repeat periods (first excluded; 0 for one-time buyers). " +
      "The end of observation is observation_end when given, else the last transaction date (at most the report period's last day); without calibration_end the calibration runs to it; customers whose first purchase is after the calibration end are not in the sample. " +
      "BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α) and drops out after each purchase with probability p ~ Beta(a, b); maximum-likelihood estimates (log-parameters, log-sum-exp; a fit that does not converge is an error). At the boundary (r > 10⁴: one purchase rate for all; a + b > 10⁴: one drop-out probability for all) the model's limit is fitted with only what the data identify (λ = r/α, p = a/(a+b)); a mean drop-out probability a/(a+b) < 10⁻⁴ or any other parameter outside [10⁻⁴, 10⁴] is noted next to the result. " +
      "p_alive = 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (1 when x = 0); expected_purchases = conditional expected purchases E[Y(t)|x, t_x, T] over the next `horizon` months (a month = 30 days, 4.345 weeks or 1 month). " +
      "Gamma–Gamma: (p, q, γ) fitted on customers with repeat purchases and positive monetary; expected_spend = p(γ + x·m)/(px + q − 1), the population mean pγ/(q − 1) for one-time buyers. Skipped, with a note, without amounts. " +
      "CLV = margin × expected_spend × Σ_{k=1..horizon} expected purchases in month k ÷ (1 + monthly discount rate)^k (lifetimes' customer_lifetime_value). " +
      "With calibration_end: the holdout runs from the day after calibration_end to the end of observation; MAE = mean over customers of |actual − predicted holdout purchases|; total purchase error = (Σ predicted − Σ actual) ÷ Σ actual; the tracking table gives the sample's cumulative repeat purchases by week, actual vs model (Σ E[X(t − first purchase)]); the conditional table compares mean actual and predicted holdout purchases by calibration frequency 0…7+. " +
      "Customers are sorted by CLV descending (expected purchases without spend), then customer id.",
  },
  params,
  needs: [[
    { role: "transactions", fields: ["customer_id", "date"], optional: ["amount"] },
    { role: "summary", fields: ["customer_id", "frequency", "recency", "T"], optional: ["monetary"] },
  ]],
  mainTable: "customers",
  outputs: {
    scalars: {
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      r: { type: "number", format: "number", description: { "zh-CN": "BG/NBD 参数 r（购买率 Gamma 分布的形状参数）", "en-US": "BG/NBD parameter r (shape of the gamma distribution of purchase rates)" } },
      alpha: { type: "number", format: "number", description: { "zh-CN": "BG/NBD 参数 α（购买率 Gamma 分布的尺度参数）", "en-US": "BG/NBD parameter α (scale of the gamma distribution of purchase rates)" } },
      a: { type: "number", format: "number", description: { "zh-CN": "BG/NBD 参数 a（流失概率 Beta 分布的参数）", "en-US": "BG/NBD parameter a (of the beta distribution of dropout probabilities)" } },
      b: { type: "number", format: "number", description: { "zh-CN": "BG/NBD 参数 b（流失概率 Beta 分布的参数）", "en-US": "BG/NBD parameter b (of the beta distribution of dropout probabilities)" } },
      bgnbd_log_likelihood: { type: "number", format: "number", description: { "zh-CN": "BG/NBD 对数似然", "en-US": "BG/NBD log likelihood" } },
      bgnbd_fit: { type: "string", format: "label", description: { "zh-CN": "BG/NBD 拟合状态", "en-US": "BG/NBD fit" } },
      bgnbd_boundary: { type: "string", format: "label", description: { "zh-CN": "BG/NBD 边界情况", "en-US": "BG/NBD boundary" } },
      p: { type: "number", format: "number", description: { "zh-CN": "Gamma–Gamma 参数 p（单次消费金额分布的形状参数）", "en-US": "Gamma–Gamma parameter p (shape of the distribution of a customer's transaction values)" } },
      q: { type: "number", format: "number", description: { "zh-CN": "Gamma–Gamma 参数 q（客户间平均消费金额分布的形状参数）", "en-US": "Gamma–Gamma parameter q (shape of the distribution of mean transaction values across customers)" } },
      gamma: { type: "number", format: "number", description: { "zh-CN": "Gamma–Gamma 参数 γ（客户间平均消费金额分布的尺度参数）", "en-US": "Gamma–Gamma parameter γ (scale of the distribution of mean transaction values across customers)" } },
      gg_log_likelihood: { type: "number", format: "number", description: { "zh-CN": "Gamma–Gamma 对数似然", "en-US": "Gamma–Gamma log likelihood" } },
      gg_customers: { type: "integer", format: "count", description: { "zh-CN": "Gamma–Gamma 拟合客户数", "en-US": "Gamma–Gamma customers" } },
      expected_purchases: { type: "number", format: "count", description: { "zh-CN": "预期购买次数", "en-US": "Expected purchases" } },
      total_clv: { type: "number", format: "currency", description: { "zh-CN": "客户终身价值合计", "en-US": "Total CLV" } },
      mean_clv: { type: "number", format: "currency", description: { "zh-CN": "平均客户终身价值", "en-US": "Mean CLV" } },
      observation_end: { type: "date", format: "date", description: { "zh-CN": "观察期结束日", "en-US": "Observation end" } },
      calibration_end: { type: "date", format: "date", description: { "zh-CN": "校准期结束日", "en-US": "Calibration end" } },
      holdout_length: { type: "number", format: "number", description: { "zh-CN": "验证期长度", "en-US": "Holdout length" } },
      actual_holdout_purchases: { type: "integer", format: "count", description: { "zh-CN": "验证期实际购买次数", "en-US": "Actual holdout purchases" } },
      expected_holdout_purchases: { type: "number", format: "count", description: { "zh-CN": "验证期预期购买次数", "en-US": "Expected holdout purchases" } },
      mae: { type: "number", format: "number", description: { "zh-CN": "平均绝对误差（MAE）", "en-US": "MAE (mean absolute error)" } },
      total_purchase_error: { type: "number", format: "number", description: { "zh-CN": "购买次数总误差", "en-US": "Total purchase error" } },
    },
    tables: {
      customers: {
        description: { "zh-CN": "客户终身价值（BG/NBD + Gamma–Gamma）", "en-US": "Customer lifetime value (BG/NBD + Gamma–Gamma)" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          frequency: { type: "integer", format: "count", description: { "zh-CN": "重复购买次数", "en-US": "Repeat purchases" }, label: { "zh-CN": "消费频率", "en-US": "Frequency" } },
          recency: { type: "number", format: "days", description: { "zh-CN": "最后一次重复购买时的客户时长", "en-US": "Age of the customer at the last repeat purchase" }, label: { "zh-CN": "最近消费", "en-US": "Recency" } },
          T: { type: "number", format: "number", description: { "zh-CN": "校准期末的客户时长", "en-US": "Age of the customer at the end of calibration" }, label: { "zh-CN": "T", "en-US": "T" } },
          monetary: { type: "number", format: "currency", description: { "zh-CN": "每次重复购买的平均金额", "en-US": "Average spend per repeat purchase" }, label: { "zh-CN": "消费金额", "en-US": "Monetary" } },
          p_alive: { type: "number", format: "percent", description: { "zh-CN": "客户仍然活跃的概率（BG/NBD）", "en-US": "Probability the customer is still active (BG/NBD)" }, label: { "zh-CN": "存活概率", "en-US": "P(alive)" } },
          expected_purchases: { type: "number", format: "count", description: { "zh-CN": "预测期内预期购买次数（BG/NBD）", "en-US": "Expected purchases over the horizon (BG/NBD)" }, label: { "zh-CN": "预期购买次数", "en-US": "Expected purchases" } },
          expected_spend: { type: "number", format: "currency", description: { "zh-CN": "每次购买的预期金额（Gamma–Gamma）", "en-US": "Expected spend per purchase (Gamma–Gamma)" }, label: { "zh-CN": "预期客单价", "en-US": "Expected spend" } },
          clv: { type: "number", format: "currency", description: { "zh-CN": "预测期内的客户终身价值（已折现）", "en-US": "Customer lifetime value over the horizon, discounted" }, label: { "zh-CN": "客户终身价值", "en-US": "CLV" } },
        },
      },
      tracking: {
        description: { "zh-CN": "逐期跟踪", "en-US": "Tracking" },
        columns: {
          week: { type: "integer", format: "count", description: { "zh-CN": "自数据开始的周数", "en-US": "Week since the start of the data" }, label: { "zh-CN": "周", "en-US": "Week" } },
          week_end: { type: "date", format: "date", description: { "zh-CN": "该周最后一天", "en-US": "Last day of the week" }, label: { "zh-CN": "周末日期", "en-US": "Week end" } },
          phase: { type: "string", format: "label", description: { "zh-CN": "校准期或验证期", "en-US": "Calibration or holdout" }, label: { "zh-CN": "阶段", "en-US": "Phase" } },
          last_calibration_week: { type: "boolean", description: { "zh-CN": "是否为校准期最后一周", "en-US": "Whether this is the last week of calibration" }, label: { "zh-CN": "校准期末周", "en-US": "Last calibration week" } },
          actual: { type: "integer", format: "count", description: { "zh-CN": "该周实际重复购买次数", "en-US": "Repeat purchases in the week" }, label: { "zh-CN": "实际", "en-US": "Actual" } },
          expected: { type: "number", format: "number", description: { "zh-CN": "模型预期的该周重复购买次数", "en-US": "Repeat purchases the model expects in the week" }, label: { "zh-CN": "预期", "en-US": "Expected" } },
          actual_cumulative: { type: "integer", format: "count", description: { "zh-CN": "截至该周的累计实际重复购买", "en-US": "Repeat purchases up to the week" }, label: { "zh-CN": "累计实际", "en-US": "Actual, cumulative" } },
          expected_cumulative: { type: "number", format: "number", description: { "zh-CN": "截至该周的累计预期重复购买", "en-US": "Repeat purchases the model expects up to the week" }, label: { "zh-CN": "累计预期", "en-US": "Expected, cumulative" } },
        },
      },
      conditional: {
        description: { "zh-CN": "条件预期", "en-US": "Conditional" },
        columns: {
          frequency: { type: "integer", format: "count", description: { "zh-CN": "校准期重复购买次数", "en-US": "Repeat purchases in calibration" }, label: { "zh-CN": "消费频率", "en-US": "Frequency" } },
          label: { type: "string", format: "label", description: { "zh-CN": "频次的显示文本（7+ 合并其余）", "en-US": "Frequency as printed (7+ groups the rest)" }, label: { "zh-CN": "消费频率", "en-US": "Frequency" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该频次的客户数", "en-US": "Customers with this frequency" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          actual: { type: "number", format: "number", description: { "zh-CN": "验证期平均实际重复购买次数", "en-US": "Average repeat purchases in the holdout" }, label: { "zh-CN": "实际", "en-US": "Actual" } },
          expected: { type: "number", format: "number", description: { "zh-CN": "模型预期的验证期平均重复购买次数", "en-US": "Average repeat purchases the model expects in the holdout" }, label: { "zh-CN": "预期", "en-US": "Expected" } },
        },
      },
    },
  },

  // The source (transactions, or a summary table) and, from transactions, the summary's dates: resolved once.
  plan(p: ClvParams, ctx: AnalysisContext) {
    return { p, ctx: runContext(ctx), summary: usesTransactions(ctx) ? summaryOptions(p, ctx) : null };
  },

  reductions({ p, ctx, summary }) {
    if (summary) {
      const o = summary;
      const out: Record<string, string> = { customers: summarySql(o), meta: summaryMetaSql(o) };
      if (p.calibration_end) out.tracking = repeatsByWeekSql(o);
      return out;
    }
    const monetary = ctx.fields.summary?.includes("monetary") ? "CAST(monetary AS DOUBLE PRECISION)" : "CAST(NULL AS DOUBLE PRECISION)";
    return {
      customers: `SELECT customer_id, CAST(frequency AS DOUBLE PRECISION) AS frequency, CAST(recency AS DOUBLE PRECISION) AS recency, CAST("T" AS DOUBLE PRECISION) AS "T", ${monetary} AS monetary FROM summary WHERE customer_id IS NOT NULL ORDER BY customer_id`,
    };
  },

  compute(data, { p, ctx }) {
    return computeClv(data, p, ctx);
  },

  chart(result, { ctx }): ChartSpec | null {
    const say = msg(ctx.locale).clv;
    if (result.tables.tracking?.length) {
      return {
        title: say.repeatTitle,
        caption: say.repeatCaption,
        marks: [
          { mark: "lineY", data: "tracking", options: { x: "week", y: "actual_cumulative", stroke: "#1f77b4" } },
          { mark: "lineY", data: "tracking", options: { x: "week", y: "expected_cumulative", stroke: "#d62728", strokeDasharray: "5,3" } },
          { mark: "ruleX", data: "tracking", filter: { last_calibration_week: true }, options: { x: "week", stroke: "#888" } },
        ],
        x: { label: say.week },
        y: { label: say.repeatPurchases, format: "integer", grid: true },
      };
    }
    if (!result.tables.customers?.length) return null;
    const hasClv = result.tables.customers.some((r) => r.clv !== null);
    return {
      title: say.aliveTitle,
      marks: [{ mark: "dot", data: "customers", options: { x: "p_alive", y: hasClv ? "clv" : "expected_purchases", r: 2, fillOpacity: 0.5, fill: "#1f77b4" } }],
      x: { label: say.pAlive, format: "percent" },
      y: hasClv ? { label: say.clv, format: "currency", grid: true } : { label: say.expectedPurchases, format: "number", grid: true },
    };
  },
});

function usesTransactions(ctx: Pick<AnalysisContext, "fields">): boolean {
  const f = ctx.fields.transactions;
  return !!f && f.includes("customer_id") && f.includes("date");
}

function summaryOptions(p: ClvParams, ctx: AnalysisContext) {
  return {
    unit: p.unit,
    floor: p.floor,
    calibrationEnd: p.calibration_end || null,
    lastDay: addDays(ctx.period.end, -1),
    observationEnd: p.observation_end || null,
    amount: !!ctx.fields.transactions?.includes("amount"),
    // Money exact and returns-aware (money.ts): a return-only day is no purchase, and a net-zero
    // repeat spend is exactly 0, never a 7e-15 residue that would enter the Gamma–Gamma fit.
    amountSql: netAmountSql(ctx, "t"),
    returnSql: isReturnSql(ctx, "t"),
    dialect: dialectOf(ctx),
  };
}

interface Customer {
  id: string;
  x: number;
  tx: number;
  T: number;
  m: number | null;
  firstP: number | null;
  holdout: number | null;
}

const num = (v: Value | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : v === null || v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null);

function computeClv(data: Record<string, Row[]>, p: ClvParams, ctx: RunContext): AnalysisResult {
  const say = msg(ctx.locale).clv;
  const notes: string[] = [];
  const fromTx = data.meta !== undefined;
  const meta = data.meta?.[0];
  const customers: Customer[] = (data.customers ?? []).map((r) => ({
    id: String(r.customer_id),
    x: num(r.frequency) ?? 0,
    tx: num(r.recency) ?? 0,
    T: num(r.T) ?? 0,
    m: num(r.monetary),
    firstP: num(r.first_p),
    holdout: num(r.holdout_frequency),
  }));
  const calibrated = fromTx && !!p.calibration_end;
  if (p.calibration_end && !fromTx) notes.push(say.summaryNoHoldout);
  if (calibrated && meta?.obs_end != null && String(meta.obs_end) <= p.calibration_end) {
    throw new ChurnbookError("bad-param", `calibration_end ${p.calibration_end} is not before the end of observation ${String(meta.obs_end)}: there is no holdout period`, {
      hint: "choose a calibration_end before the end of the data (or of observation_end), or leave it empty to fit on all data",
    });
  }
  if (p.observation_end && !fromTx) notes.push(say.summaryNoObservationEnd);
  const empty = (): AnalysisResult => ({
    scalars: { ...nullScalars(), customers: 0 },
    tables: { customers: [], tracking: [], conditional: [] },
    notes: [...notes, say.noCustomers],
  });
  if (customers.length === 0) {
    if (calibrated && meta?.obs_end != null) {
      throw new ChurnbookError("bad-param", `no customer made a first purchase on or before calibration_end ${p.calibration_end}`, { hint: "choose a later calibration_end" });
    }
    return empty();
  }
  checkSummaries(customers);

  // BG/NBD.
  const bg = fitBgNbd(customers);
  if (bg.homogeneousRate) {
    notes.push(say.homogeneousRate);
  }
  // Other boundary cases (homogeneous drop-out, no drop-out, a parameter at 0 or ∞): clv-boundary.ts.
  notes.push(...bgNbdBoundaryNotes(bg, ctx.locale));
  const params = bg.params;

  // Gamma–Gamma (skipped without spend values).
  /** Spend is positive beyond half a minor currency unit (money.ts): residue never decides who is fitted. */
  const positive = (m: number | null) => moneySign(m, ctx.currency) > 0;
  const hasMonetary = customers.some((c) => c.m !== null);
  let gg: { params: GammaGammaParams; logLikelihood: number; n: number } | null = null;
  /** Without a Gamma–Gamma fit: the mean spend of repeat buyers (the fallback for one-time buyers). */
  let observedSpend: number | null | undefined;
  if (!hasMonetary) {
    notes.push(say.noMonetary);
  } else {
    const excluded = customers.filter((c) => c.x > 0 && !positive(c.m)).length;
    if (excluded > 0) notes.push(say.nonPositiveSpend(excluded));
    try {
      gg = fitGammaGamma(customers.map((c) => ({ x: c.x, m: positive(c.m) ? c.m! : 0 })));
    } catch (e) {
      // Spend that never varies within a customer (a fixed monthly fee) leaves Gamma–Gamma
      // unidentified (p → ∞); its limit is the customer's own average spend.
      if (!(e instanceof ChurnbookError && e.code === "model-fit-failed")) throw e;
      const repeat = customers.filter((c) => c.x > 0 && positive(c.m)).map((c) => c.m!);
      observedSpend = repeat.length ? repeat.reduce((a, b) => a + b, 0) / repeat.length : null;
      notes.push(say.spendFitFailed(/runs off/.test(e.message) ? "boundary" : /at least 2/.test(e.message) ? "too-few" : "not-converged", e.message));
    }
    if (gg && gg.params.q <= 1) notes.push(say.infiniteMeanSpend);
  }

  // Per-customer predictions (cached by identical summaries).
  const perMonth = unitsPerMonth[p.unit];
  const cache = new Map<string, number[]>();
  const cumulative = (c: Customer): number[] => {
    const key = `${c.x}|${c.tx}|${c.T}`;
    let v = cache.get(key);
    if (!v) {
      v = [0];
      for (let k = 1; k <= p.horizon; k++) v.push(bgNbdConditionalExpected(params, k * perMonth, c.x, c.tx, c.T));
      cache.set(key, v);
    }
    return v;
  };
  const rows: Row[] = customers.map((c) => {
    const cum = cumulative(c);
    const spend = gg ? gammaGammaExpectedSpend(gg.params, c.x, c.x > 0 ? c.m ?? 0 : 0) : observedSpend !== undefined ? (c.x > 0 && positive(c.m) ? c.m! : observedSpend) : null;
    let value: number | null = null;
    if (spend !== null) {
      value = 0;
      for (let k = 1; k <= p.horizon; k++) value += (p.margin * spend * (cum[k]! - cum[k - 1]!)) / Math.pow(1 + p.discount_rate, k);
    }
    return {
      customer_id: c.id,
      frequency: c.x,
      recency: c.tx,
      T: c.T,
      monetary: c.m,
      p_alive: bgNbdPAlive(params, c.x, c.tx, c.T),
      expected_purchases: cum[p.horizon]!,
      expected_spend: spend,
      clv: value,
    };
  });
  rows.sort((u, v) => {
    const a = (u.clv ?? u.expected_purchases) as number, b = (v.clv ?? v.expected_purchases) as number;
    return b - a || (String(u.customer_id) < String(v.customer_id) ? -1 : String(u.customer_id) > String(v.customer_id) ? 1 : 0);
  });

  const scalars: Record<string, Value> = {
    ...nullScalars(),
    customers: customers.length,
    r: params.r,
    alpha: params.alpha,
    a: params.a,
    b: params.b,
    bgnbd_log_likelihood: bg.logLikelihood,
    bgnbd_fit: bgNbdFitKind(bg),
    bgnbd_boundary: bgNbdBoundaryScalar(bg),
    p: gg?.params.p ?? null,
    q: gg?.params.q ?? null,
    gamma: gg?.params.gamma ?? null,
    gg_log_likelihood: gg?.logLikelihood ?? null,
    gg_customers: gg?.n ?? null,
    expected_purchases: rows.reduce((s, r) => s + (r.expected_purchases as number), 0),
    total_clv: gg || observedSpend !== undefined ? rows.reduce((s, r) => s + ((r.clv as number | null) ?? 0), 0) : null,
    mean_clv: gg || observedSpend !== undefined ? rows.reduce((s, r) => s + ((r.clv as number | null) ?? 0), 0) / Math.max(1, rows.length) : null,
    observation_end: meta?.obs_end != null ? String(meta.obs_end) : null,
  };

  let tracking: Row[] = [];
  let conditional: Row[] = [];
  if (calibrated && meta) {
    const fit = fitQuality(customers, params, num(meta.holdout_length) ?? 0);
    Object.assign(scalars, {
      calibration_end: p.calibration_end,
      holdout_length: num(meta.holdout_length),
      actual_holdout_purchases: fit.actual,
      expected_holdout_purchases: fit.predicted,
      mae: fit.mae,
      total_purchase_error: fit.actual > 0 ? (fit.predicted - fit.actual) / fit.actual : null,
    });
    if (fit.actual === 0) notes.push(msg(ctx.locale).clv.noHoldoutPurchases);
    conditional = fit.conditional;
    tracking = trackingTable(data.tracking ?? [], customers, params, periodScale(p), p.calibration_end);
  }

  return { scalars, tables: { customers: rows, tracking, conditional }, notes };
}

function nullScalars(): Record<string, Value> {
  const keys = ["customers", "r", "alpha", "a", "b", "bgnbd_log_likelihood", "bgnbd_fit", "bgnbd_boundary", "p", "q", "gamma", "gg_log_likelihood", "gg_customers", "expected_purchases", "total_clv", "mean_clv", "observation_end", "calibration_end", "holdout_length", "actual_holdout_purchases", "expected_holdout_purchases", "mae", "total_purchase_error"];
  return Object.fromEntries(keys.map((k) => [k, null]));
}

/** Holdout checks: per-customer predictions E[Y(t*)] against actual holdout purchase periods. */
export function fitQuality(customers: ReadonlyArray<{ x: number; tx: number; T: number; holdout: number | null }>, params: BgNbdParams, holdoutLength: number) {
  const groups = Array.from({ length: 8 }, (_, i) => ({ frequency: i, label: i === 7 ? "7+" : String(i), customers: 0, actual: 0, predicted: 0 }));
  let actual = 0, predicted = 0, abs = 0;
  const cache = new Map<string, number>();
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    let pred = cache.get(key);
    if (pred === undefined) cache.set(key, (pred = bgNbdConditionalExpected(params, holdoutLength, c.x, c.tx, c.T)));
    const act = c.holdout ?? 0;
    actual += act;
    predicted += pred;
    abs += Math.abs(act - pred);
    const g = groups[Math.min(7, Math.floor(c.x))]!;
    g.customers++;
    g.actual += act;
    g.predicted += pred;
  }
  const n = customers.length;
  const conditional: Row[] = groups.map((g) => ({
    frequency: g.frequency,
    label: g.label,
    customers: g.customers,
    actual: g.customers ? g.actual / g.customers : null,
    expected: g.customers ? g.predicted / g.customers : null,
  }));
  return { actual, predicted, mae: n ? abs / n : null, conditional };
}

/**
 * Cumulative repeat purchases by week: actual (from SQL) and model = Σ over customers who have
 * made their first purchase of E[X(t)], t = (period of the week's end − first purchase period) ÷ scale.
 */
function trackingTable(weeks: Row[], customers: readonly Customer[], params: BgNbdParams, scale: number, calibrationEnd: string): Row[] {
  const byFirst = new Map<number, number>();
  for (const c of customers) if (c.firstP !== null) byFirst.set(c.firstP, (byFirst.get(c.firstP) ?? 0) + 1);
  const firsts = [...byFirst.entries()].sort((u, v) => u[0] - v[0]);
  const cache = new Map<number, number>();
  const ex = (t: number) => {
    let v = cache.get(t);
    if (v === undefined) cache.set(t, (v = bgNbdExpected(params, t)));
    return v;
  };
  let actualCum = 0, prevExpected = 0;
  const out: Row[] = [];
  for (let i = 0; i < weeks.length; i++) {
    const w = weeks[i]!;
    const pEnd = num(w.p_end)!;
    let expected = 0;
    for (const [fp, n] of firsts) {
      if (fp > pEnd) break;
      expected += n * ex((pEnd - fp) / scale);
    }
    const repeats = num(w.repeats) ?? 0;
    actualCum += repeats;
    const end = String(w.week_end);
    const next = weeks[i + 1];
    out.push({
      week: num(w.week),
      week_end: end,
      phase: end <= calibrationEnd ? "calibration" : "holdout",
      last_calibration_week: end <= calibrationEnd && (!next || String(next.week_end) > calibrationEnd),
      actual: repeats,
      expected: expected - prevExpected,
      actual_cumulative: actualCum,
      expected_cumulative: expected,
    });
    prevExpected = expected;
  }
  return out;
}
