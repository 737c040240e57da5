import { type Static, Type } from "@sinclair/typebox";
import type { Analysis, Row, Value } from "./types.js";
import { samePeriodLastYear, shiftPeriod } from "../util/period.js";
import { baseDefinition, conventionParam, includeFreeParam, periodNeeds, periodParam, resolvePeriod } from "./period-metrics/common.js";
import {
  assertBridge, basisDataset, conventionExplanations, droppedNotes, conventions, dailyEvents, metricKeys, metricNotes, periodMetrics, type Convention, type PeriodMetrics,
} from "./period-metrics/metrics.js";
import { checkBasisRole, dailyEventsSql, droppedRowsSql, periodAggregateSql, revenueBasis } from "./period-metrics/sql.js";

const params = Type.Object({
  period: periodParam,
  convention: conventionParam,
  conventions: Type.Union([Type.Literal("selected"), Type.Literal("compare")], {
    default: "selected",
    description: "compare = also return the table `conventions`: the period's churn rate under every convention side by side",
  }),
  include_free: includeFreeParam,
});
export type ChurnSummaryParams = Static<typeof params>;

/**
 * Period churn and revenue summary (客户流失率 / 保持率 / 增长率 / MRR / GRR / NRR) for the
 * report period (or `period`), its previous period (prev_) and the same period last year (ly_).
 *
 * Customers are counted per activity spell (sql/spells.ts): at start = spells active at the
 * period start (start < b ≤ end); new = first spells starting in the period; reactivated =
 * later spells starting in it; churned = spells ending in it; end = start + new + reactivated
 * − churned (checked: a data shape that breaks it is a ChurnbookError "customer-identity"
 * naming the customers). A customer who joins and leaves within the period counts in new and in
 * churned. Free spells (mrr 0 throughout) are left out unless include_free.
 * Churn rate: standard = customers at start not active at the end ÷ customers at start
 * (ChartMogul: joined-and-left and churned-and-reactivated excluded); stripe = churn events ÷
 * (start + new + reactivated); rolling30 = mean over the period's days of the trailing 30-day
 * rate (ends in t−29…t ÷ active at t−29). Retention = 1 − churn; growth = new ÷ start.
 * Revenue: per-customer MRR at both boundaries (period revenue, previous vs this period, for
 * the inactivity basis) classified into new/expansion/reactivation/contraction/churn; gross
 * MRR churn = (churn + contraction) ÷ start; net = (churn + contraction − expansion −
 * reactivation) ÷ start; GRR/NRR on the starting cohort; quick ratio = (new + expansion +
 * reactivation) ÷ (churn + contraction), null when that is 0. Zero denominators → null.
 */
export const churnSummary: Analysis<ChurnSummaryParams> = {
  id: "churn-summary",
  title: { "zh-CN": "客户流失与收入核心指标", "en-US": "Churn and revenue summary" },
  summary: {
    "zh-CN": "报告期的期初/新增/恢复/流失/期末客户数、客户流失率（可选口径）、保持率、增长率、MRR 变动、GRR/NRR 和快速比率，附环比和同比。",
    "en-US": "Customers at start, new, reactivated, churned and at end; churn rate (selectable convention), retention, growth; MRR movements, GRR/NRR and quick ratio — with previous-period and last-year values.",
  },
  definition: baseDefinition,
  params,
  needs: [periodNeeds()],
  mainTable: "metrics",

  reductions(p, ctx) {
    checkBasisRole(ctx, "churn-summary");
    const period = resolvePeriod(p.period, ctx.period);
    const periods = [period, shiftPeriod(period, -1), samePeriodLastYear(period)];
    const opts = { includeFree: p.include_free };
    const out: Record<string, string> = { periods: periodAggregateSql(ctx, periods, opts), dropped: droppedRowsSql(ctx, period, opts) };
    if (p.convention === "rolling30" || p.conventions === "compare") out.daily = dailyEventsSql(ctx, periods, opts, period.end);
    return out;
  },

  compute(data, p, ctx) {
    const period = resolvePeriod(p.period, ctx.period);
    const prev = shiftPeriod(period, -1);
    const ly = samePeriodLastYear(period);
    const byLabel = new Map((data.periods ?? []).map((r) => [String(r.label), r]));
    const ev = data.daily ? dailyEvents(data.daily) : undefined;
    const source = { dataset: basisDataset(ctx) };
    const get = (label: string): Row => {
      const r = byLabel.get(label);
      if (!r) throw new Error(`churn-summary: no aggregate row for ${label}`);
      assertBridge(r, source);
      return r;
    };
    const rows = { cur: get(period.label), prev: get(prev.label), ly: get(ly.label) };
    const cur = periodMetrics(rows.cur, p.convention, ev, source);
    const pre = periodMetrics(rows.prev, p.convention, ev, source);
    const last = periodMetrics(rows.ly, p.convention, ev, source);
    const basis = revenueBasis(ctx);

    const scalars: Record<string, Value> = {
      period: period.label,
      prev_period: prev.label,
      ly_period: ly.label,
      convention: p.convention,
      revenue_basis: basis,
    };
    for (const k of metricKeys) {
      scalars[k] = cur[k];
      scalars[`prev_${k}`] = pre[k];
      scalars[`ly_${k}`] = last[k];
    }
    const metrics: Row[] = metricKeys.map((k) => ({ metric: k, value: cur[k], previous: pre[k], last_year: last[k] }));
    const tables: Record<string, Row[]> = { metrics };
    if (p.conventions === "compare") tables.conventions = compareConventions(rows.cur, ev, ctx.locale);

    const zh = ctx.locale === "zh-CN";
    const notes = [...droppedNotes(data.dropped?.[0], period.label, ctx.locale), ...metricNotes(cur, period.label, ctx.locale, p.convention)];
    if (basis === null)
      notes.push(zh ? "没有 MRR（订阅）或金额（交易）字段，收入指标为空。" : "No mrr (subscriptions) or amount (transactions) field: the revenue metrics are null.");
    else if (basis === "period_revenue")
      notes.push(zh ? "非合约型（不活跃窗口）口径：MRR 类指标以期间收入计算，期初水平 = 上一期收入，期末水平 = 本期收入。" : "Inactivity basis: the MRR metrics use period revenue — the start level is the previous period's revenue, the end level this period's.");
    const bad = Number(rows.cur.inconsistent_count ?? 0);
    if (bad > 0)
      notes.push(zh ? `${bad} 条收入记录无法归属到客户（${String(rows.cur.inconsistent_customers)}），但收入桥仍然平衡。` : `${bad} revenue records could not be attributed to a customer (${String(rows.cur.inconsistent_customers)}); the bridge still reconciles.`);
    return { scalars, tables, notes };
  },

  // A KPI table: no default chart (the trend and the leaky bucket draw these numbers).
  chart() {
    return null;
  },
};

/** The period's churn rate under every convention (table `conventions`). */
function compareConventions(row: Row, ev: ReturnType<typeof dailyEvents> | undefined, locale: "zh-CN" | "en-US"): Row[] {
  return conventions.map((c: Convention) => {
    const m: PeriodMetrics = periodMetrics(row, c, ev);
    return { convention: c, churn_rate: m.churn_rate, numerator: m.churn_numerator, denominator: m.churn_denominator, explanation: conventionExplanations[c][locale] };
  });
}
