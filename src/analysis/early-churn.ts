import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { cohortAgesSql, completeCohorts, maxObservableAge, readCells, requireBasisRole, spellNeeds } from "./cohorts/cohort-sql.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Locale, type Row } from "./types.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  cohort_grain: Type.Union([Type.Literal("month"), Type.Literal("quarter")], {
    default: "month",
    description: "Length of a cohort period and of one horizon step: month or quarter.",
  }),
  cohorts: Type.Integer({ minimum: 1, maximum: 240, default: 12, description: "Number of most recent complete acquisition cohorts." }),
  horizons: Type.String({ default: "1,3,6", description: "Comma-separated horizons h (in cohort periods): the share of a cohort lost within its first h periods." }),
});
export type EarlyChurnParams = Static<typeof params>;

/** Parses "1,3,6" into sorted distinct positive integers. */
export function parseHorizons(text: string): number[] {
  const parts = String(text).split(",").map((s) => s.trim()).filter((s) => s !== "");
  const out = new Set<number>();
  for (const s of parts) {
    const n = Number(s);
    if (!/^\d+$/.test(s) || !(n >= 1) || n > 120) {
      throw new ChurnbookError("bad-param", `param "horizons" must list whole numbers of periods between 1 and 120, got "${s}"`, { hint: 'e.g. --param horizons=1,3,6' });
    }
    out.add(n);
  }
  if (out.size === 0) throw new ChurnbookError("bad-param", `param "horizons" is empty`, { hint: 'e.g. --param horizons=1,3,6' });
  return [...out].sort((a, b) => a - b);
}

function seriesLabel(h: number, grain: EarlyChurnParams["cohort_grain"], locale: Locale): string {
  return msg(locale).cohorts.lostWithin(h, grain !== "month");
}

/**
 * Early churn of new cohorts (新客户群早期流失率) — the warning sign of poor-quality acquisition.
 *
 * Cohorts and ages as in cohort-retention (cohorts/cohort-sql.ts). A member is lost within
 * its first h periods when its first activity spell ended on or before the day h periods after
 * its acquisition (a later return does not undo the loss). early_churn(h) = lost ÷ cohort
 * size; null (lost null too) when the cohort is not old enough: cohort end + h periods > report
 * period end. Trend per horizon: latest = the most recent cohort with a value; previous = pooled
 * rate Σ lost ÷ Σ customers over the earlier cohorts with a value; change = latest − previous;
 * slope = ordinary least-squares slope of the cohorts' rates on cohort order (per cohort period).
 */
/** The horizons and the complete cohorts up to the report period's end, resolved once. */
function plan(p: EarlyChurnParams, ctx: AnalysisContext) {
  requireBasisRole(ctx, "early-churn");
  return { p, ctx: runContext(ctx), period: ctx.period, horizons: parseHorizons(p.horizons), cohorts: completeCohorts(ctx.period.end, p.cohort_grain, p.cohorts) };
}
type Plan = ReturnType<typeof plan>;

export const earlyChurn = defineAnalysis({
  id: "early-churn",
  title: { "zh-CN": "新客户群早期流失率", "en-US": "Early churn of new cohorts" },
  summary: {
    "zh-CN": "每个获客月份（或季度）的新客户群在获客后前 1、3、6 期内流失的比例及其趋势——获客质量差的预警信号。",
    "en-US": "Share of each acquisition cohort lost within its first 1, 3 and 6 periods, and its trend — the warning sign of poor-quality acquisition.",
  },
  definition: {
    "zh-CN":
      "新客户群与账龄的定义同“新客户群留存”。客户在获客后前 h 期内流失：其首个活跃期在获客日之后 h 个周期的那一天或之前结束（之后恢复也仍计为流失）。" +
      "早期流失率（h）= 前 h 期内流失的客户数 ÷ 新客户群规模；若该群尚未满 h 期（获客期结束 + h 个周期 > 报告期末）则为空。" +
      "趋势：最新值 = 有值的最近一个客户群；此前水平 = 更早各群合并计算（Σ流失 ÷ Σ规模）；变化 = 最新值 − 此前水平；斜率 = 各群早期流失率对群序号的最小二乘斜率（每期）。",
    "en-US":
      "Cohorts and ages as in cohort retention. A member is lost within its first h periods when its first activity spell ended on or before the day h periods after its acquisition (a later return does not undo it). " +
      "Early churn(h) = members lost within h periods ÷ cohort size; empty when the cohort is not yet h periods old (cohort end + h periods > report period end). " +
      "Trend: latest = the most recent cohort with a value; previous = the earlier cohorts pooled (Σ lost ÷ Σ cohort sizes); change = latest − previous; slope = least-squares slope of the cohorts' rates on cohort order (per period).",
  },
  params,
  needs: [spellNeeds()],
  mainTable: "early_churn",
  outputs: {
    scalars: {
      "early_churn_<h>": { type: "number", format: "percent", description: { "zh-CN": "最新群组在前 h 期内流失的比例（h 为所设期数之一）", "en-US": "Share of the latest complete cohort lost within its first h periods (h one of the horizons)" }, optional: true },
      "early_churn_<h>_previous": { type: "number", format: "percent", description: { "zh-CN": "上一个群组在前 h 期内流失的比例", "en-US": "The same share for the cohort before it" }, optional: true },
      "early_churn_<h>_slope": { type: "number", format: "number", description: { "zh-CN": "前 h 期流失比例随群组变化的斜率（每期）", "en-US": "Trend slope of the within-h share across cohorts (per cohort period)" }, optional: true },
      cohort_grain: { type: "string", format: "label", description: { "zh-CN": "群组粒度", "en-US": "Cohort grain" } },
    },
    tables: {
      early_churn: {
        description: { "zh-CN": "新客户群早期流失率", "en-US": "Early churn of new cohorts" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          horizon: { type: "integer", format: "count", description: { "zh-CN": "期限：加入后的期数", "en-US": "Horizon: periods after joining" }, label: { "zh-CN": "期限", "en-US": "Horizon" } },
          series: { type: "string", format: "label", description: { "zh-CN": "系列的显示文本（前 h 期）", "en-US": "Series as printed (first h periods)" }, label: { "zh-CN": "系列", "en-US": "Series" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该客户群的客户数", "en-US": "Customers who joined in the cohort" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          lost: { type: "integer", format: "count", description: { "zh-CN": "在期限内流失的客户数", "en-US": "Customers of the cohort lost within the horizon" }, label: { "zh-CN": "流失数", "en-US": "Lost" } },
          early_churn: { type: "number", format: "percent", description: { "zh-CN": "流失数 ÷ 客户群客户数（期限未满为空）", "en-US": "Lost ÷ customers of the cohort (empty while the horizon is not over)" }, label: { "zh-CN": "早期流失率", "en-US": "Early churn" }, missing: { "zh-CN": "该客户群尚未观测满整个期限", "en-US": "the cohort has not been observed for the whole horizon yet" } },
        },
      },
      trend: {
        description: { "zh-CN": "趋势", "en-US": "Trend" },
        columns: {
          horizon: { type: "integer", format: "count", description: { "zh-CN": "期限：加入后的期数", "en-US": "Horizon: periods after joining" }, label: { "zh-CN": "期限", "en-US": "Horizon" } },
          series: { type: "string", format: "label", description: { "zh-CN": "系列的显示文本（前 h 期）", "en-US": "Series as printed (first h periods)" }, label: { "zh-CN": "系列", "en-US": "Series" } },
          cohorts: { type: "integer", format: "count", description: { "zh-CN": "有数值的客户群数", "en-US": "Cohorts with a value" }, label: { "zh-CN": "客户群数", "en-US": "Cohorts" } },
          latest_cohort: { type: "string", format: "period", description: { "zh-CN": "有数值的最近客户群", "en-US": "Latest cohort with a value" }, label: { "zh-CN": "最近客户群", "en-US": "Latest cohort" } },
          latest: { type: "number", format: "number", description: { "zh-CN": "最近客户群的早期流失率", "en-US": "Early churn of the latest cohort" }, label: { "zh-CN": "最近", "en-US": "Latest" } },
          previous: { type: "number", format: "number", description: { "zh-CN": "较早客户群合并：Σ 流失数 ÷ Σ 客户数", "en-US": "Earlier cohorts pooled: Σ lost ÷ Σ customers" }, label: { "zh-CN": "较早客户群", "en-US": "Earlier cohorts" } },
          change: { type: "number", format: "number", description: { "zh-CN": "最近 − 较早客户群", "en-US": "Latest − earlier cohorts" }, label: { "zh-CN": "变化", "en-US": "Change" } },
          slope: { type: "number", format: "number", description: { "zh-CN": "各客户群比率的最小二乘斜率（每期）", "en-US": "Least-squares slope of the cohorts' rates (per cohort period)" }, label: { "zh-CN": "斜率", "en-US": "Slope" } },
        },
      },
    },
  },

  plan,
  reductions({ p, ctx, period, horizons, cohorts }) {
    return { cells: cohortAgesSql(ctx, { grain: p.cohort_grain, cohorts, maxAge: horizons.at(-1)!, periodEnd: period.end, mrr: false }) };
  },

  compute(data, plan) {
    return earlyChurnTables(data.cells ?? [], plan);
  },

  chart(result, { ctx }): ChartSpec | null {
    if (!result.tables.early_churn?.some((r) => r.early_churn !== null)) return null;
    const say = msg(ctx.locale).cohorts;
    return {
      title: say.earlyChurnTitle,
      marks: [
        { mark: "lineY", data: "early_churn", options: { x: "cohort", y: "early_churn", stroke: "series" } },
        { mark: "dot", data: "early_churn", options: { x: "cohort", y: "early_churn", stroke: "series", fill: "series", r: 2.5 } },
      ],
      x: { label: say.acquisitionCohort },
      y: { label: say.shareLost, format: "percent", zero: true },
      color: { legend: true, label: say.horizon },
    };
  },
});

function earlyChurnTables(rows: Row[], { p, ctx, period, horizons, cohorts }: Plan): AnalysisResult {
  const cells = readCells(rows);
  const table: Row[] = [];
  const trend: Row[] = [];
  const scalars: Record<string, number | string | null> = { cohort_grain: p.cohort_grain };
  const notes: string[] = [];
  for (const h of horizons) {
    const series = seriesLabel(h, p.cohort_grain, ctx.locale);
    const points: { index: number; cohort: string; customers: number; lost: number }[] = [];
    cohorts.forEach((c, index) => {
      const size = cells.get(c.start)?.get(0)?.customers ?? 0;
      if (size === 0) return;
      const oldEnough = maxObservableAge(c, period.end, p.cohort_grain) >= h;
      const cell = oldEnough ? cells.get(c.start)?.get(h) : undefined;
      const lost = cell ? cell.customers - cell.survivors : null;
      table.push({ cohort: c.label, horizon: h, series, customers: size, lost, early_churn: lost === null ? null : lost / size });
      if (lost !== null) points.push({ index, cohort: c.label, customers: size, lost });
    });
    const latest = points.at(-1);
    const earlier = points.slice(0, -1);
    const earlierSize = earlier.reduce((a, q) => a + q.customers, 0);
    const previous = earlierSize > 0 ? earlier.reduce((a, q) => a + q.lost, 0) / earlierSize : null;
    const latestRate = latest ? latest.lost / latest.customers : null;
    const slope = olsSlope(points.map((q) => q.index), points.map((q) => q.lost / q.customers));
    trend.push({
      horizon: h,
      series,
      cohorts: points.length,
      latest_cohort: latest?.cohort ?? null,
      latest: latestRate,
      previous,
      change: latestRate !== null && previous !== null ? latestRate - previous : null,
      slope,
    });
    scalars[`early_churn_${h}`] = latestRate;
    scalars[`early_churn_${h}_previous`] = previous;
    scalars[`early_churn_${h}_slope`] = slope;
    if (points.length === 0) notes.push(msg(ctx.locale).cohorts.notOldEnough(h));
  }
  table.sort((a, b) => (a.horizon as number) - (b.horizon as number) || String(a.cohort).localeCompare(String(b.cohort)));
  return { scalars, tables: { early_churn: table, trend }, notes };
}

/** Least-squares slope of y on x; null with fewer than 2 distinct x. */
function olsSlope(x: number[], y: number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, v) => a + v, 0) / n, my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}
