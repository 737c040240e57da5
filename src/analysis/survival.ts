// Customer survival: Kaplan–Meier curves of time to churn, optionally by an attribute, with
// the log-rank test between the groups. Lifetimes come from survival-data.ts (one row per
// customer, built in SQL); SQL further reduces them to counts per (group, time), so the
// JavaScript side never sees more rows than distinct durations per group.

import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { kaplanMeierFromCounts, restrictedMean, survivalAt, type KaplanMeierFit, type TimeCount } from "./stats/kaplan-meier.js";
import { logRankFromCounts } from "./stats/log-rank.js";
import { nelsonAalenFromCounts } from "./stats/nelson-aalen.js";
import { excludedNote, lifetimeCountsReductions, lifetimeNeeds, lifetimeSource, lifetimeStepChart, splitList } from "./survival-data.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Localized, type Row } from "./types.js";
import { normalQuantile } from "./stats/special.js";
import { msg } from "../locales/index.js";

export const survivalParams = Type.Object({
  by: Type.String({ default: "", description: "Attribute (of lifetimes or customers) whose values split customers into groups compared by the log-rank test; empty = one curve for all" }),
  horizons: Type.String({ default: "1,3,6,12", description: "Comma list of times (in the duration unit) at which survival is reported" }),
  unit: Type.Union([Type.Literal("day"), Type.Literal("month")], { default: "month", description: "Duration unit when lifetimes are derived from activity spells: day, or month = 30.4375 days (lifetimes datasets keep their own unit)" }),
  conf_level: Type.Number({ default: 0.95, exclusiveMinimum: 0, exclusiveMaximum: 1, description: "Confidence level of the survival intervals and median limits" }),
});
export type SurvivalParams = Static<typeof survivalParams>;


/** The definition as the cell ran: z for its confidence level. */
function definition(p: SurvivalParams): Localized {
  const level = `${Math.round(p.conf_level * 1000) / 10}%`;
  const z = normalQuantile(1 - (1 - p.conf_level) / 2).toFixed(6);
  return {
  "zh-CN": [
    "客户生命周期（时长）：有 lifetimes 数据集时直接取其 duration（时长，数据自身的单位）与 event（是否流失）；否则按报告的流失口径（合同订阅或无交易天数）取每位客户的第一段活跃期。截止日 A = 报告期结束后的第一天；第一段活跃期在 A 当天或之后才开始的客户不计入。若该活跃期在 A 之前结束（流失日 < A），则为流失事件，时长 = 流失日 − 开始日；否则在 A 处右删失（仍活跃，或按无交易口径其流失日尚未到来），时长 = A − 开始日。单位为天，或月（1 月 = 30.4375 天 = 365.25/12）。",
    `生存率 S(t)(Kaplan–Meier)：在每个不同的时长 t,n = t 之前仍在风险中的客户数（在 t 删失的客户在 t 仍计入风险集），d = t 时的流失数，S(t) = ∏(1 − d/n)。Greenwood 方差 V = Σ d/(n(n−d))；置信区间为指数 Greenwood(log-log)区间：v = ln S，下限 = exp(−exp(ln(−v) − z√V/v))，上限 = exp(−exp(ln(−v) + z√V/v)),${level} 置信区间，z 为标准正态分位数 ${z}。S = 1 时区间为 [1, 1],S = 0 时区间为空。`,
    "累计风险 H(t)(Nelson–Aalen)：同一时长的 d 个流失依次处理，H 依次增加 1/n、1/(n−1)、…、1/(n−d+1)。",
    "中位生命周期（median，即 median_lifetime）：S(t) ≤ 0.5 的最早时长；曲线未降到 0.5 时为空（未达到）。其置信限（lower/upper）为置信区间下限/上限曲线首次 ≤ 0.5 的时长。medians 表按组列出（未分组时为一行 all）。",
    "各时点生存率：不晚于该时点的最后一步的 S；超出最长观察时长（且 S > 0）时为空。限制平均生命周期 = 曲线下面积 ∫₀^τ S(t)dt,τ 为最大的时点。",
    "按属性分组时：属性为空的客户只计入总体中位数，不计入分组曲线与检验。对数秩检验（log-rank，与 R survdiff 一致）：O = 各组实际流失数，E = Σ d·n_j/n，方差矩阵 V_jk = Σ d(n−d)/(n−1)·(n_j/n)(δ_jk − n_k/n);χ² = (O−E)ᵀV⁻¹(O−E)（去掉一组），自由度 = 组数 − 1,p = P(χ² ≥ 观察值)。",
  ].join("\n"),
  "en-US": [
    "Customer lifetime: with a lifetimes dataset, its duration (in the data's own unit) and event (churned or not) as given; otherwise each customer's first activity spell under the report's churn basis (contractual subscriptions or inactivity). As-of date A = the day after the report period; customers whose first spell starts on or after A are left out. If the spell ended before A (churn date < A) it is a churn event with duration = churn date − start date; otherwise it is right-censored at A (still active, or — on the inactivity basis — the churn date lies after A and has not happened yet), duration = A − start date. Unit: days, or months of 30.4375 days (365.25/12).",
    `Survival S(t) (Kaplan–Meier): at each distinct duration t, n = customers at risk just before t (those censored at t are still at risk at t), d = churns at t; S(t) = ∏(1 − d/n). Greenwood V = Σ d/(n(n−d)); confidence interval exponential Greenwood (log-log): with v = ln S, lower = exp(−exp(ln(−v) − z√V/v)), upper = exp(−exp(ln(−v) + z√V/v)), a ${level} interval with z = ${z}, the standard normal quantile. While S = 1 the interval is [1, 1]; where S = 0 it is empty (null).`,
    "Cumulative hazard H(t) (Nelson–Aalen): the d churns tied at t are taken one after another, so H grows by 1/n + 1/(n−1) + … + 1/(n−d+1).",
    "Median lifetime (median, also median_lifetime): the first duration with S(t) ≤ 0.5; null (not reached) when S never falls to 0.5. Its confidence limits (lower/upper) are the first durations where the lower/upper confidence curves fall to 0.5. The medians table lists them per group (one row \"all\" without groups).",
    "Survival at a horizon: S of the last step at or before it; null beyond the longest observed duration (while S > 0). Restricted mean lifetime = area under the curve ∫₀^τ S(t)dt with τ the largest horizon.",
    "With groups: customers with no value of the attribute count in the overall median only, not in the group curves or the test. Log-rank test (as R survdiff): O = churns per group, E = Σ d·n_j/n, V_jk = Σ d(n−d)/(n−1)·(n_j/n)(δ_jk − n_k/n); χ² = (O−E)ᵀV⁻¹(O−E) leaving one group out, df = groups − 1, p = P(χ²_df ≥ χ²).",
  ].join("\n"),
  };
}


function parseHorizons(s: string): number[] {
  const out = splitList(s).map((x) => Number(x));
  const bad = splitList(s).filter((_, i) => !(Number.isFinite(out[i]!) && out[i]! >= 0));
  if (bad.length) throw new ChurnbookError("bad-param", `param "horizons" must be a comma list of non-negative numbers, got ${JSON.stringify(s)}`, { hint: 'e.g. --param horizons=1,3,6,12' });
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Orders group labels numerically when all are numbers, else by code point. */
function sortGroups(groups: string[]): string[] {
  const numeric = groups.every((g) => g.trim() !== "" && Number.isFinite(Number(g)));
  return [...groups].sort((a, b) => (numeric ? Number(a) - Number(b) : 0) || (a < b ? -1 : a > b ? 1 : 0));
}


function mergeCounts(rows: readonly TimeCount[]): TimeCount[] {
  const map = new Map<number, TimeCount>();
  for (const r of rows) {
    const c = map.get(r.time);
    if (c) {
      c.events += r.events;
      c.censored += r.censored;
    } else map.set(r.time, { ...r });
  }
  return [...map.values()].sort((a, b) => a.time - b.time);
}

/**
 * Kaplan–Meier survival of customers (time to churn), by an optional attribute, with the
 * log-rank test. Lifetimes: a `lifetimes` dataset as given, or each customer's first activity
 * spell (sql/spells.ts) censored at the day after the report period, in days or months of
 * 30.4375 days. S(t) = ∏(1 − d/n) with those censored at t still at risk at t; Greenwood
 * variance and exponential-Greenwood (log-log) intervals; median = first t with S ≤ 0.5
 * (null = not reached; scalar `median`, per group in `tables.medians`); cumulative hazard = Nelson–Aalen with lifelines' tie smoothing;
 * log-rank χ² as R survdiff (df = groups − 1).
 */
export const survival = defineAnalysis({
  id: "survival",
  title: { "zh-CN": "客户生存分析（Kaplan–Meier）", "en-US": "Customer survival (Kaplan–Meier)" },
  summary: {
    "zh-CN": "客户到流失的时长：生存曲线、中位生命周期、各时点留存，并按属性分组做对数秩检验",
    "en-US": "Time to churn: survival curves, median lifetime, survival at horizons, and a log-rank test between groups",
  },
  params: survivalParams,
  needs: lifetimeNeeds,
  mainTable: "curve",
  outputs: {
    scalars: {
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      events: { type: "integer", format: "count", description: { "zh-CN": "事件数", "en-US": "Events" } },
      time_unit: { type: "string", format: "label", description: { "zh-CN": "时间单位", "en-US": "Time unit" } },
      median: { type: "number", format: "number", description: { "zh-CN": "中位数", "en-US": "Median" } },
      median_lifetime: { type: "number", format: "number", description: { "zh-CN": "生命周期中位数", "en-US": "Median lifetime" } },
      median_lower: { type: "number", format: "number", description: { "zh-CN": "中位数置信下限", "en-US": "Median lower" } },
      median_upper: { type: "number", format: "number", description: { "zh-CN": "中位数置信上限", "en-US": "Median upper" } },
      logrank_chi2: { type: "number", format: "number", description: { "zh-CN": "log-rank 检验卡方值", "en-US": "Log-rank chi2" } },
      logrank_df: { type: "integer", format: "count", description: { "zh-CN": "log-rank 检验自由度", "en-US": "Log-rank df" } },
      logrank_p: { type: "number", format: "number", description: { "zh-CN": "log-rank 检验 p 值", "en-US": "Log-rank p" } },
    },
    tables: {
      curve: {
        description: { "zh-CN": "客户生存分析（Kaplan–Meier）", "en-US": "Customer survival (Kaplan–Meier)" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "分组（未分组时为全部）", "en-US": "Group (all when not grouped)" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          time: { type: "number", format: "number", description: { "zh-CN": "自开始起的时长", "en-US": "Duration since the start" }, label: { "zh-CN": "时间", "en-US": "Time" } },
          at_risk: { type: "integer", format: "count", description: { "zh-CN": "此时长之前仍在观察中的客户数", "en-US": "Customers still at risk just before this time" }, label: { "zh-CN": "风险集", "en-US": "At risk" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "该时长的流失数", "en-US": "Churns at this time" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          censored: { type: "integer", format: "count", description: { "zh-CN": "此时长被删失的客户数（仍活跃或退出观察）", "en-US": "Customers censored at this time (still active or left view)" }, label: { "zh-CN": "删失数", "en-US": "Censored" } },
          survival: { type: "number", format: "percent", description: { "zh-CN": "至此时长仍活跃的客户比例（Kaplan–Meier）", "en-US": "Share of customers still active at this time (Kaplan–Meier)" }, label: { "zh-CN": "生存率", "en-US": "Survival" } },
          lower: { type: "number", format: "percent", description: { "zh-CN": "生存率置信区间下限", "en-US": "Lower confidence limit of survival" }, label: { "zh-CN": "下限", "en-US": "Lower" } },
          upper: { type: "number", format: "percent", description: { "zh-CN": "生存率置信区间上限", "en-US": "Upper confidence limit of survival" }, label: { "zh-CN": "上限", "en-US": "Upper" } },
          cumulative_hazard: { type: "number", format: "number", description: { "zh-CN": "累计风险（Nelson–Aalen）", "en-US": "Cumulative hazard (Nelson–Aalen)" }, label: { "zh-CN": "累计风险", "en-US": "Cumulative hazard" } },
        },
      },
      horizons: {
        description: { "zh-CN": "各时点生存率", "en-US": "Horizons" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "分组（未分组时为全部）", "en-US": "Group (all when not grouped)" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          time: { type: "integer", format: "count", description: { "zh-CN": "期限", "en-US": "Horizon" } },
          survival: { type: "number", format: "percent", description: { "zh-CN": "在该期限仍活跃的比例（Kaplan–Meier）", "en-US": "Share still active at the horizon (Kaplan–Meier)" }, label: { "zh-CN": "生存率", "en-US": "Survival" } },
          lower: { type: "number", format: "percent", description: { "zh-CN": "生存率置信区间下限", "en-US": "Lower confidence limit of survival" }, label: { "zh-CN": "下限", "en-US": "Lower" } },
          upper: { type: "number", format: "percent", description: { "zh-CN": "生存率置信区间上限", "en-US": "Upper confidence limit of survival" }, label: { "zh-CN": "上限", "en-US": "Upper" } },
        },
      },
      groups: {
        description: { "zh-CN": "分组", "en-US": "Groups" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "分组（未分组时为全部）", "en-US": "Group (all when not grouped)" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该组的客户数", "en-US": "Customers in the group" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "观测到的流失数", "en-US": "Churns observed" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          expected_events: { type: "number", format: "count", description: { "zh-CN": "生存相同时的预期流失数（log-rank 检验）", "en-US": "Churns expected under equal survival (log-rank)" }, label: { "zh-CN": "预期事件数", "en-US": "Expected events" } },
          median: { type: "number", format: "number", description: { "zh-CN": "中位生命周期：生存率首次降至 50% 的时长（未达到为空）", "en-US": "Median lifetime: the first time survival falls to 50 % (empty if not reached)" }, label: { "zh-CN": "中位数", "en-US": "Median" }, missing: { "zh-CN": "数据中生存率尚未降至 50%（未达到）", "en-US": "survival has not fallen to 50 % in the data (not reached)" } },
          median_lower: { type: "number", format: "number", description: { "zh-CN": "中位数置信区间下限", "en-US": "Lower confidence limit of the median" }, label: { "zh-CN": "中位数下限", "en-US": "Median, lower" }, missing: { "zh-CN": "数据中生存率尚未降至 50%（未达到）", "en-US": "survival has not fallen to 50 % in the data (not reached)" } },
          median_upper: { type: "number", format: "number", description: { "zh-CN": "中位数置信区间上限", "en-US": "Upper confidence limit of the median" }, label: { "zh-CN": "中位数上限", "en-US": "Median, upper" }, missing: { "zh-CN": "数据中生存率尚未降至 50%（未达到）", "en-US": "survival has not fallen to 50 % in the data (not reached)" } },
          restricted_mean: { type: "number", format: "number", description: { "zh-CN": "截至最后观测时长的限制平均生命周期", "en-US": "Restricted mean lifetime up to the last time observed" }, label: { "zh-CN": "限制平均寿命", "en-US": "Restricted mean" } },
        },
      },
      medians: {
        description: { "zh-CN": "各组中位数", "en-US": "Medians" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "分组（未分组时为全部）", "en-US": "Group (all when not grouped)" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          median: { type: "number", format: "number", description: { "zh-CN": "中位生命周期：生存率首次降至 50% 的时长（未达到为空）", "en-US": "Median lifetime: the first time survival falls to 50 % (empty if not reached)" }, label: { "zh-CN": "中位数", "en-US": "Median" }, missing: { "zh-CN": "数据中生存率尚未降至 50%（未达到）", "en-US": "survival has not fallen to 50 % in the data (not reached)" } },
          lower: { type: "number", format: "number", description: { "zh-CN": "中位数置信区间下限", "en-US": "Lower confidence limit of the median" }, label: { "zh-CN": "下限", "en-US": "Lower" } },
          upper: { type: "number", format: "number", description: { "zh-CN": "中位数置信区间上限", "en-US": "Upper confidence limit of the median" }, label: { "zh-CN": "上限", "en-US": "Upper" } },
        },
      },
    },
  },

  // The horizons and the as-of date (the day after the report period), resolved once.
  plan(params: SurvivalParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), asOf: ctx.period.end, horizons: parseHorizons(params.horizons) };
  },

  // After plan: its type is inferred from plan's.
  // After plan: its type is inferred from plan's.
  definition: ({ params }) => definition(params),
  reductions({ params, ctx, asOf }) {
    return lifetimeCountsReductions(params, ctx, asOf);
  },

  compute(data, { params, ctx, horizons }): AnalysisResult {
    const confLevel = params.conf_level;
    const by = params.by.trim();
    const notes: string[] = [...excludedNote(data, ctx.locale)];
    const rows = (data.counts ?? []).map((r) => ({
      grp: r.grp === null || r.grp === undefined ? null : String(r.grp),
      time: Number(r.time),
      events: Number(r.events),
      censored: Number(r.censored),
    }));
    const timeUnit = lifetimeSource(ctx) === "lifetimes" ? null : params.unit;
    const empty: AnalysisResult = {
      scalars: { customers: 0, events: 0, time_unit: timeUnit, median: null, median_lifetime: null, median_lower: null, median_upper: null, logrank_chi2: null, logrank_df: null, logrank_p: null },
      tables: { curve: [], horizons: [], groups: [], medians: [] },
      notes: [...notes, msg(ctx.locale).lifetimes.noLifetimes],
    };
    if (rows.length === 0) return empty;

    const overall = kaplanMeierFromCounts(mergeCounts(rows), { confLevel });
    const missing = rows.filter((r) => r.grp === null).reduce((s, r) => s + r.events + r.censored, 0);
    if (by && missing > 0) {
      notes.push(msg(ctx.locale).lifetimes.missingGroup(missing, by));
    }
    const labels = sortGroups([...new Set(rows.filter((r) => r.grp !== null).map((r) => r.grp!))]);
    const countsOf = (g: string) => rows.filter((r) => r.grp === g).map(({ time, events, censored }) => ({ time, events, censored }));
    const fits = new Map<string, KaplanMeierFit>(labels.map((g) => [g, kaplanMeierFromCounts(countsOf(g), { confLevel })]));
    const test = by && labels.length >= 2 ? logRankFromCounts(labels.map((g) => ({ group: g, counts: countsOf(g) }))) : null;
    if (by && labels.length < 2) notes.push(msg(ctx.locale).lifetimes.tooFewGroups(by, labels.length));

    const tau = horizons.length ? horizons[horizons.length - 1]! : undefined;
    const curve: Row[] = [];
    const horizonRows: Row[] = [];
    const groupRows: Row[] = [];
    const medianRows: Row[] = [];
    let beyond = false;
    labels.forEach((g, gi) => {
      const fit = fits.get(g)!;
      const hazard = nelsonAalenFromCounts(countsOf(g), { confLevel });
      if (fit.points.length && fit.points[0]!.time > 0) {
        curve.push({ group: g, time: 0, at_risk: fit.n, events: 0, censored: 0, survival: 1, lower: 1, upper: 1, cumulative_hazard: 0 });
      }
      fit.points.forEach((p, i) => {
        curve.push({ group: g, time: p.time, at_risk: p.atRisk, events: p.events, censored: p.censored, survival: p.survival, lower: p.lower, upper: p.upper, cumulative_hazard: hazard[i]!.cumulativeHazard });
      });
      for (const h of horizons) {
        const s = survivalAt(fit, h);
        if (s.survival === null) beyond = true;
        horizonRows.push({ group: g, time: h, survival: s.survival, lower: s.lower, upper: s.upper });
      }
      groupRows.push({
        group: g,
        customers: fit.n,
        events: fit.events,
        expected_events: test ? test.expected[gi]! : fit.events,
        median: fit.median,
        median_lower: fit.medianLower,
        median_upper: fit.medianUpper,
        restricted_mean: tau === undefined ? null : restrictedMean(fit, tau),
      });
      medianRows.push({ group: g, median: fit.median, lower: fit.medianLower, upper: fit.medianUpper });
    });
    if (beyond) notes.push(msg(ctx.locale).lifetimes.beyondLongest);
    if (overall.median === null) notes.push(msg(ctx.locale).lifetimes.medianNotReached);
    if (test && test.chi2 === null) notes.push(msg(ctx.locale).lifetimes.logRankUndefined);

    return {
      scalars: {
        customers: overall.n,
        events: overall.events,
        time_unit: timeUnit,
        median: overall.median,
        median_lifetime: overall.median,
        median_lower: overall.medianLower,
        median_upper: overall.medianUpper,
        logrank_chi2: test ? test.chi2 : null,
        logrank_df: test ? test.df : null,
        logrank_p: test ? test.p : null,
      },
      tables: { curve, horizons: horizonRows, groups: groupRows, medians: medianRows },
      ...(notes.length ? { notes } : {}),
    };
  },

  chart(result, { params, ctx }): ChartSpec | null {
    if (!result.tables.curve?.length) return null;
    const say = msg(ctx.locale).lifetimes;
    return lifetimeStepChart(result.tables.curve, { table: "curve", y: "survival", title: say.survivalTitle, yAxis: { label: say.survivalAxis, format: "percent", domain: [0, 1] } }, params, ctx);
  },
});
