import { type Static, Type } from "@sinclair/typebox";
import { defineAnalysis, runContext, type AnalysisContext, type Locale, type Row, type RunContext, type Value } from "./types.js";
import type { ChartSpec } from "../charts/spec.js";
import { periodsEndingWith, shiftPeriod, type Period } from "../util/period.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { quoteIdent } from "../data/engine.js";
import { attributeLabel } from "./attributes.js";
import { checkBasisRole, periodCtes } from "./period-metrics/sql.js";
import { includeFreeParam, periodNeeds, periodParam, resolvePeriod } from "./period-metrics/common.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

const params = Type.Object({
  period: periodParam,
  by: Type.String({
    default: "plan",
    description:
      "Attribute that splits the customers: a column of the customers dataset (region, channel, industry, …), plan (the plan of the subscription active at the period start when subscriptions have a plan column, else the customers' plan), or tenure (months since the customer's first activity at the period start: 0–3, 3–12, 12–24, 24+)",
  }),
  history: Type.Integer({
    minimum: 0,
    maximum: 36,
    default: 12,
    description: "Past periods (the previous one included) whose churn rate per segment gives each segment its usual rate and spread (table history; columns usual_churn_rate, usual_sd); 0 = none",
  }),
  include_free: includeFreeParam,
});
export type ChurnDriversParams = Static<typeof params>;

/** Tenure bands (months since the first activity, at the period start), in order. */
const tenureBands: { key: string; label: Record<Locale, string> }[] = [
  { key: "0-3", label: { "zh-CN": "在网 0–3 个月", "en-US": "0–3 months" } },
  { key: "3-12", label: { "zh-CN": "在网 3–12 个月", "en-US": "3–12 months" } },
  { key: "12-24", label: { "zh-CN": "在网 12–24 个月", "en-US": "12–24 months" } },
  { key: "24+", label: { "zh-CN": "在网 24 个月以上", "en-US": "24+ months" } },
];
/** The key of customers with no value of the attribute (SQL null). */
const missingKey = "(missing)\u200b";

/** One segment's counts in the two periods (w = share of the starting customers, r = churn rate). */
export interface SegmentCounts {
  segment: string;
  /** Customers at the start and churned from them, previous period. */
  n0: number;
  c0: number;
  /** The same for the report period. */
  n1: number;
  c1: number;
}

export interface Decomposition {
  rate0: number | null;
  rate1: number | null;
  change: number | null;
  rateEffect: number | null;
  mixEffect: number | null;
  segments: Array<SegmentCounts & { w0: number; w1: number; r0: number | null; r1: number | null; rateEffect: number; mixEffect: number; effect: number }>;
}

/**
 * The symmetric (midpoint, Shapley) decomposition of the change of an aggregate rate
 * R = Σ_g w_g r_g between two periods: ΔR = Σ_g w̄_g Δr_g (rate effects) + Σ_g r̄_g Δw_g (mix
 * effects), with w̄, r̄ the means of the two periods. Exact: w̄Δr + r̄Δw = w1 r1 − w0 r0 for every
 * segment. A segment with no customers at the start of one period has no rate there; its rate of
 * the other period stands in, so its whole contribution is mix (its weight is 0 where the rate is
 * missing, so the identity still holds). Null when either period has no customers at the start.
 */
export function decompose(rows: SegmentCounts[]): Decomposition {
  const N0 = rows.reduce((s, r) => s + r.n0, 0);
  const N1 = rows.reduce((s, r) => s + r.n1, 0);
  const C0 = rows.reduce((s, r) => s + r.c0, 0);
  const C1 = rows.reduce((s, r) => s + r.c1, 0);
  const rate0 = N0 > 0 ? C0 / N0 : null;
  const rate1 = N1 > 0 ? C1 / N1 : null;
  const ok = N0 > 0 && N1 > 0;
  const segments = rows.map((r) => {
    const w0 = N0 > 0 ? r.n0 / N0 : 0;
    const w1 = N1 > 0 ? r.n1 / N1 : 0;
    const r0 = r.n0 > 0 ? r.c0 / r.n0 : null;
    const r1 = r.n1 > 0 ? r.c1 / r.n1 : null;
    const a = r0 ?? r1 ?? 0;
    const b = r1 ?? r0 ?? 0;
    const rateEffect = ok ? ((w0 + w1) / 2) * (b - a) : 0;
    const mixEffect = ok ? ((a + b) / 2) * (w1 - w0) : 0;
    return { ...r, w0, w1, r0, r1, rateEffect, mixEffect, effect: rateEffect + mixEffect };
  });
  // Full tie-breakers: the largest contribution first, then the segment name.
  segments.sort((x, y) => Math.abs(y.effect) - Math.abs(x.effect) || (x.segment < y.segment ? -1 : x.segment > y.segment ? 1 : 0));
  if (!ok) return { rate0, rate1, change: null, rateEffect: null, mixEffect: null, segments };
  return {
    rate0,
    rate1,
    change: rate1! - rate0!,
    rateEffect: segments.reduce((s, g) => s + g.rateEffect, 0),
    mixEffect: segments.reduce((s, g) => s + g.mixEffect, 0),
    segments,
  };
}

/** The attribute columns of the customers dataset (not ids, dates or flags). */
function customerAttributes(ctx: Pick<AnalysisContext, "fields">): string[] {
  return (ctx.fields.customers ?? []).filter((f) => !["customer_id", "signup_date", "churned", "name"].includes(f));
}

type Source = { kind: "tenure" } | { kind: "subscription-plan" } | { kind: "customers"; column: string };

function resolveBy(by: string, ctx: Pick<AnalysisContext, "fields" | "churn">): Source {
  const b = by.trim();
  if (b === "tenure" || b === "cohort_age") return { kind: "tenure" };
  if (b === "plan" && ctx.churn.kind === "subscriptions" && (ctx.fields.subscriptions ?? []).includes("plan")) return { kind: "subscription-plan" };
  const attrs = customerAttributes(ctx);
  if (attrs.includes(b)) return { kind: "customers", column: b };
  const candidates = [...attrs, "tenure", ...((ctx.fields.subscriptions ?? []).includes("plan") ? ["plan"] : [])];
  const near = closeMatches(b, candidates);
  throw new ChurnbookError("unknown-attribute", `churn-drivers: no attribute "${b}" to split the customers by`, {
    hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : `attributes: ${[...new Set(candidates)].join(", ")}`,
  });
}

/** SQL: per period label and segment, customers at the start and how many of them churned by the end. */
function segmentSql(ctx: RunContext, periods: Period[], source: Source, includeFree: boolean): string {
  const openEnd = "DATE '9999-12-31'";
  let segJoin: string;
  let segExpr: string;
  if (source.kind === "tenure") {
    segJoin = `LEFT JOIN (SELECT customer_id, MIN(start_date) AS first_start FROM sp GROUP BY customer_id) f ON f.customer_id = b.customer_id`;
    const m = dialectOf(ctx).dateDiff("month", "f.first_start", "b.s");
    segExpr = `CASE WHEN f.first_start IS NULL THEN NULL WHEN ${m} < 3 THEN '0-3' WHEN ${m} < 12 THEN '3-12' WHEN ${m} < 24 THEN '12-24' ELSE '24+' END`;
  } else if (source.kind === "subscription-plan") {
    // The plan of the subscription active at the period start (the latest started; ties by plan,
    // the greatest non-null first). A max over the latest-started rows, not an ordered array_agg
    // per customer and period (sorting 600k small groups was 3/4 of this query at 10^5 customers).
    segJoin = `LEFT JOIN (
        SELECT label, customer_id, MAX(plan) FILTER (WHERE start_date = latest) AS seg
        FROM (SELECT p.label, x.customer_id, x.start_date, CAST(x.plan AS VARCHAR) AS plan, MAX(x.start_date) OVER (PARTITION BY p.label, x.customer_id) AS latest
              FROM p JOIN subscriptions x ON x.start_date < p.s AND COALESCE(x.end_date, ${openEnd}) >= p.s AND (x.end_date IS NULL OR x.end_date > x.start_date)) AS a
        GROUP BY label, customer_id) sx ON sx.label = b.label AND sx.customer_id = b.customer_id`;
    segExpr = "sx.seg";
  } else {
    const col = quoteIdent(source.column);
    segJoin = `LEFT JOIN (SELECT customer_id, MIN(CAST(${col} AS VARCHAR)) AS seg FROM customers WHERE customer_id IS NOT NULL GROUP BY customer_id) c ON c.customer_id = b.customer_id`;
    segExpr = "c.seg";
  }
  return `WITH ${periodCtes(ctx, periods, { includeFree })},
  b AS (SELECT pc.label, pc.customer_id, pc.a_e, p.s FROM pc JOIN p ON p.label = pc.label WHERE pc.a_s)
  SELECT b.label, ${segExpr} AS segment,
    CAST(COUNT(*) AS INTEGER) AS customers_start,
    CAST(COUNT(*) FILTER (WHERE NOT b.a_e) AS INTEGER) AS churned
  FROM b ${segJoin}
  GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST`;
}

function segmentLabel(key: string, source: Source, locale: Locale): string {
  if (key === missingKey) return msg(locale).churnDrivers.missing;
  if (source.kind === "tenure") return tenureBands.find((t) => t.key === key)?.label[locale] ?? key;
  return key;
}

function byName(source: Source, by: string, locale: Locale): string {
  if (source.kind === "tenure") return msg(locale).churnDrivers.tenure;
  return attributeLabel(source.kind === "subscription-plan" ? "plan" : by.trim(), locale);
}

/**
 * churn-drivers: what drove the change of the customer churn rate (standard convention: customers
 * at the start lost by the end ÷ customers at the start) from the previous period to the report
 * period, split by an attribute into rate effects (segments churning more or less) and mix effects
 * (more or fewer customers in segments that churn more) with the symmetric decomposition of
 * `decompose`. The totals equal churn-summary's churn_rate − prev_churn_rate (standard).
 */
export const churnDrivers = defineAnalysis({
  id: "churn-drivers",
  title: { "zh-CN": "流失率变化的驱动因素", "en-US": "What drove the change in churn" },
  summary: {
    "zh-CN": "把客户流失率相对上一期的变化，按属性（套餐、区域、渠道、在网时长…）拆成各细分自身流失率变化（流失率效应）和客户结构变化（结构效应），两者之和恰好等于总变化。",
    "en-US": "Splits the change of the customer churn rate against the previous period, by an attribute (plan, region, channel, tenure…), into rate effects (segments churning more or less) and mix effects (a shift of customers between segments); the two sum exactly to the change.",
  },
  // The period, the previous one, the periods of the usual band and the attribute to split by, resolved once.
  plan(p: ChurnDriversParams, ctx: AnalysisContext) {
    checkBasisRole(ctx, "churn-drivers");
    const source = resolveBy(p.by, ctx);
    const period = resolvePeriod(p.period, ctx.period);
    const periods = periodsEndingWith(period, Math.max(2, p.history + 1));
    const past = p.history > 0 ? periodsEndingWith(period, p.history + 1).slice(0, -1) : [];
    return { p, ctx: runContext(ctx), source, period, prev: shiftPeriod(period, -1), periods, past };
  },
  definition({ p, period, prev, source }) {
    const zhBy = byName(source, p.by, "zh-CN");
    const enBy = byName(source, p.by, "en-US");
    const planZh = source.kind === "subscription-plan" ? "（套餐取每位客户在期初有效的订阅的套餐）" : source.kind === "tenure" ? "（在网时长 = 期初距客户首次开始活跃的月数，分为 0–3、3–12、12–24、24 个月以上）" : "";
    const planEn = source.kind === "subscription-plan" ? " (the plan of each customer's subscription active at the period start)" : source.kind === "tenure" ? " (tenure = months from the customer's first activity to the period start, in bands 0–3, 3–12, 12–24, 24+)" : "";
    return {
      "zh-CN":
        `客户流失率按标准口径计算：期初客户中到期末不再活跃的比例（与核心指标一致）。按“${zhBy}”${planZh}把期初客户分成若干细分：每个细分的权重 w = 该细分期初客户数 ÷ 全部期初客户数，流失率 r = 该细分期初客户中流失的比例，总流失率 = Σ w × r。` +
        `本期（${period.label}）相对上一期（${prev.label}）的变化拆为两部分：流失率效应 = Σ（两期权重的平均 × 该细分流失率的变化），即各细分自身流失得更多或更少；结构效应 = Σ（两期流失率的平均 × 该细分权重的变化），即客户更多或更少地落在高流失的细分。` +
        "两部分之和恰好等于总变化（对称分解，两期地位相同，没有残差）。某一期没有期初客户的细分在那一期没有流失率，用另一期的流失率代替，其贡献全部计入结构效应。" +
        (p.history > 0 ? `每个细分的通常水平 = 本期之前 ${p.history} 期（含上一期）中该细分有期初客户的各期流失率的平均值和标准差。` : ""),
      "en-US":
        `The customer churn rate is the standard one: the share of the customers at the start of the period no longer active at its end (as in the key metrics). The customers at the start are split by ${enBy}${planEn}: each segment's weight w = its customers at the start ÷ all customers at the start, its churn rate r = the share of them lost, and the churn rate = Σ w × r. ` +
        `The change from the previous period (${prev.label}) to ${period.label} splits into a rate effect = Σ (mean weight of the two periods × change of the segment's churn rate) — segments churning more or less — and a mix effect = Σ (mean churn rate of the two periods × change of the segment's weight) — more or fewer customers in segments that churn more. ` +
        "The two add up exactly to the change (a symmetric decomposition: both periods count alike, nothing is left over). A segment with no customers at the start of one period has no churn rate there; the other period's rate stands in, so its whole contribution is mix." +
        (p.history > 0 ? ` Each segment's usual level = the mean and standard deviation of its churn rates over the ${p.history} periods before this one (the previous one included) in which it had customers at the start.` : ""),
    };
  },
  params,
  needs: [periodNeeds()],
  mainTable: "segments",
  outputs: {
    scalars: {
      period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
      prev_period: { type: "string", format: "period", description: { "zh-CN": "期间（上期）", "en-US": "Period, previous period" } },
      by: { type: "string", format: "label", description: { "zh-CN": "拆分属性", "en-US": "By" } },
      by_label: { type: "string", format: "label", description: { "zh-CN": "拆分属性名称", "en-US": "By label" } },
      churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率", "en-US": "Churn rate" } },
      prev_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率（上期）", "en-US": "Churn rate, previous period" } },
      change: { type: "number", format: "number", description: { "zh-CN": "流失率变化", "en-US": "Change" } },
      rate_effect: { type: "number", format: "number", description: { "zh-CN": "流失率效应", "en-US": "Rate effect" } },
      mix_effect: { type: "number", format: "number", description: { "zh-CN": "结构效应", "en-US": "Mix effect" } },
      top_segment: { type: "string", format: "label", description: { "zh-CN": "影响最大的细分", "en-US": "Top segment" } },
      top_rate_effect: { type: "number", format: "percent", description: { "zh-CN": "影响最大细分的流失率效应", "en-US": "Top rate effect" } },
      top_mix_effect: { type: "number", format: "number", description: { "zh-CN": "影响最大细分的结构效应", "en-US": "Top mix effect" } },
      top_effect: { type: "number", format: "number", description: { "zh-CN": "影响最大细分的总效应", "en-US": "Top effect" } },
    },
    tables: {
      segments: {
        description: { "zh-CN": "流失率变化的驱动因素", "en-US": "What drove the change in churn" },
        columns: {
          segment: { type: "string", format: "label", description: { "zh-CN": "属性的细分（如某个套餐）", "en-US": "Segment of the attribute (e.g. a plan)" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
          prev_customers_start: { type: "integer", format: "count", description: { "zh-CN": "上期期初客户数", "en-US": "Customers at the start of the previous period" }, label: { "zh-CN": "上期期初客户数", "en-US": "Customers at start, previous" } },
          prev_churned: { type: "integer", format: "count", description: { "zh-CN": "上期期初客户中上期流失的客户数", "en-US": "Customers at the start of the previous period who churned in it" }, label: { "zh-CN": "上期流失客户", "en-US": "Churned, previous" } },
          prev_share: { type: "number", format: "percent", description: { "zh-CN": "上期该细分占期初客户的比例", "en-US": "Segment's share of the customers at the start of the previous period" }, label: { "zh-CN": "上期占比", "en-US": "Share, previous" } },
          prev_churn_rate: { type: "number", format: "percent", description: { "zh-CN": "上期客户流失率", "en-US": "Churn rate of the previous period" }, label: { "zh-CN": "上期流失率", "en-US": "Churn rate, previous" }, missing: { "zh-CN": "上期期初该细分没有客户", "en-US": "no customers in the segment at the start of the previous period" } },
          customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at the start of the period" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          churned: { type: "integer", format: "count", description: { "zh-CN": "期初客户中本期流失的客户数", "en-US": "Customers at the start who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该细分占期初客户的比例", "en-US": "Segment's share of the customers at the start" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "该细分的流失客户数 ÷ 其期初客户数", "en-US": "Segment's churned customers ÷ its customers at the start" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
          rate_effect: { type: "number", format: "number", description: { "zh-CN": "流失率效应：两期占比的平均 × 该细分流失率的变化", "en-US": "Rate effect: the share averaged over both periods × change of the segment's churn rate" }, label: { "zh-CN": "流失率效应", "en-US": "Rate effect" } },
          mix_effect: { type: "number", format: "number", description: { "zh-CN": "结构效应：两期流失率的平均 × 该细分占比的变化", "en-US": "Mix effect: the segment's churn rate averaged over both periods × change of its share" }, label: { "zh-CN": "结构效应", "en-US": "Mix effect" } },
          effect: { type: "number", format: "number", description: { "zh-CN": "流失率效应 + 结构效应：该细分对流失率变化的贡献", "en-US": "Rate effect + mix effect: the segment's part of the change of the churn rate" }, label: { "zh-CN": "总效应", "en-US": "Effect" } },
          usual_churn_rate: { type: "number", format: "percent", optional: true, description: { "zh-CN": "该细分在过去各期（历史）的流失率", "en-US": "Segment's churn rate over the past periods (history)" }, label: { "zh-CN": "常态流失率", "en-US": "Usual churn rate" }, missing: { "zh-CN": "过去各期该细分都没有客户", "en-US": "no past period had customers in the segment" } },
          usual_sd: { type: "number", format: "percent", optional: true, description: { "zh-CN": "该细分过去各期流失率的标准差", "en-US": "Standard deviation of the segment's churn rate over the past periods" }, label: { "zh-CN": "常态波动", "en-US": "Usual spread" }, missing: { "zh-CN": "过去有客户的期数少于两期", "en-US": "fewer than two past periods had customers in the segment" } },
          usual_periods: { type: "integer", format: "count", optional: true, description: { "zh-CN": "常态流失率所依据的过去期数", "en-US": "Past periods behind the usual rate" }, label: { "zh-CN": "历史期数", "en-US": "Past periods" } },
        },
      },
      history: {
        description: { "zh-CN": "各细分以往各期的流失率", "en-US": "Each segment's churn rate in past periods" },
        columns: {
          period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
          segment: { type: "string", format: "label", description: { "zh-CN": "属性的细分", "en-US": "Segment of the attribute" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
          customers_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at the start of the period" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          churned: { type: "integer", format: "count", description: { "zh-CN": "期初客户中本期流失的客户数", "en-US": "Customers at the start who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失客户数 ÷ 期初客户数", "en-US": "Churned customers ÷ customers at the start of the period" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
        },
      },
    },
  },

  reductions({ p, ctx, periods, source }) {
    return { counts: segmentSql(ctx, periods, source, p.include_free) };
  },

  compute(data, { p, ctx, period, prev, source, past }) {
    const L = ctx.locale;
    const bySeg = new Map<string, SegmentCounts>();
    // Past periods' rates per segment (the usual band): label → segment key → rate.
    const pastLabels = new Set(past.map((q) => q.label));
    const history: Row[] = [];
    const pastRates = new Map<string, number[]>();
    for (const r of data.counts ?? []) {
      const key = r.segment === null || r.segment === undefined ? missingKey : String(r.segment);
      if (pastLabels.has(String(r.label)) && Number(r.customers_start) > 0) {
        const rate = Number(r.churned) / Number(r.customers_start);
        history.push({ period: String(r.label), segment: segmentLabel(key, source, L), customers_start: Number(r.customers_start), churned: Number(r.churned), churn_rate: rate });
        pastRates.set(key, [...(pastRates.get(key) ?? []), rate]);
      }
      const s = bySeg.get(key) ?? { segment: key, n0: 0, c0: 0, n1: 0, c1: 0 };
      if (r.label === prev.label) {
        s.n0 += Number(r.customers_start);
        s.c0 += Number(r.churned);
      } else if (r.label === period.label) {
        s.n1 += Number(r.customers_start);
        s.c1 += Number(r.churned);
      }
      bySeg.set(key, s);
    }
    const d = decompose([...bySeg.values()]);
    const usual = (key: string): { mean: number | null; sd: number | null; n: number } => {
      const xs = pastRates.get(key) ?? [];
      if (xs.length === 0) return { mean: null, sd: null, n: 0 };
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = xs.length < 2 ? null : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      return { mean, sd, n: xs.length };
    };
    history.sort((a, b) => String(a.period).localeCompare(String(b.period)) || String(a.segment).localeCompare(String(b.segment)));
    const segments: Row[] = d.segments.map((g) => ({
      segment: segmentLabel(g.segment, source, L),
      prev_customers_start: g.n0,
      prev_churned: g.c0,
      prev_share: d.change === null ? null : g.w0,
      prev_churn_rate: g.r0,
      customers_start: g.n1,
      churned: g.c1,
      share: d.change === null ? null : g.w1,
      churn_rate: g.r1,
      rate_effect: d.change === null ? null : g.rateEffect,
      mix_effect: d.change === null ? null : g.mixEffect,
      effect: d.change === null ? null : g.effect,
      usual_churn_rate: usual(g.segment).mean,
      usual_sd: usual(g.segment).sd,
      usual_periods: usual(g.segment).n,
    }));
    const top = d.change === null ? undefined : d.segments[0];
    const scalars: Record<string, Value> = {
      period: period.label,
      prev_period: prev.label,
      by: source.kind === "tenure" ? "tenure" : p.by.trim(),
      by_label: byName(source, p.by, L),
      churn_rate: d.rate1,
      prev_churn_rate: d.rate0,
      change: d.change,
      rate_effect: d.rateEffect,
      mix_effect: d.mixEffect,
      top_segment: top ? segmentLabel(top.segment, source, L) : null,
      top_rate_effect: top ? top.rateEffect : null,
      top_mix_effect: top ? top.mixEffect : null,
      top_effect: top ? top.effect : null,
    };
    const notes: string[] = [];
    if (d.change === null)
      notes.push(msg(L).churnDrivers.noCustomersAtStart(d.rate0 === null ? prev.label : period.label));
    return { scalars, tables: { segments, history }, notes };
  },

  chart(result, { ctx }): ChartSpec | null {
    const rows = result.tables.segments ?? [];
    if (rows.length === 0 || result.scalars.change === null) return null;
    const say = msg(ctx.locale).churnDrivers;
    // One bar per segment: its contribution (rate + mix effect) to the change of the churn rate.
    return {
      title: say.chartTitle,
      height: Math.max(120, 40 + 28 * rows.length),
      marks: [
        { mark: "barX", data: "segments", options: { x: "effect", y: "segment", sort: { y: "-x" } } },
        { mark: "ruleX", data: "segments", options: { x: 0, stroke: "#9aa5b1" } },
      ],
      x: { label: say.contribution, format: "percent" },
      y: { label: null },
    };
  },
});
