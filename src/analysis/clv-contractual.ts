import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { quoteLiteral } from "../data/engine.js";
import { ChurnbookError } from "../util/errors.js";
import { cohortAgesSql, completeCohorts, grainMonths, readCells } from "./cohorts/cohort-sql.js";
import { spellsSql } from "./sql/spells.js";
import { fitSbgPooled, sbgDerl, sbgFailureText, sbgSurvival } from "./stats/sbg.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Row, type Value } from "./types.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

const params = Type.Object({
  period: Type.Union([Type.Literal("month"), Type.Literal("quarter"), Type.Literal("year")], {
    default: "month",
    description: "The renewal period of the retention model (and of the acquisition cohorts): month, quarter or year.",
  }),
  cohorts: Type.Integer({ minimum: 1, maximum: 240, default: 24, description: "Number of most recent complete acquisition cohorts the retention model is fitted on." }),
  discount_rate: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.01, description: "Monthly discount rate (0.01 = 1% per month); per renewal period it is (1 + d)^months − 1." }),
  margin: Type.Number({ minimum: 0, default: 1, description: "Profit margin applied to MRR (1 = revenue)." }),
});
export type ClvContractualParams = Static<typeof params>;

/** Survivor series longer than this are cut (ages 0..maxAge). */
const maxAge = 240;
const subscriptionsBasis = { churn: { kind: "subscriptions" } } as const;

/**
 * Customer lifetime value for subscription (contractual) businesses (合约型客户终身价值).
 *
 * Retention model: the shifted-beta-geometric model (Fader & Hardie 2007, stats/sbg.ts) fitted
 * by maximum likelihood with one (α, β) pooled over the last `cohorts` complete acquisition
 * cohorts; survivors at age t = members whose first subscription spell (sql/spells.ts,
 * subscriptions basis) has not ended t periods after acquisition (as cohort-projection), each
 * cohort censored at its last observable age.
 * Valued customers: those active at the end of the report period (spell start < end ≤ spell end,
 * or no end). mrr = Σ MRR of their subscriptions covering that boundary; tenure_periods = whole
 * renewal periods since the start of the current spell (k). The customer has made k renewals and
 * is alive in period k + 1, already paid; the value is of the future payments only:
 *   expected_remaining_periods = Σ_{t ≥ k+1} S(t)/S(k) = (β + k)/(α − 1) (null when α ≤ 1: infinite);
 *   clv = mrr × months per period × margin × DERL, DERL = Σ_{t ≥ k+1} S(t)/S(k) / (1 + d)^(t − k − 1)
 *   (Fader & Hardie 2010 discounted expected residual lifetime; the next renewal is undiscounted),
 *   d = (1 + monthly discount rate)^(months per period) − 1.
 * Customers sorted by clv desc, then customer_id.
 */
export const clvContractual = defineAnalysis({
  id: "clv-contractual",
  title: { "zh-CN": "合约型客户终身价值（sBG 留存模型）", "en-US": "Contractual customer lifetime value (sBG retention)" },
  summary: {
    "zh-CN": "订阅业务的客户终身价值：用移位贝塔几何（sBG）模型拟合新客户群的存活人数，对每位在订客户按 MRR × 毛利率 × 折现后的预期剩余续费期数估值。",
    "en-US": "Lifetime value for subscription businesses: a shifted-beta-geometric retention model fitted on cohort survivor counts values each active customer at MRR × margin × discounted expected remaining renewals.",
  },
  definition: {
    "zh-CN":
      "留存模型：移位贝塔几何（sBG，Fader & Hardie 2007），每位客户每个续费周期以各自的概率 θ 流失，θ ~ Beta(α, β)；S(t) = B(α, β+t)/B(α, β)。α、β 以最大似然估计，最近若干个完整获客期的新客户群共用一组参数；第 t 期存活客户 = 首个订阅活跃期在获客后 t 个周期时仍未结束的客户，各群在最后可观察的账龄处右删失（与“新客户群留存预测”相同）。拟合失败时报错。" +
      "估值对象：报告期末仍在订的客户（活跃期开始 < 期末 ≤ 活跃期结束，或尚未结束）。MRR = 其在期末有效的订阅 MRR 之和；在订期数 tenure_periods = 当前活跃期开始至期末的完整续费周期数 k。客户已续费 k 次，当前周期已付费，只计未来付款：" +
      "预期剩余期数 = Σ_{t ≥ k+1} S(t)/S(k) = (β + k)/(α − 1)（α ≤ 1 时无穷大，记为空）；" +
      "CLV = MRR × 每期月数 × 毛利率 × Σ_{t ≥ k+1} S(t)/S(k) ÷ (1 + d)^(t − k − 1)（Fader & Hardie 2010 的折现预期剩余寿命，下一次续费不折现），d = (1 + 月折现率)^(每期月数) − 1。客户按 CLV 降序、再按客户编号排序。",
    "en-US":
      "Retention model: shifted-beta-geometric (sBG, Fader & Hardie 2007) — each customer churns each renewal period with their own probability θ, θ ~ Beta(α, β); S(t) = B(α, β+t)/B(α, β). α and β are maximum-likelihood estimates shared by the most recent complete acquisition cohorts; survivors at age t = members whose first subscription spell has not ended t periods after acquisition, each cohort right-censored at its last observable age (as in the cohort projection). A failed fit is an error. " +
      "Valued customers: those active at the end of the report period (spell start < end ≤ spell end, or no end). MRR = sum of their subscriptions' MRR at that boundary; tenure_periods = whole renewal periods k from the start of the current spell to the period end. The customer has renewed k times and the current period is paid, so only future payments count: " +
      "expected remaining periods = Σ_{t ≥ k+1} S(t)/S(k) = (β + k)/(α − 1) (infinite, shown empty, when α ≤ 1); " +
      "CLV = MRR × months per period × margin × Σ_{t ≥ k+1} S(t)/S(k) ÷ (1 + d)^(t − k − 1) (Fader & Hardie 2010 discounted expected residual lifetime; the next renewal is not discounted), d = (1 + monthly discount rate)^(months per period) − 1. Customers are sorted by CLV descending, then customer id.",
  },
  params,
  needs: [{ role: "subscriptions", fields: ["customer_id", "start_date", "end_date", "mrr"] }],
  mainTable: "customers",
  outputs: {
    scalars: {
      alpha: { type: "number", format: "number", description: { "zh-CN": "α 参数", "en-US": "Alpha" } },
      beta: { type: "number", format: "number", description: { "zh-CN": "β 参数", "en-US": "Beta" } },
      log_likelihood: { type: "number", format: "number", description: { "zh-CN": "对数似然", "en-US": "Log likelihood" } },
      cohorts: { type: "integer", format: "count", description: { "zh-CN": "群组数", "en-US": "Cohorts" } },
      period_discount_rate: { type: "number", format: "percent", description: { "zh-CN": "每期贴现率", "en-US": "Period discount rate" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      mrr: { type: "number", format: "currency", description: { "zh-CN": "月经常性收入", "en-US": "MRR" } },
      total_clv: { type: "number", format: "currency", description: { "zh-CN": "客户终身价值合计", "en-US": "Total CLV" } },
      mean_clv: { type: "number", format: "currency", description: { "zh-CN": "平均客户终身价值", "en-US": "Mean CLV" } },
    },
    tables: {
      customers: {
        description: { "zh-CN": "合约型客户终身价值（sBG 留存模型）", "en-US": "Contractual customer lifetime value (sBG retention)" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          mrr: { type: "number", format: "currency", description: { "zh-CN": "客户当前的MRR", "en-US": "MRR the customer pays" }, label: { "zh-CN": "月经常性收入", "en-US": "MRR" } },
          tenure_periods: { type: "integer", format: "count", description: { "zh-CN": "客户已续约的期数", "en-US": "Periods the customer has renewed so far" }, label: { "zh-CN": "已续期数", "en-US": "Tenure" } },
          expected_remaining_periods: { type: "number", format: "number", description: { "zh-CN": "预期剩余期数（sBG，已折现）", "en-US": "Expected further periods (sBG, discounted)" }, label: { "zh-CN": "预期剩余期数", "en-US": "Expected remaining periods" } },
          clv: { type: "number", format: "currency", description: { "zh-CN": "MRR × 预期剩余期数", "en-US": "MRR × expected remaining periods" }, label: { "zh-CN": "客户终身价值", "en-US": "CLV" } },
        },
      },
      survival: {
        description: { "zh-CN": "生存率", "en-US": "Survival" },
        columns: {
          age: { type: "integer", format: "count", description: { "zh-CN": "加入后的期数", "en-US": "Periods since joining" }, label: { "zh-CN": "期龄", "en-US": "Age" } },
          cohorts: { type: "integer", format: "count", description: { "zh-CN": "在该期龄有观测的客户群数", "en-US": "Cohorts observed at this age" }, label: { "zh-CN": "客户群数", "en-US": "Cohorts" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "在该期龄有观测的客户数", "en-US": "Customers observed at this age" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          observed: { type: "number", format: "percent", description: { "zh-CN": "在该期龄实际仍活跃的比例", "en-US": "Observed share still active at this age" }, label: { "zh-CN": "实际", "en-US": "Observed" } },
          fitted: { type: "number", format: "percent", description: { "zh-CN": "sBG 模型拟合的仍活跃比例", "en-US": "Share still active the sBG model fits" }, label: { "zh-CN": "拟合", "en-US": "Fitted" } },
        },
      },
    },
  },

  // The boundary (the day after the report period) and the complete cohorts before it, resolved once.
  plan(p: ClvContractualParams, ctx: AnalysisContext) {
    return { p, ctx: runContext(ctx), periodEnd: ctx.period.end, cohorts: completeCohorts(ctx.period.end, p.period, p.cohorts) };
  },

  reductions({ p, ctx, periodEnd, cohorts }) {
    const b = `DATE ${quoteLiteral(periodEnd)}`;
    const g = grainMonths(p.period);
    // The spells on the subscriptions whatever the report's churn basis, in the engine's dialect.
    const basis = { ...subscriptionsBasis, dialect: ctx.dialect };
    const d = dialectOf(ctx);
    // Whole months from the spell start to the boundary (dateDiff counts month boundaries).
    const boundaries = d.dateDiff("month", "sp.start_date", b);
    const months = `(${boundaries} - CASE WHEN ${d.dateAdd("sp.start_date", boundaries, "month")} > ${b} THEN 1 ELSE 0 END)`;
    return {
      cells: cohortAgesSql(basis, { grain: p.period, cohorts, maxAge, periodEnd, mrr: false }),
      active: `SELECT sp.customer_id, sp.start_date AS spell_start, CAST(floor(${months} / ${g}) AS INTEGER) AS tenure_periods,
          (SELECT COALESCE(SUM(s.mrr), 0) FROM subscriptions s
            WHERE s.customer_id = sp.customer_id AND s.start_date < ${b} AND (s.end_date IS NULL OR s.end_date >= ${b})) AS mrr
        FROM ${spellsSql(basis)} sp
        WHERE sp.start_date < ${b} AND (sp.end_date IS NULL OR sp.end_date >= ${b})
        ORDER BY sp.customer_id`,
    };
  },

  compute(data, { p, ctx }) {
    const say = msg(ctx.locale).clv;
    const notes: string[] = [];
    const cells = readCells(data.cells ?? []);
    const series: number[][] = [];
    for (const byAge of [...cells.entries()].sort((u, v) => (u[0] < v[0] ? -1 : 1)).map(([, m]) => m)) {
      const s: number[] = [];
      for (let t = 0; byAge.has(t); t++) s.push(byAge.get(t)!.survivors);
      if (s.length > 0 && s[0]! > 0) series.push(s);
    }
    const fit = fitSbgPooled(series);
    if (!fit.converged) {
      throw new ChurnbookError("model-fit-failed", `clv-contractual: the sBG retention model cannot be fitted: ${sbgFailureText(fit.failure, "en-US")}`, {
        hint: "the model needs acquisition cohorts observed for at least two renewal periods with some churn; try more cohorts or a shorter period",
      });
    }
    const { alpha, beta } = fit;
    const g = grainMonths(p.period);
    const d = Math.pow(1 + p.discount_rate, g) - 1;
    if (alpha < 0.05) notes.push(say.alphaNearZero(alpha.toPrecision(3)));
    if (!(alpha > 1)) notes.push(say.alphaAtMostOne);
    const derl = new Map<number, number>();
    const rows: Row[] = (data.active ?? []).map((r) => {
      const k = Math.max(0, Number(r.tenure_periods));
      let v = derl.get(k);
      if (v === undefined) derl.set(k, (v = sbgDerl(alpha, beta, d, k + 1)));
      const mrr = typeof r.mrr === "number" ? r.mrr : Number(r.mrr ?? 0);
      return {
        customer_id: String(r.customer_id),
        mrr,
        tenure_periods: k,
        expected_remaining_periods: alpha > 1 ? (beta + k) / (alpha - 1) : null,
        clv: mrr * g * p.margin * v,
      };
    });
    rows.sort((u, v) => (v.clv as number) - (u.clv as number) || (String(u.customer_id) < String(v.customer_id) ? -1 : String(u.customer_id) > String(v.customer_id) ? 1 : 0));
    if (rows.length === 0) notes.push(say.noActiveCustomers);

    // Observed pooled survival vs the model, for the chart and the reader's check.
    const longest = Math.max(...series.map((s) => s.length));
    const survival: Row[] = [];
    for (let t = 0; t < longest; t++) {
      const obs = series.filter((s) => s.length > t);
      const size = obs.reduce((a, s) => a + s[0]!, 0);
      survival.push({ age: t, cohorts: obs.length, customers: size, observed: size ? obs.reduce((a, s) => a + s[t]!, 0) / size : null, fitted: sbgSurvival(alpha, beta, t) });
    }
    const scalars: Record<string, Value> = {
      alpha,
      beta,
      log_likelihood: fit.logLikelihood,
      cohorts: series.length,
      period_discount_rate: d,
      customers: rows.length,
      mrr: rows.reduce((a, r) => a + (r.mrr as number), 0),
      total_clv: rows.reduce((a, r) => a + (r.clv as number), 0),
      mean_clv: rows.length ? rows.reduce((a, r) => a + (r.clv as number), 0) / rows.length : null,
    };
    const result: AnalysisResult = { scalars, tables: { customers: rows, survival }, notes };
    return result;
  },

  chart(result, { ctx }): ChartSpec | null {
    if (!result.tables.survival?.length) return null;
    const say = msg(ctx.locale).clv;
    return {
      title: say.sbgTitle,
      caption: say.sbgCaption,
      marks: [
        { mark: "lineY", data: "survival", options: { x: "age", y: "fitted", stroke: "#d62728" } },
        { mark: "dot", data: "survival", options: { x: "age", y: "observed", fill: "#1f77b4", r: 3 } },
      ],
      x: { label: msg(ctx.locale).cohorts.periodsSinceAcquisition },
      y: { label: say.survivingShare, format: "percent", domain: [0, 1], grid: true },
    };
  },
});
