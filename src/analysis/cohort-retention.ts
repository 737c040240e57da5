import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { cohortAgesSql, completeCohorts, hasSubscriptionMrr, maxObservableAge, ratio, readCells, requireBasisRole, spellNeeds } from "./cohorts/cohort-sql.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Row } from "./types.js";
import { msg } from "../locales/index.js";
import { formatInteger, formatPeriod } from "../util/format.js";

const params = Type.Object({
  cohort_grain: Type.Union([Type.Literal("month"), Type.Literal("quarter")], {
    default: "month",
    description: "Length of a cohort period and of one age step: month or quarter.",
  }),
  periods: Type.Integer({ minimum: 0, maximum: 120, default: 12, description: "Highest age shown, in cohort periods since acquisition (ages 0..periods)." }),
  cohorts: Type.Integer({ minimum: 1, maximum: 240, default: 12, description: "Number of most recent complete acquisition cohorts shown." }),
});
export type CohortRetentionParams = Static<typeof params>;

/**
 * From this point of the colour ramp on, a heatmap cell (the "blues" scheme) is dark enough for
 * a white label: blues(0.7) = #2f7ebc gives white text a contrast of 4.4:1, dark grey 6:1 below it.
 */
const darkCellShare = 0.7;

/**
 * The low end of the heatmap's colour domain: the lowest retention shown, rounded down to 5 %,
 * so 65–100 % uses the whole ramp (on [0, 1] every cell would be a similar dark blue). The
 * domain ends at 100 % (age 0); a floor of at most 95 % keeps the ramp from collapsing.
 */
export function heatmapFloor(heatmap: Row[]): number {
  const lowest = Math.min(1, ...heatmap.map((r) => r.retention).filter((v): v is number => typeof v === "number"));
  return Math.min(0.95, Math.max(0, Math.floor(lowest * 20 + 1e-9) / 20));
}

/** The ages whose cohort-weighted average retention is reported as a scalar. */
const scalarAges = [1, 3, 6, 12] as const;

/**
 * Acquisition-cohort retention table (新客户群留存).
 *
 * Cohort: customers whose first activity spell (first subscription / first purchase, see
 * sql/spells.ts) starts in a calendar month (or quarter); the last `cohorts` complete cohort
 * periods ending on or before the report period's end. Age k of a customer is the day k cohort
 * periods after their own acquisition date; they are active at age k when a spell covers that
 * day (start ≤ day < end; returning customers count). Age 0 is the acquisition day, so
 * retention(0) = 1. A cell (cohort, k) is shown only when every member has reached age k by the
 * report period's end (cohort end + k periods ≤ period end): no partial or future cells.
 * - customers = cohort size; active = members active at age k; retention = active ÷ customers.
 * - mrr = Σ MRR of members' subscriptions covering their age-k day (subscriptions basis with an
 *   mrr field, else null); net_revenue_retention = mrr(k) ÷ mrr(0);
 *   gross_revenue_retention = Σ min(mrr_i(k), mrr_i(0)) ÷ mrr(0) (≤ 1); null when mrr(0) = 0.
 * Scalars retention_age_k: cohort-size-weighted mean retention at age k over the shown cohorts
 * observed at age k (= Σ active ÷ Σ customers), null when none.
 */
/** The complete cohorts up to the report period's end and whether MRR is there, resolved once. */
function plan(p: CohortRetentionParams, ctx: AnalysisContext) {
  requireBasisRole(ctx, "cohort-retention");
  return { p, ctx: runContext(ctx), period: ctx.period, cohorts: completeCohorts(ctx.period.end, p.cohort_grain, p.cohorts), withMrr: hasSubscriptionMrr(ctx) };
}
type Plan = ReturnType<typeof plan>;

export const cohortRetention = defineAnalysis({
  id: "cohort-retention",
  title: { "zh-CN": "新客户群留存", "en-US": "Cohort retention" },
  summary: {
    "zh-CN": "按获客月份（或季度）分组的新客户群，在获客后第 0…N 期的活跃客户数、客户留存率与收入留存率（NRR/GRR）。",
    "en-US": "Acquisition cohorts by month (or quarter): active customers, customer retention and net/gross revenue retention at each age since acquisition.",
  },
  definition: {
    "zh-CN":
      "新客户群：首个活跃期（首次订阅或首次购买）开始于同一自然月（或季度）的客户；只取报告期末之前已完整结束的最近若干个获客期。" +
      "第 k 期（账龄 k）：每位客户自身获客日之后恰好 k 个周期的那一天（月末对齐，如 1 月 31 日 + 1 个月 = 2 月末）；当天处于某个活跃期内（开始日 ≤ 当天 < 结束日，或尚未结束）即计为活跃，流失后恢复的客户也计入。第 0 期即获客当天，故第 0 期留存率 = 100%。" +
      "只有当该群全部客户在报告期末前都已到达第 k 期（获客期结束 + k 个周期 ≤ 报告期末）时才显示该格，不含未来或不完整的格。" +
      "客户留存率 = 第 k 期活跃客户数 ÷ 新客户群规模。MRR = 客户在其第 k 期当天有效订阅的 MRR 之和（仅适用于订阅数据）。净收入留存率（NRR）= 第 k 期 MRR ÷ 第 0 期 MRR；总收入留存率（GRR）= Σ min（客户第 k 期 MRR，客户第 0 期 MRR）÷ 第 0 期 MRR（≤ 100%）；第 0 期 MRR 为 0 时不计算。" +
      "汇总指标“第 k 期留存率”为已观察到第 k 期的各群按规模加权的平均值（Σ活跃 ÷ Σ规模）。",
    "en-US":
      "Cohort: customers whose first activity spell (first subscription or first purchase) starts in the same calendar month (or quarter); the most recent cohort periods that are complete by the end of the report period. " +
      "Age k: the day exactly k cohort periods after each customer's own acquisition date (month ends clamp: 31 Jan + 1 month = end of Feb); the customer is active at age k when a spell covers that day (start ≤ day < end, or no end yet), returning customers included. Age 0 is the acquisition day, so retention at age 0 is 100%. " +
      "A cell is shown only when every member has reached age k by the end of the report period (cohort end + k periods ≤ period end): no partial or future cells. " +
      "Customer retention rate = active at age k ÷ cohort size. MRR = sum of the MRR of each member's subscriptions covering their age-k day (subscription data only). Net revenue retention (NRR) = MRR at age k ÷ MRR at age 0; gross revenue retention (GRR) = Σ min(customer MRR at age k, customer MRR at age 0) ÷ MRR at age 0 (≤ 100%); not defined when MRR at age 0 is 0. " +
      "The summary 'retention at age k' is the size-weighted mean over the cohorts observed at age k (Σ active ÷ Σ cohort sizes).",
  },
  params,
  needs: [spellNeeds()],
  mainTable: "cohorts",
  outputs: {
    scalars: {
      cohort_grain: { type: "string", format: "label", description: { "zh-CN": "群组粒度", "en-US": "Cohort grain" } },
      cohorts: { type: "integer", format: "count", description: { "zh-CN": "群组数", "en-US": "Cohorts" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      retention_age_1: { type: "number", format: "percent", description: { "zh-CN": "第 1 期留存率", "en-US": "Retention age 1" } },
      retention_age_3: { type: "number", format: "percent", description: { "zh-CN": "第 3 期留存率", "en-US": "Retention age 3" } },
      retention_age_6: { type: "number", format: "percent", description: { "zh-CN": "第 6 期留存率", "en-US": "Retention age 6" } },
      retention_age_12: { type: "number", format: "percent", description: { "zh-CN": "第 12 期留存率", "en-US": "Retention age 12" } },
      net_revenue_retention_age_12: { type: "number", format: "percent", description: { "zh-CN": "第 12 期净收入留存率", "en-US": "Net revenue retention age 12" } },
      gross_revenue_retention_age_12: { type: "number", format: "percent", description: { "zh-CN": "第 12 期毛收入留存率", "en-US": "Gross revenue retention age 12" } },
    },
    tables: {
      cohorts: {
        description: { "zh-CN": "新客户群留存", "en-US": "Cohort retention" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          age: { type: "integer", format: "count", description: { "zh-CN": "加入后的期数", "en-US": "Periods since the cohort joined" }, label: { "zh-CN": "月龄", "en-US": "Age" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该客户群的客户数", "en-US": "Customers who joined in the cohort" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          active: { type: "integer", format: "count", description: { "zh-CN": "该期龄仍活跃的客户数", "en-US": "Customers of the cohort active at this age" }, label: { "zh-CN": "活跃客户", "en-US": "Active" } },
          retention: { type: "number", format: "percent", description: { "zh-CN": "活跃客户数 ÷ 客户群客户数", "en-US": "Active ÷ customers of the cohort" }, label: { "zh-CN": "留存率", "en-US": "Retention" } },
          mrr: { type: "number", format: "currency", description: { "zh-CN": "该期龄客户群的MRR", "en-US": "MRR of the cohort at this age" }, label: { "zh-CN": "月经常性收入", "en-US": "MRR" } },
          net_revenue_retention: { type: "number", format: "percent", description: { "zh-CN": "该期龄MRR ÷ 客户群起始MRR", "en-US": "MRR at this age ÷ the cohort's starting MRR" }, label: { "zh-CN": "净收入留存率", "en-US": "Net revenue retention" } },
          gross_revenue_retention: { type: "number", format: "percent", description: { "zh-CN": "该期龄保留的起始MRR（不含扩展）÷ 起始MRR", "en-US": "Starting MRR kept at this age, without expansion, ÷ starting MRR" }, label: { "zh-CN": "总收入留存率", "en-US": "Gross revenue retention" } },
        },
      },
      cohort_sizes: {
        description: { "zh-CN": "群组规模", "en-US": "Cohort sizes" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          cohort_start: { type: "date", format: "date", description: { "zh-CN": "客户群期间首日", "en-US": "First day of the cohort's period" }, label: { "zh-CN": "客户群开始", "en-US": "Cohort start" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该客户群的客户数", "en-US": "Customers who joined in the cohort" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          starting_mrr: { type: "number", format: "currency", description: { "zh-CN": "客户群加入时的MRR", "en-US": "MRR of the cohort when it joined" }, label: { "zh-CN": "起始MRR", "en-US": "Starting MRR" } },
          observed_ages: { type: "integer", format: "count", description: { "zh-CN": "已观测的期数", "en-US": "Ages observed so far" }, label: { "zh-CN": "已观测期数", "en-US": "Observed ages" } },
        },
      },
      heatmap: {
        description: { "zh-CN": "留存热力图", "en-US": "Heatmap" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          cohort_label: { type: "string", format: "label", description: { "zh-CN": "客户群及其规模（显示文本）", "en-US": "Cohort with its size, as printed" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          age: { type: "integer", format: "count", description: { "zh-CN": "加入后的期数", "en-US": "Periods since the cohort joined" }, label: { "zh-CN": "月龄", "en-US": "Age" } },
          retention: { type: "number", format: "percent", description: { "zh-CN": "该期龄仍活跃的客户比例", "en-US": "Share of the cohort active at this age" }, label: { "zh-CN": "留存率", "en-US": "Retention" } },
          label: { type: "string", format: "label", description: { "zh-CN": "单元格中显示的留存率", "en-US": "Retention as printed in the cell" }, label: { "zh-CN": "标签", "en-US": "Label" } },
          label_tone: { type: "string", format: "label", description: { "zh-CN": "单元格文字颜色：浅色或深色", "en-US": "Text colour for the cell: light or dark" }, label: { "zh-CN": "标签色调", "en-US": "Label tone" } },
        },
      },
    },
  },

  plan,
  reductions({ p, ctx, period, cohorts, withMrr }) {
    return { cells: cohortAgesSql(ctx, { grain: p.cohort_grain, cohorts, maxAge: p.periods, periodEnd: period.end, mrr: withMrr }) };
  },

  compute(data, plan) {
    return retentionTable(data.cells ?? [], plan);
  },

  chart(result, { ctx }): ChartSpec | null {
    const heatmap = result.tables.heatmap;
    if (!heatmap?.length) return null;
    const say = msg(ctx.locale).cohorts;
    // Cohorts by date (the rows' order), each labelled with its size.
    const cohorts = [...new Set(heatmap.map((r) => String(r.cohort_label)))];
    return {
      title: say.retentionTitle,
      height: Math.max(160, 40 + 24 * cohorts.length),
      marks: [
        { mark: "cell", data: "heatmap", options: { x: "age", y: "cohort_label", fill: "retention", inset: 0.5 } },
        // Cell labels without a halo (it blurs at print size): white on dark cells, dark grey on light ones.
        { mark: "text", data: "heatmap", filter: { label_tone: "light" }, options: { x: "age", y: "cohort_label", text: "label", fill: "white", fontSize: 9 } },
        { mark: "text", data: "heatmap", filter: { label_tone: "dark" }, options: { x: "age", y: "cohort_label", text: "label", fill: "#1f2933", fontSize: 9 } },
      ],
      x: { label: say.periodsSinceAcquisition, type: "band" },
      y: { label: say.cohortWithSize, type: "band", domain: cohorts },
      // A sequential ramp for the one measure, over the data's range (heatmapFloor).
      color: { label: say.retentionRate, format: "percent", legend: true, type: "linear", scheme: "blues", domain: [heatmapFloor(heatmap), 1] },
    };
  },

});

function retentionTable(rows: Row[], { p, ctx, period, cohorts, withMrr }: Plan): AnalysisResult {
  const cells = readCells(rows);
  const notes: string[] = [];
  const table: Row[] = [];
  const heatmap: Row[] = [];
  const sizes: Row[] = [];
  const sums = new Map<number, { active: number; customers: number; mrr: number; mrr0: number; capped: number }>();
  for (const c of cohorts) {
    const byAge = cells.get(c.start);
    const zero = byAge?.get(0);
    const size = zero?.customers ?? 0;
    const observable = Math.min(p.periods, maxObservableAge(c, period.end, p.cohort_grain));
    sizes.push({ cohort: c.label, cohort_start: c.start, customers: size, starting_mrr: withMrr ? zero?.mrrStart ?? 0 : null, observed_ages: size > 0 ? observable + 1 : 0 });
    if (!byAge || size === 0) continue;
    if (withMrr && zero!.mrrStart === 0) notes.push(msg(ctx.locale).cohorts.noMrrAtAcquisition(c.label));
    for (let k = 0; k <= p.periods; k++) {
      const cell = byAge.get(k);
      if (!cell) continue;
      const retention = cell.active / cell.customers;
      table.push({
        cohort: c.label,
        age: k,
        customers: cell.customers,
        active: cell.active,
        retention,
        mrr: withMrr ? cell.mrr : null,
        net_revenue_retention: withMrr ? ratio(cell.mrr, cell.mrrStart) : null,
        gross_revenue_retention: withMrr ? ratio(cell.mrrCapped, cell.mrrStart) : null,
      });
      heatmap.push({ cohort: c.label, cohort_label: msg(ctx.locale).cohorts.cohortSize(formatPeriod(c.label, ctx.locale), formatInteger(size, ctx.locale)), age: k, retention, label: `${Math.round(retention * 100)}%`, label_tone: "dark" });
      const s = sums.get(k) ?? { active: 0, customers: 0, mrr: 0, mrr0: 0, capped: 0 };
      s.active += cell.active;
      s.customers += cell.customers;
      s.mrr += cell.mrr ?? 0;
      s.mrr0 += cell.mrrStart ?? 0;
      s.capped += cell.mrrCapped ?? 0;
      sums.set(k, s);
    }
  }
  // Label colours by the cell's place on the colour ramp (the chart's domain, heatmapFloor–100 %).
  const floor = heatmapFloor(heatmap);
  for (const h of heatmap) h.label_tone = ((h.retention as number) - floor) / (1 - floor) >= darkCellShare ? "light" : "dark";
  if (table.length === 0) notes.push(msg(ctx.locale).cohorts.noneAcquired(cohorts.length, cohorts.at(-1)?.label ?? period.label));
  const scalars: Record<string, number | string | null> = {
    cohort_grain: p.cohort_grain,
    cohorts: sizes.filter((s) => (s.customers as number) > 0).length,
    customers: sizes.reduce((a, s) => a + (s.customers as number), 0),
  };
  for (const k of scalarAges) {
    const s = k <= p.periods ? sums.get(k) : undefined;
    scalars[`retention_age_${k}`] = s ? ratio(s.active, s.customers) : null;
  }
  const s12 = p.periods >= 12 ? sums.get(12) : undefined;
  scalars.net_revenue_retention_age_12 = withMrr && s12 ? ratio(s12.mrr, s12.mrr0) : null;
  scalars.gross_revenue_retention_age_12 = withMrr && s12 ? ratio(s12.capped, s12.mrr0) : null;
  return { scalars, tables: { cohorts: table, cohort_sizes: sizes, heatmap }, notes };
}
