import { type Static, Type } from "@sinclair/typebox";
import { defineAnalysis, engineTableHead, runContext, type AnalysisContext, type Locale, type Localized, type Product, type Row, type Value } from "./types.js";
import { fnv1a64 } from "../util/hash.js";
import type { Period } from "../util/period.js";
import type { PeriodSqlOptions } from "./period-metrics/sql.js";
import { ChurnbookError } from "../util/errors.js";
import { baseDefinition, includeFreeParam, periodNeeds, periodParam, resolvePeriod } from "./period-metrics/common.js";
import { basisDataset, bridgeError, droppedNotes } from "./period-metrics/metrics.js";
import { boundaryTotalsSql, checkBasisRole, droppedRowsSql, movementLogSql, revenueBasis, type RevenueBasis } from "./period-metrics/sql.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  period: periodParam,
  include_free: includeFreeParam,
});
export type MrrMovementsParams = Static<typeof params>;

export const movementKinds = ["new", "expansion", "reactivation", "contraction", "churn"] as const;
export type MovementKind = (typeof movementKinds)[number];

const stepLabels: Record<MovementKind | "start" | "end", Localized> = {
  start: { "zh-CN": "期初MRR", "en-US": "MRR at start" },
  new: { "zh-CN": "新增", "en-US": "New" },
  expansion: { "zh-CN": "扩展", "en-US": "Expansion" },
  reactivation: { "zh-CN": "恢复", "en-US": "Reactivation" },
  contraction: { "zh-CN": "收缩", "en-US": "Contraction" },
  churn: { "zh-CN": "流失", "en-US": "Churn" },
  end: { "zh-CN": "期末MRR", "en-US": "MRR at end" },
};
const revenueLevelLabels: Record<"start" | "end", Localized> = {
  start: { "zh-CN": "上期收入", "en-US": "Previous period revenue" },
  end: { "zh-CN": "本期收入", "en-US": "Period revenue" },
};

/** Localised label of a bridge step (start/end depend on the revenue basis). */
export function bridgeStepLabel(step: MovementKind | "start" | "end", locale: Locale, basis: RevenueBasis | null): string {
  if ((step === "start" || step === "end") && basis === "period_revenue") return revenueLevelLabels[step][locale];
  return stepLabels[step][locale];
}

const num = (v: Value | undefined): number => (typeof v === "number" ? v : Number(v ?? 0));

/**
 * The movements table from the movement log: the customers with a movement, values missing as 0,
 * in movement order (new, expansion, reactivation, contraction, churn), then by the size of the
 * change (largest first), then by customer id (byte order) — a total order; optionally its first rows.
 */
function movementsSql(log: string, limit?: number): string {
  const kind = `CASE movement ${movementKinds.map((k, i) => `WHEN '${k}' THEN ${i}`).join(" ")} END`;
  return `SELECT customer_id, movement, CAST(COALESCE(mrr_start, 0) AS DOUBLE PRECISION) AS mrr_start, CAST(COALESCE(mrr_end, 0) AS DOUBLE PRECISION) AS mrr_end, CAST(COALESCE(delta, 0) AS DOUBLE PRECISION) AS delta
  FROM (${log}) AS m WHERE ok AND movement IS NOT NULL
  ORDER BY ${kind}, abs(COALESCE(delta, 0)) DESC, customer_id${limit === undefined ? "" : ` LIMIT ${limit}`}`;
}

/**
 * The movement log of a period, computed once into a temporary table of the engine: the sums per
 * movement, the rows that cannot be attributed, the table's head and the whole streamed table
 * all read it (four scans of one table instead of four runs of the log's query).
 */
const movementLog: Product<{ period: Period; opts: PeriodSqlOptions }, { table: string }> = {
  id: "mrr-movement-log",
  reductions: () => ({}),
  compute: (_data, q, ctx) => ({ table: `churnbook_movements_${fnv1a64(movementLogSql(ctx, q.period, q.opts))}` }),
  tables: (value, q, ctx) => ({ [value.table]: movementLogSql(ctx, q.period, q.opts) }),
};

/** The movement log's table among an analysis's products (the runner always computes it). */
function movementLogOf(products: Record<string, unknown> | undefined): string {
  const log = products?.[movementLog.id] as { table: string } | undefined;
  if (!log) throw new Error(`the runner did not compute the "${movementLog.id}" product`);
  return log.table;
}

/**
 * MRR movements (新增 / 扩展 / 收缩 / 流失 / 恢复 MRR) of the report period (or `period`): the
 * customer-level movement log and the bridge from MRR at start to MRR at end.
 *
 * A customer's MRR at boundary b = Σ mrr of their subscriptions with start_date < b ≤
 * end_date (open end counts) — the spells' boundary rule; computed per customer in SQL.
 * Movement (one per customer whose MRR changes): not active at start and MRR > 0 at end →
 * new (no earlier spell) or reactivation; active at start, not active at end → churn; active
 * at both → expansion (MRR up) or contraction (down). delta = mrr_end − mrr_start.
 * Inactivity basis: period revenue instead of MRR — start = the previous period's revenue,
 * end = this period's; in the base = revenue ≠ 0. Bridge: start + Σ delta = end, checked
 * against boundary totals taken straight from the source; a mismatch (rows that cannot be
 * attributed to a customer, non-finite values) throws ChurnbookError "mrr-bridge" naming them.
 */
export const mrrMovements = defineAnalysis({
  id: "mrr-movements",
  title: { "zh-CN": "MRR 变动明细", "en-US": "MRR movements" },
  summary: {
    "zh-CN": "报告期内每位客户的 MRR 变动（新增、扩展、收缩、流失、恢复）及从期初 MRR 到期末 MRR 的收入桥。",
    "en-US": "Customer-level MRR movements of the period (new, expansion, contraction, churn, reactivation) and the bridge from MRR at start to MRR at end.",
  },
  definition: {
    "zh-CN":
      baseDefinition["zh-CN"] +
      "变动明细：每位 MRR 有变化的客户一行（客户、变动类型、期初MRR、期末MRR、变化 = 期末 − 期初）。收入桥：期初MRR + 新增 + 扩展 + 恢复 − 收缩 − 流失 = 期末MRR，并与直接从源数据汇总的期初、期末 MRR 核对；不平衡（如缺少客户编号、MRR 不是有限数值）时报错并列出相关客户。",
    "en-US":
      baseDefinition["en-US"] +
      " Movement log: one row per customer whose MRR changes (customer, movement, MRR at start, MRR at end, delta = end − start). Bridge: MRR at start + new + expansion + reactivation − contraction − churn = MRR at end, checked against the boundary totals summed straight from the source data; a mismatch (e.g. rows without a customer id, or an MRR that is not a finite number) is an error naming the customers concerned.",
  },
  params,
  needs: [periodNeeds(true)],
  mainTable: "movements",
  outputs: {
    scalars: {
      period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
      revenue_basis: { type: "string", format: "label", description: { "zh-CN": "收入口径", "en-US": "Revenue basis" } },
      mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初MRR", "en-US": "MRR at start" } },
      new_mrr: { type: "number", format: "currency", description: { "zh-CN": "新增 MRR", "en-US": "New MRR" } },
      expansion_mrr: { type: "number", format: "currency", description: { "zh-CN": "扩展 MRR", "en-US": "Expansion MRR" } },
      reactivation_mrr: { type: "number", format: "currency", description: { "zh-CN": "恢复 MRR", "en-US": "Reactivation MRR" } },
      contraction_mrr: { type: "number", format: "currency", description: { "zh-CN": "收缩 MRR", "en-US": "Contraction MRR" } },
      churned_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失 MRR", "en-US": "Churned MRR" } },
      mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末MRR", "en-US": "MRR at end" } },
      net_new_mrr: { type: "number", format: "currency", description: { "zh-CN": "净新增 MRR", "en-US": "Net new MRR" } },
      customers_moved: { type: "integer", format: "count", description: { "zh-CN": "MRR 变动客户数", "en-US": "Customers moved" } },
      new_customers: { type: "integer", format: "count", description: { "zh-CN": "新增客户", "en-US": "New customers" } },
      expansion_customers: { type: "integer", format: "count", description: { "zh-CN": "扩展客户数", "en-US": "Expansion customers" } },
      reactivation_customers: { type: "integer", format: "count", description: { "zh-CN": "恢复客户数", "en-US": "Reactivation customers" } },
      contraction_customers: { type: "integer", format: "count", description: { "zh-CN": "收缩客户数", "en-US": "Contraction customers" } },
      churned_customers: { type: "integer", format: "count", description: { "zh-CN": "流失客户数", "en-US": "Churned customers" } },
    },
    tables: {
      movements: {
        description: { "zh-CN": "MRR 变动明细", "en-US": "MRR movements" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          movement: { type: "string", format: "label", description: { "zh-CN": "变动类型代码（新增、扩展、收缩、流失、恢复）", "en-US": "Movement code (new, expansion, contraction, churn, reactivation)" }, label: { "zh-CN": "变动类型", "en-US": "Movement" } },
          mrr_start: { type: "number", format: "currency", description: { "zh-CN": "期初月经常性收入", "en-US": "MRR at the start of the period" }, label: { "zh-CN": "期初MRR", "en-US": "MRR at start" } },
          mrr_end: { type: "number", format: "currency", description: { "zh-CN": "期末月经常性收入", "en-US": "MRR at the end of the period" }, label: { "zh-CN": "期末MRR", "en-US": "MRR at end" } },
          delta: { type: "number", format: "currency", description: { "zh-CN": "期末MRR − 期初MRR", "en-US": "MRR at end − MRR at start" }, label: { "zh-CN": "变动", "en-US": "Change" } },
        },
      },
      bridge: {
        description: { "zh-CN": "MRR 桥", "en-US": "Bridge" },
        columns: {
          step: { type: "string", format: "label", description: { "zh-CN": "步骤代码（期初、新增、扩展、恢复、收缩、流失、期末）", "en-US": "Step code (start, new, expansion, reactivation, contraction, churn, end)" }, label: { "zh-CN": "步骤", "en-US": "Step" } },
          label: { type: "string", format: "label", description: { "zh-CN": "步骤的显示名称", "en-US": "Step as readers see it" }, label: { "zh-CN": "步骤", "en-US": "Step" } },
          value: { type: "number", format: "currency", description: { "zh-CN": "该步骤的MRR（流出为负）", "en-US": "MRR of the step (outflows negative)" }, label: { "zh-CN": "MRR", "en-US": "MRR" } },
          kind: { type: "string", format: "label", description: { "zh-CN": "柱类型：合计、流入或流出", "en-US": "Bar kind: a total, an inflow or an outflow" }, label: { "zh-CN": "类型", "en-US": "Kind" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该步骤的客户数", "en-US": "Customers in the step" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
        },
      },
    },
  },

  // The period and the revenue basis (there must be one: MRR or amounts), resolved once.
  plan(p: MrrMovementsParams, ctx: AnalysisContext) {
    checkBasisRole(ctx, "mrr-movements");
    const basis = revenueBasis(ctx);
    if (basis === null) {
      const sub = ctx.churn.kind === "subscriptions";
      throw new ChurnbookError("missing-field", `analysis "mrr-movements" needs field "${sub ? "mrr" : "amount"}" in the ${sub ? "subscriptions" : "transactions"} dataset`, {
        hint: `map a column to it, e.g. --map ${sub ? "subscriptions.mrr" : "transactions.amount"}=<column>`,
      });
    }
    return { ctx: runContext(ctx), period: resolvePeriod(p.period, ctx.period), opts: { includeFree: p.include_free }, basis, source: { dataset: basisDataset(ctx) } };
  },

  // The movement log stays in the engine (one row per moving customer: a million at 10^6): the
  // sums and counts per movement, the rows that cannot be attributed, and the table's head come
  // back; the whole table is an engine table (analysis/types.ts), streamed into the outputs.
  products: ({ period, opts }) => ({ [movementLog.id]: { product: movementLog, params: { period, opts } } }),
  reductions({ ctx, period, opts }) {
    return {
      totals: boundaryTotalsSql(ctx, period),
      dropped: droppedRowsSql(ctx, period, opts),
    };
  },
  productReductions(_plan, products) {
    const log = `SELECT * FROM ${movementLogOf(products)}`;
    return {
      kinds: `SELECT movement, CAST(SUM(delta) AS DOUBLE PRECISION) AS delta, COUNT(*) AS customers FROM (${log}) AS m WHERE ok AND movement IS NOT NULL GROUP BY movement`,
      bad: `SELECT customer_id, issue FROM (${log}) AS m WHERE ok IS NOT TRUE`,
      head: movementsSql(log, engineTableHead),
    };
  },

  compute(data, { ctx, period, basis, source }, products) {
    const totals = data.totals?.[0] ?? {};
    const start = totals.mrr_start === null || totals.mrr_start === undefined ? null : Number(totals.mrr_start);
    const end = totals.mrr_end === null || totals.mrr_end === undefined ? null : Number(totals.mrr_end);
    const bad = data.bad ?? [];
    // Σ delta per movement: exact decimal sums in the engine (the deltas are exact decimals).
    const sums: Record<MovementKind, number> = { new: 0, expansion: 0, reactivation: 0, contraction: 0, churn: 0 };
    const counts: Record<MovementKind, number> = { new: 0, expansion: 0, reactivation: 0, contraction: 0, churn: 0 };
    for (const k of data.kinds ?? []) {
      sums[k.movement as MovementKind] = num(k.delta);
      counts[k.movement as MovementKind] = num(k.customers);
    }
    const moving = movementKinds.reduce((n, k) => n + counts[k], 0);
    const moved = movementKinds.reduce((s, k) => s + sums[k], 0);
    const tol = 1e-6 * Math.max(1, Math.abs(start ?? 0), Math.abs(end ?? 0));
    if (start === null || end === null || !Number.isFinite(start) || !Number.isFinite(end) || Math.abs(start + moved - end) > tol) {
      const names = bad
        .map((r) => (typeof r.issue === "string" && r.issue !== "" ? r.issue : r.customer_id === null ? "(no customer_id)" : String(r.customer_id)))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const numbers = { start, end, new: sums.new, expansion: sums.expansion, reactivation: sums.reactivation, contraction: 0 - sums.contraction, churn: 0 - sums.churn };
      bridgeError(period.label, numbers, names.slice(0, 10).join("; "), names.length, source);
    }

    const label = (s: MovementKind | "start" | "end") => bridgeStepLabel(s, ctx.locale, basis);
    const bridge: Row[] = [
      { step: "start", label: label("start"), value: start, kind: "start", customers: null },
      ...movementKinds.map((k) => ({ step: k, label: label(k), value: sums[k], kind: k === "contraction" || k === "churn" ? "out" : "in", customers: counts[k] })),
      { step: "end", label: label("end"), value: end, kind: "end", customers: null },
    ];

    const scalars: Record<string, Value> = {
      period: period.label,
      revenue_basis: basis,
      mrr_start: start,
      new_mrr: sums.new,
      expansion_mrr: sums.expansion,
      reactivation_mrr: sums.reactivation,
      contraction_mrr: 0 - sums.contraction,
      churned_mrr: 0 - sums.churn,
      mrr_end: end,
      net_new_mrr: end! - start!,
      customers_moved: moving,
      new_customers: counts.new,
      expansion_customers: counts.expansion,
      reactivation_customers: counts.reactivation,
      contraction_customers: counts.contraction,
      churned_customers: counts.churn,
    };
    // Free customers have no MRR and so no movement: only the rows left out are noted here.
    const dropped = data.dropped?.[0];
    const notes: string[] = droppedNotes(dropped ? { ...dropped, free_customers: 0 } : undefined, period.label, ctx.locale);
    if (bad.length)
      notes.push(msg(ctx.locale).periodMetrics.unattributedRevenueCount(bad.length));
    if (basis === "period_revenue")
      notes.push(msg(ctx.locale).mrrMovements.inactivityLevels);
    const movements = data.head ?? [];
    return { scalars, tables: { movements, bridge }, engineTables: { movements: { sql: movementsSql(`SELECT * FROM ${movementLogOf(products)}`), rowCount: moving } }, notes };
  },

  chart(result, { ctx }) {
    if (!result.tables.bridge?.length || result.scalars.mrr_start === null) return null;
    const say = msg(ctx.locale).mrrMovements;
    const s = result.scalars;
    const rev = s.revenue_basis === "period_revenue";
    // Movements are small against the MRR totals: the axis may leave zero, as in the leaky bucket.
    const options = { x: "label", y: "value", kind: "kind" };
    return {
      title: say.chartTitle(rev, String(s.period)),
      marks: [{ mark: "waterfall", data: "bridge", options }],
      y: { format: "currency", label: say.axis(rev), zero: false },
      x: { label: null },
    };
  },
});
