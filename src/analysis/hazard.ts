// Cumulative hazard of churn: the Nelson–Aalen estimate of H(t), optionally by an attribute.
// Lifetimes come from survival-data.ts exactly as for `survival` (lifetimes dataset, or each
// customer's first activity spell censored at the day after the report period); SQL reduces
// them to counts per (group, time), so JavaScript sees one row per distinct duration per group.

import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { nelsonAalenFromCounts, type NelsonAalenPoint } from "./stats/nelson-aalen.js";
import type { TimeCount } from "./stats/kaplan-meier.js";
import { excludedNote, lifetimeCountsReductions, lifetimeNeeds, lifetimeSource, lifetimeStepChart } from "./survival-data.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Localized, type Row } from "./types.js";
import { normalQuantile } from "./stats/special.js";
import { msg } from "../locales/index.js";

export const hazardParams = Type.Object({
  by: Type.String({ default: "", description: "Attribute (of lifetimes or customers) whose values split customers into groups, one cumulative-hazard curve each; empty = one curve for all" }),
  unit: Type.Union([Type.Literal("day"), Type.Literal("month")], { default: "month", description: "Duration unit when lifetimes are derived from activity spells: day, or month = 30.4375 days (lifetimes datasets keep their own unit)" }),
  ties: Type.Union([Type.Literal("smooth"), Type.Literal("discrete")], {
    default: "smooth",
    description: "Tied churn times: smooth = taken one after another, as lifelines' default (ΔH = Σ 1/(n−i)); discrete = the textbook d/n, as R survfit",
  }),
  conf_level: Type.Number({ default: 0.95, exclusiveMinimum: 0, exclusiveMaximum: 1, description: "Confidence level of the cumulative-hazard intervals" }),
});
export type HazardParams = Static<typeof hazardParams>;


/** The definition as the cell ran: z for its confidence level. */
function definition(p: HazardParams): Localized {
  const level = `${Math.round(p.conf_level * 1000) / 10}%`;
  const z = normalQuantile(1 - (1 - p.conf_level) / 2).toFixed(6);
  return {
  "zh-CN": [
    "客户生命周期（时长）与流失事件的定义同生存分析：lifetimes 数据集的 duration 与 event；或按报告的流失口径取每位客户的第一段活跃期，在报告期结束后的第一天（A）右删失，单位为天或月（1 月 = 30.4375 天）。",
    "累计风险 H(t)（Nelson–Aalen，与 lifelines 的 NelsonAalenFitter 一致）：在每个不同的时长 t,n = t 之前仍在风险中的客户数（在 t 删失的客户在 t 仍计入风险集），d = t 时的流失数。默认（smooth,lifelines 默认）把同一时长的 d 个流失依次处理：H 增加 Σ_{i=0}^{d−1} 1/(n−i)，方差 variance 增加 Σ_{i=0}^{d−1} 1/(n−i)²;discrete 口径（R survfit）H 增加 d/n，方差增加 (n−d)·d/n³。",
    `${level} 置信区间（与 lifelines 一致）：lower = H·exp(−z·√variance/H),upper = H·exp(z·√variance/H),z = ${z}（标准正态分位数）；H = 0 时区间为 [0, 0]。表中每组从时长 0(H = 0)开始，之后每个不同时长一行（含只有删失的时长，H 不变）。`,
    "H(t) 可理解为到 t 为止每位客户平均经历的流失强度；exp(−H(t)) 是生存率的另一估计，总不低于 Kaplan–Meier 的 S(t)。按属性分组时，属性为空的客户不计入分组曲线。",
  ].join("\n"),
  "en-US": [
    "Customer lifetimes and churn events as in the survival analysis: duration and event of a lifetimes dataset, or each customer's first activity spell under the report's churn basis, right-censored at the day after the report period (A); in days or months of 30.4375 days.",
    "Cumulative hazard H(t) (Nelson–Aalen, as lifelines' NelsonAalenFitter): at each distinct duration t, n = customers at risk just before t (those censored at t are still at risk at t), d = churns at t. By default (smooth, lifelines' default) the d tied churns are taken one after another: H grows by Σ_{i=0}^{d−1} 1/(n−i) and its variance by Σ_{i=0}^{d−1} 1/(n−i)²; with ties = discrete (R survfit) H grows by d/n and the variance by (n−d)·d/n³.",
    `${level} confidence interval (as lifelines): lower = H·exp(−z·√variance/H), upper = H·exp(z·√variance/H), z = ${z} (the standard normal quantile); [0, 0] while H = 0. Each group's table starts at duration 0 (H = 0), then one row per distinct duration (durations with only censorings keep H).`,
    "H(t) reads as the expected number of churns per customer up to t; exp(−H(t)) is another estimate of survival and never lies below the Kaplan–Meier S(t). With groups, customers with no value of the attribute are left out of the group curves.",
  ].join("\n"),
  };
}



/** Orders group labels numerically when all are numbers, else by code point. */
function sortGroups(groups: string[]): string[] {
  const numeric = groups.every((g) => g.trim() !== "" && Number.isFinite(Number(g)));
  return [...groups].sort((a, b) => (numeric ? Number(a) - Number(b) : 0) || (a < b ? -1 : a > b ? 1 : 0));
}

function hazardRow(group: string, p: NelsonAalenPoint): Row {
  return {
    group,
    time: p.time,
    at_risk: p.atRisk,
    events: p.events,
    censored: p.censored,
    cumulative_hazard: p.cumulativeHazard,
    variance: p.variance,
    lower: p.lower,
    upper: p.upper,
  };
}

/**
 * Nelson–Aalen cumulative hazard of churn, by an optional attribute. Lifetimes as in
 * `survival` (survival-data.ts). At each distinct duration t with n at risk just before t
 * (censored at t still at risk) and d churns: smooth ties (lifelines' default) add
 * Σ_{i<d} 1/(n−i) to H and Σ_{i<d} 1/(n−i)² to its variance; discrete ties add d/n and
 * (n−d)d/n³. Interval H·exp(±z√Var/H) as lifelines, [0, 0] while H = 0. `tables.hazard`:
 * group, time, at_risk, events, censored, cumulative_hazard, variance, lower, upper, from time 0.
 */
export const hazard = defineAnalysis({
  id: "hazard",
  title: { "zh-CN": "客户累计流失风险（Nelson–Aalen）", "en-US": "Cumulative churn hazard (Nelson–Aalen)" },
  summary: {
    "zh-CN": "客户到流失的累计风险曲线及置信区间，可按属性分组比较",
    "en-US": "Cumulative hazard of churn over customer lifetime with confidence intervals, optionally by group",
  },
  params: hazardParams,
  needs: lifetimeNeeds,
  mainTable: "hazard",
  outputs: {
    scalars: {
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      events: { type: "integer", format: "count", description: { "zh-CN": "事件数", "en-US": "Events" } },
      time_unit: { type: "string", format: "label", description: { "zh-CN": "时间单位", "en-US": "Time unit" } },
      groups: { type: "integer", format: "count", description: { "zh-CN": "分组", "en-US": "Groups" } },
    },
    tables: {
      hazard: {
        description: { "zh-CN": "客户累计流失风险（Nelson–Aalen）", "en-US": "Cumulative churn hazard (Nelson–Aalen)" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "分组（未分组时为全部）", "en-US": "Group (all when not grouped)" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          time: { type: "number", format: "number", description: { "zh-CN": "自客户开始起的时长", "en-US": "Duration since the customer's start" }, label: { "zh-CN": "时长", "en-US": "Time" } },
          at_risk: { type: "integer", format: "count", description: { "zh-CN": "此时长之前仍在观察中的客户数", "en-US": "Customers still at risk just before this time" }, label: { "zh-CN": "风险集", "en-US": "At risk" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "该时长的流失数", "en-US": "Churns at this duration" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          censored: { type: "integer", format: "count", description: { "zh-CN": "此时长被删失的客户数（仍活跃或退出观察）", "en-US": "Customers censored at this time (still active or left view)" }, label: { "zh-CN": "删失数", "en-US": "Censored" } },
          cumulative_hazard: { type: "number", format: "number", description: { "zh-CN": "累计风险（Nelson–Aalen）", "en-US": "Cumulative hazard (Nelson–Aalen)" }, label: { "zh-CN": "累计风险", "en-US": "Cumulative hazard" } },
          variance: { type: "number", format: "number", description: { "zh-CN": "累计风险的方差", "en-US": "Variance of the cumulative hazard" }, label: { "zh-CN": "方差", "en-US": "Variance" } },
          lower: { type: "number", format: "number", description: { "zh-CN": "累计风险置信区间下限", "en-US": "Lower confidence limit of the cumulative hazard" }, label: { "zh-CN": "下限", "en-US": "Lower" } },
          upper: { type: "number", format: "number", description: { "zh-CN": "累计风险置信区间上限", "en-US": "Upper confidence limit of the cumulative hazard" }, label: { "zh-CN": "上限", "en-US": "Upper" } },
        },
      },
    },
  },

  // The as-of date (the day after the report period), resolved once.
  plan(params: HazardParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), asOf: ctx.period.end };
  },

  // After plan: its type is inferred from plan's.
  // After plan: its type is inferred from plan's.
  definition: ({ params }) => definition(params),
  reductions({ params, ctx, asOf }) {
    return lifetimeCountsReductions(params, ctx, asOf);
  },

  compute(data, { params, ctx }): AnalysisResult {
    const by = params.by.trim();
    const notes: string[] = [...excludedNote(data, ctx.locale)];
    const rows = (data.counts ?? []).map((r) => ({
      grp: r.grp === null || r.grp === undefined ? null : String(r.grp),
      time: Number(r.time),
      events: Number(r.events),
      censored: Number(r.censored),
    }));
    const timeUnit = lifetimeSource(ctx) === "lifetimes" ? null : params.unit;
    const kept = rows.filter((r) => r.grp !== null);
    const missing = rows.filter((r) => r.grp === null).reduce((s, r) => s + r.events + r.censored, 0);
    if (by && missing > 0) {
      notes.push(msg(ctx.locale).lifetimes.missingGroupHazard(missing, by));
    }
    const customers = kept.reduce((s, r) => s + r.events + r.censored, 0);
    const events = kept.reduce((s, r) => s + r.events, 0);
    if (kept.length === 0) {
      return {
        scalars: { customers: 0, events: 0, time_unit: timeUnit, groups: 0 },
        tables: { hazard: [] },
        notes: [...notes, msg(ctx.locale).lifetimes.noLifetimesHazard],
      };
    }
    const labels = sortGroups([...new Set(kept.map((r) => r.grp!))]);
    const table: Row[] = [];
    for (const g of labels) {
      const counts: TimeCount[] = kept.filter((r) => r.grp === g).map(({ time, events, censored }) => ({ time, events, censored }));
      const points = nelsonAalenFromCounts(counts, { ties: params.ties, confLevel: params.conf_level });
      const n = counts.reduce((s, c) => s + c.events + c.censored, 0);
      if (points.length && points[0]!.time > 0) table.push(hazardRow(g, { time: 0, atRisk: n, events: 0, censored: 0, cumulativeHazard: 0, variance: 0, lower: 0, upper: 0 }));
      for (const p of points) table.push(hazardRow(g, p));
    }
    if (events === 0) notes.push(msg(ctx.locale).lifetimes.noEvents);
    return {
      scalars: { customers, events, time_unit: timeUnit, groups: labels.length },
      tables: { hazard: table },
      ...(notes.length ? { notes } : {}),
    };
  },

  chart(result, { params, ctx }): ChartSpec | null {
    if (!result.tables.hazard?.length) return null;
    const say = msg(ctx.locale).lifetimes;
    return lifetimeStepChart(result.tables.hazard, { table: "hazard", y: "cumulative_hazard", title: say.hazardTitle, yAxis: { label: say.hazardAxis, format: "number" } }, params, ctx);
  },
});
