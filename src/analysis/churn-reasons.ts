import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { quoteLiteral } from "../data/engine.js";
import { periodsEndingWith } from "../util/period.js";
import {
  categoryLabels, type ChurnSubtype, type ChurnType, churnSubtypes, churnTypes, normalizeCode, normalizeSubtype, normalizeType,
  parseReasonMap, type ReasonCategory, reasonCategories, reasonLabel, subtypeLabels, subtypeParent, typeLabels,
} from "./cohorts/churn-labels.js";
import { ratio } from "./cohorts/cohort-sql.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Locale, type Localized, type Row } from "./types.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  reason_map: Type.String({
    default: "",
    description: "Maps the data's reason codes to the categories price, service, product, competition, other: code=category pairs separated by commas (e.g. pricing=price,support=service). The category names themselves (English or Chinese) need no mapping. The map is optional: every reason of the data is listed as it is; codes it does not map get the category unmapped (and a note).",
  }),
  trend_periods: Type.Integer({ minimum: 1, maximum: 60, default: 6, description: "Number of periods (of the report period's grain) in the trend, ending with the report period." }),
});
export type ChurnReasonsParams = Static<typeof params>;

const none = "(none)";

/**
 * Churn by reason, type and subtype (流失原因与类型) from churn events.
 *
 * Events: churn_events rows dated in the report period [start, end) (rows without a date are
 * counted in a note). Reasons and subtypes are open vocabularies: `reasons` lists every distinct
 * reason label of the data as it is (trimmed; count desc, then label), with its category when the
 * taxonomy maps it (reason_map plus the built-in category names) and "unmapped" otherwise — the
 * taxonomy is a mapping, not a filter; `categories` adds an "unmapped" row when any event is
 * unmapped. Type: voluntary / involuntary (synonyms active/passive, 主动/被动); subtype
 * natural/competitive/fault (voluntary), non_malicious/retaliatory/malicious (involuntary), or
 * the data's own subtype label when it is none of these (listed as it is, noted); a missing type
 * is taken from a known subtype; otherwise "unknown" (unrecognised type values are noted). events = number of churn events; share = events ÷ all events in the
 * period; lost_mrr = Σ over events of the customer's MRR just before the churn date (subscriptions
 * with start_date < date ≤ end_date or no end), null without subscriptions.mrr; events with no
 * such subscription add 0 and are counted in a note. Trend: the same counts by category for the
 * last trend_periods periods of the report grain. Every note is in the report's language.
 */
/** The reason map (a bad one fails here), the trend's periods and whether lost MRR can be had: resolved once. */
function plan(p: ChurnReasonsParams, ctx: AnalysisContext) {
  return {
    p,
    ctx: runContext(ctx),
    period: ctx.period,
    periods: periodsEndingWith(ctx.period, p.trend_periods),
    map: parseReasonMap(p.reason_map),
    // Lost MRR needs subscriptions with their dates and MRR; without all three it is null.
    withMrr: ["mrr", "start_date", "end_date"].every((f) => (ctx.fields.subscriptions ?? []).includes(f)),
  };
}
type Plan = ReturnType<typeof plan>;

export const churnReasons = defineAnalysis({
  id: "churn-reasons",
  title: { "zh-CN": "流失原因与类型", "en-US": "Churn reasons and types" },
  summary: {
    "zh-CN": "报告期内流失事件按原因（价格/服务/产品/竞争/其他）、类型（主动/被动）与细分类型的数量、占比、流失 MRR 及近期趋势。",
    "en-US": "Churn events in the period by reason (price/service/product/competition/other), type (voluntary/involuntary) and subtype: counts, shares, lost MRR and the recent trend.",
  },
  definition: {
    "zh-CN":
      "流失事件：流失事件数据中日期落在报告期内的记录（没有日期的记录不计入，并在注释中给出条数）。原因：按数据中的原因原样列出每个不同的原因及其事件数（按事件数从多到少、同数按原因排序）；原因类别：按参数 reason_map（及内置的类别名）把原因映射到价格、服务、产品、竞争、其他，映射不到的原因类别记为“未映射”（仍照常列出，并在注释中说明）；缺失的原因列为“（未填写）”。" +
      "类型：主动流失 / 被动流失；细分类型：自然流失、竞争流失、过失流失（主动），非恶意性被动流失、报复性被动流失、恶意被动流失（被动），不属于这些的细分类型按数据原样列出；类型缺失时由细分类型推断，否则记为未注明（无法识别的类型在注释中列出）。" +
      "事件数 = 流失事件条数；占比 = 事件数 ÷ 报告期内全部流失事件数；流失 MRR = 各事件客户在流失日前一天有效订阅（开始日 < 流失日 ≤ 结束日，或无结束日）的 MRR 之和（需订阅数据；找不到订阅的事件计 0 并提示）。趋势：最近若干期（与报告期同粒度）各原因类别的事件数与占比。",
    "en-US":
      "Churn events: churn_events rows dated in the report period (rows without a date are left out and counted in a note). Reasons: every distinct reason of the data is listed as it is, with its events (most events first, ties by reason). Reason categories: the reason_map param (and the built-in category names) maps reasons to price, service, product, competition and other; a reason it does not map has the category 'unmapped' (it is still listed; a note names it); a missing reason is listed as '(not given)'. " +
      "Type: voluntary / involuntary churn; subtype: natural, competitive, fault (voluntary) and non-malicious, retaliatory, malicious (involuntary), other subtypes of the data listed as they are; a missing type is inferred from a known subtype, otherwise 'not stated' (unrecognised type values are noted). " +
      "Events = number of churn events; share = events ÷ all churn events in the period; lost MRR = sum over events of the customer's MRR the day before the churn date (subscriptions with start < churn date ≤ end, or no end; needs subscription data; events without such a subscription add 0 and are noted). Trend: events and shares by reason category over the last periods of the report's grain.",
  },
  params,
  needs: [{ role: "churn_events", fields: ["customer_id", "date", "reason"], optional: ["type", "subtype"] }],
  mainTable: "reasons",
  outputs: {
    scalars: {
      events: { type: "integer", format: "count", description: { "zh-CN": "事件数", "en-US": "Events" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
      top_category: { type: "string", format: "label", description: { "zh-CN": "首要流失类别", "en-US": "Top category" } },
      top_category_share: { type: "number", format: "percent", description: { "zh-CN": "首要流失类别占比", "en-US": "Top category share" } },
      voluntary_share: { type: "number", format: "percent", description: { "zh-CN": "主动流失占比", "en-US": "Voluntary share" } },
      involuntary_share: { type: "number", format: "percent", description: { "zh-CN": "被动流失占比", "en-US": "Involuntary share" } },
      other_share: { type: "number", format: "percent", description: { "zh-CN": "其他流失占比", "en-US": "Other share" } },
      unknown_codes: { type: "integer", format: "count", description: { "zh-CN": "未知原因代码数", "en-US": "Unknown codes" } },
      events_previous: { type: "integer", format: "count", description: { "zh-CN": "上期流失事件数", "en-US": "Events previous" } },
      events_change: { type: "integer", format: "count", description: { "zh-CN": "流失事件数变化", "en-US": "Events change" } },
      reason_labels: { type: "integer", format: "count", description: { "zh-CN": "原因标签数", "en-US": "Reason labels" } },
      top_reason: { type: "string", format: "label", description: { "zh-CN": "首要流失原因", "en-US": "Top reason" } },
      top_reason_share: { type: "number", format: "percent", description: { "zh-CN": "首要流失原因占比", "en-US": "Top reason share" } },
      unmapped_events: { type: "integer", format: "count", description: { "zh-CN": "未映射事件数", "en-US": "Unmapped events" } },
      unmapped_share: { type: "number", format: "percent", description: { "zh-CN": "未映射事件占比", "en-US": "Unmapped share" } },
      missing_reasons: { type: "integer", format: "count", description: { "zh-CN": "缺失原因数", "en-US": "Missing reasons" } },
      unknown_types: { type: "integer", format: "count", description: { "zh-CN": "未知类型数", "en-US": "Unknown types" } },
      open_subtypes: { type: "integer", format: "count", description: { "zh-CN": "自由填写的子类型数", "en-US": "Open subtypes" } },
      dropped_events: { type: "integer", format: "count", description: { "zh-CN": "剔除的事件数", "en-US": "Dropped events" } },
    },
    tables: {
      reasons: {
        description: { "zh-CN": "流失原因与类型", "en-US": "Churn reasons and types" },
        columns: {
          reason: { type: "string", format: "label", description: { "zh-CN": "流失原因代码", "en-US": "Churn reason code" }, label: { "zh-CN": "原因", "en-US": "Reason" } },
          label: { type: "string", format: "label", description: { "zh-CN": "流失原因的显示名称", "en-US": "Reason as readers see it" }, label: { "zh-CN": "流失原因", "en-US": "Reason" } },
          category: { type: "string", format: "label", description: { "zh-CN": "原因类别", "en-US": "Reason category" }, label: { "zh-CN": "类别", "en-US": "Category" } },
          category_label: { type: "string", format: "label", description: { "zh-CN": "原因类别的显示名称", "en-US": "Category as readers see it" }, label: { "zh-CN": "原因类别", "en-US": "Category" } },
          mapped: { type: "boolean", description: { "zh-CN": "原因是否匹配原因对照表", "en-US": "Whether the reason matched the reason map" }, label: { "zh-CN": "已匹配", "en-US": "Mapped" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "流失事件数", "en-US": "Churn events" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "占本期流失事件的比例", "en-US": "Share of the period's churn events" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "这些流失事件损失的MRR", "en-US": "MRR lost with these churn events" }, label: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
        },
      },
      categories: {
        description: { "zh-CN": "流失类别", "en-US": "Categories" },
        columns: {
          category: { type: "string", format: "label", description: { "zh-CN": "原因类别代码", "en-US": "Reason category code" }, label: { "zh-CN": "类别", "en-US": "Category" } },
          label: { type: "string", format: "label", description: { "zh-CN": "原因类别的显示名称", "en-US": "Category as readers see it" }, label: { "zh-CN": "原因类别", "en-US": "Category" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "流失事件数", "en-US": "Churn events" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "占本期流失事件的比例", "en-US": "Share of the period's churn events" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "这些流失事件损失的MRR", "en-US": "MRR lost with these churn events" }, label: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
        },
      },
      types: {
        description: { "zh-CN": "流失类型", "en-US": "Types" },
        columns: {
          type: { type: "string", format: "label", description: { "zh-CN": "流失类型代码（主动、被动等）", "en-US": "Churn type code (voluntary, involuntary, …)" }, label: { "zh-CN": "类型", "en-US": "Type" } },
          label: { type: "string", format: "label", description: { "zh-CN": "流失类型的显示名称", "en-US": "Churn type as readers see it" }, label: { "zh-CN": "流失类型", "en-US": "Type" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "流失事件数", "en-US": "Churn events" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "占本期流失事件的比例", "en-US": "Share of the period's churn events" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "这些流失事件损失的MRR", "en-US": "MRR lost with these churn events" }, label: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
        },
      },
      subtypes: {
        description: { "zh-CN": "流失子类型", "en-US": "Subtypes" },
        columns: {
          type: { type: "string", format: "label", description: { "zh-CN": "流失类型代码", "en-US": "Churn type code" }, label: { "zh-CN": "类型", "en-US": "Type" } },
          subtype: { type: "string", format: "label", description: { "zh-CN": "流失细分类型", "en-US": "Churn subtype" }, label: { "zh-CN": "细分类型", "en-US": "Subtype" } },
          label: { type: "string", format: "label", description: { "zh-CN": "细分类型的显示名称", "en-US": "Subtype as readers see it" }, label: { "zh-CN": "细分类型", "en-US": "Subtype" } },
          mapped: { type: "boolean", description: { "zh-CN": "原因是否匹配原因对照表", "en-US": "Whether the reason matched the reason map" }, label: { "zh-CN": "已匹配", "en-US": "Mapped" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "流失事件数", "en-US": "Churn events" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          share_of_type: { type: "number", format: "percent", description: { "zh-CN": "占该类型流失事件的比例", "en-US": "Share of the type's churn events" }, label: { "zh-CN": "类型内占比", "en-US": "Share of type" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "占本期流失事件的比例", "en-US": "Share of the period's churn events" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          lost_mrr: { type: "number", format: "currency", description: { "zh-CN": "这些流失事件损失的MRR", "en-US": "MRR lost with these churn events" }, label: { "zh-CN": "流失MRR", "en-US": "Lost MRR" } },
        },
      },
      trend: {
        description: { "zh-CN": "趋势", "en-US": "Trend" },
        columns: {
          period: { type: "string", format: "period", description: { "zh-CN": "期间", "en-US": "Period" } },
          category: { type: "string", format: "label", description: { "zh-CN": "原因类别代码", "en-US": "Reason category code" }, label: { "zh-CN": "类别", "en-US": "Category" } },
          label: { type: "string", format: "label", description: { "zh-CN": "原因类别的显示名称", "en-US": "Category as readers see it" }, label: { "zh-CN": "原因类别", "en-US": "Category" } },
          events: { type: "integer", format: "count", description: { "zh-CN": "流失事件数", "en-US": "Churn events" }, label: { "zh-CN": "事件数", "en-US": "Events" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "占该期流失事件的比例", "en-US": "Share of the period's churn events" }, label: { "zh-CN": "占比", "en-US": "Share" } },
        },
      },
    },
  },

  plan,
  reductions({ ctx, period, periods, withMrr }) {
    const fields = ctx.fields.churn_events ?? [];
    const from = `DATE ${quoteLiteral(periods[0]!.start)}`, to = `DATE ${quoteLiteral(period.end)}`;
    const col = (f: string) => (fields.includes(f) ? `CAST(${f} AS VARCHAR)` : "CAST(NULL AS VARCHAR)");
    const mrr = withMrr
      ? `(SELECT COALESCE(SUM(COALESCE(s.mrr, 0)), 0) FROM subscriptions s WHERE s.customer_id = e.customer_id AND s.start_date < e.date AND (s.end_date IS NULL OR (s.end_date >= e.date AND s.end_date > s.start_date)))`
      : "CAST(NULL AS DOUBLE PRECISION)";
    const matched = withMrr
      ? `EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = e.customer_id AND s.start_date < e.date AND (s.end_date IS NULL OR (s.end_date >= e.date AND s.end_date > s.start_date)))`
      : "TRUE";
    return {
      events: `WITH e AS (
          SELECT customer_id, date, ${col("reason")} AS reason, ${col("type")} AS type, ${col("subtype")} AS subtype,
            CAST(date_trunc('${period.grain}', date) AS DATE) AS period_start
          FROM churn_events WHERE date IS NOT NULL AND date >= ${from} AND date < ${to}
        ),
        v AS (SELECT e.*, ${mrr} AS mrr, ${matched} AS matched FROM e)
        SELECT period_start, reason, type, subtype, CAST(COUNT(*) AS INTEGER) AS events,
          ${withMrr ? "SUM(mrr)" : "CAST(NULL AS DOUBLE PRECISION)"} AS lost_mrr,
          CAST(SUM(CASE WHEN matched THEN 0 ELSE 1 END) AS INTEGER) AS unmatched
        FROM v GROUP BY period_start, reason, type, subtype
        ORDER BY period_start NULLS LAST, reason NULLS LAST, type NULLS LAST, subtype NULLS LAST`,
      customers: `SELECT CAST(COUNT(DISTINCT customer_id) AS INTEGER) AS customers FROM churn_events
        WHERE date >= DATE ${quoteLiteral(period.start)} AND date < ${to}`,
      dropped: `SELECT CAST(COUNT(*) FILTER (WHERE date IS NULL) AS INTEGER) AS no_date FROM churn_events`,
    };
  },

  compute(data, plan) {
    return reasonTables(data, plan);
  },

  chart(result, { ctx }): ChartSpec | null {
    const rows = result.tables.reasons ?? [];
    if (!rows.length) return null;
    const say = msg(ctx.locale).churnReasons;
    // One bar per reason category, named in the report's language on the axis: no legend
    // needed, one colour, the count at the bar's end. When the taxonomy leaves reasons unmapped,
    // one bar per reason label of the data instead (the categories would hide them in one bar).
    const byReason = rows.some((r) => r.mapped === false);
    const table = byReason ? "reasons" : "categories";
    const bars = (byReason ? rows : result.tables.categories ?? []).length;
    return {
      title: say.chartTitle,
      height: Math.max(120, 40 + 28 * bars),
      marks: [
        { mark: "barX", data: table, options: { x: "events", y: "label", sort: { y: "-x" } } },
        { mark: "text", data: table, options: { x: "events", y: "label", text: "events", textAnchor: "start", dx: 4, fill: "#1f2933" } },
        { mark: "ruleX", data: table, options: { x: 0, stroke: "#9aa5b1" } },
      ],
      x: { label: say.events, format: "integer", nice: true },
      y: { label: null },
    };
  },
});

interface Group {
  events: number;
  lostMrr: number;
}

/** The category of a reason the taxonomy (reason_map and the built-in names) does not map. */
export const unmappedCategory = "unmapped" as const;
type Category = ReasonCategory | typeof unmappedCategory;
const unmappedLabel: Localized = { "zh-CN": "未映射", "en-US": "Unmapped" };
const noReasonLabel: Localized = { "zh-CN": "（未填写）", "en-US": "(not given)" };

function categoryLabel(c: Category, locale: Locale): string {
  return c === unmappedCategory ? unmappedLabel[locale] : categoryLabels[c][locale];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "a (3), b (2) … and 4 more" / "a (3)、b (2) 等 6 个": a counted list, count desc then label. */
function countedList(counts: Map<string, number>, locale: Locale, max = 10): string {
  const all = [...counts.entries()].sort(([a, x], [b, y]) => y - x || compareText(a, b));
  const say = msg(locale).churnReasons;
  const shown = all.slice(0, max).map(([c, n]) => say.counted(c, n));
  return say.countedList(shown, all.length - shown.length);
}

function bump(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** A subtype as the data gives it: a taxonomy subtype, "unknown" (missing), or the data's own label. */
function subtypeOf(value: unknown): { subtype: string; mapped: boolean; raw: string | null } {
  const raw = value === null || value === undefined ? "" : String(value).trim();
  const known = normalizeSubtype(raw);
  if (known !== "unknown") return { subtype: known, mapped: true, raw };
  if (raw === "" || normalizeCode(raw) === "unknown") return { subtype: "unknown", mapped: true, raw: null };
  return { subtype: raw, mapped: false, raw };
}

function reasonTables(data: Record<string, Row[]>, { p, ctx, period, periods, map, withMrr }: Plan): AnalysisResult {
  const L = ctx.locale;
  const say = msg(L).churnReasons;
  const notes: string[] = [];

  const byReason = new Map<string, Group & { category: Category }>();
  const byCategory = new Map<Category, Group>([...reasonCategories, unmappedCategory].map((c) => [c as Category, { events: 0, lostMrr: 0 }]));
  const byType = new Map<ChurnType, Group>(churnTypes.map((t) => [t, { events: 0, lostMrr: 0 }]));
  const bySubtype = new Map<string, Group & { type: ChurnType; subtype: string; mapped: boolean }>();
  const trend = new Map<string, number>(); // period|category → events
  const trendTotal = new Map<string, number>();
  const unmappedReasons = new Map<string, number>();
  const unknownTypes = new Map<string, number>();
  const openSubtypes = new Map<string, number>();
  let total = 0, lostTotal = 0, unmatched = 0, missingReason = 0, unmappedInTrend = 0;

  for (const r of data.events ?? []) {
    const n = Number(r.events);
    const rawReason = r.reason === null || String(r.reason).trim() === "" ? none : String(r.reason).trim();
    const mapped = rawReason === none ? undefined : map.get(normalizeCode(rawReason));
    const category: Category = mapped ?? unmappedCategory;
    const periodStart = String(r.period_start);
    bump(trend, `${periodStart}|${category}`, n);
    bump(trendTotal, periodStart, n);
    if (category === unmappedCategory) unmappedInTrend += n;
    if (periodStart !== period.start) continue;

    const lost = Number(r.lost_mrr ?? 0);
    total += n;
    lostTotal += lost;
    unmatched += Number(r.unmatched ?? 0);
    if (rawReason === none) missingReason += n;
    else if (category === unmappedCategory) bump(unmappedReasons, rawReason, n);
    const g = byReason.get(rawReason) ?? { events: 0, lostMrr: 0, category };
    add(g, n, lost);
    byReason.set(rawReason, g);
    add(byCategory.get(category)!, n, lost);

    const st = subtypeOf(r.subtype);
    let type = normalizeType(r.type);
    const rawType = r.type === null || r.type === undefined ? "" : String(r.type).trim();
    if (type === "unknown" && rawType !== "" && normalizeCode(rawType) !== "unknown") bump(unknownTypes, rawType, n);
    if (type === "unknown" && st.mapped && st.subtype !== "unknown") type = subtypeParent[st.subtype as Exclude<ChurnSubtype, "unknown">];
    if (!st.mapped) bump(openSubtypes, st.raw!, n);
    add(byType.get(type)!, n, lost);
    const key = `${type}|${st.subtype}`;
    const s = bySubtype.get(key) ?? { events: 0, lostMrr: 0, type, subtype: st.subtype, mapped: st.mapped };
    add(s, n, lost);
    bySubtype.set(key, s);
  }

  const mrrOf = (v: number) => (withMrr ? v : null);
  // The reader's label of a reason: a built-in category name in the report's language, any
  // other label as it is; labels two reasons share (price and Price) carry the data's text.
  const readerLabel = (reason: string) => (reason === none ? noReasonLabel[L] : reasonLabel(reason, L)!);
  const labelUses = new Map<string, number>();
  for (const reason of byReason.keys()) bump(labelUses, readerLabel(reason), 1);
  // Every distinct reason label of the data, as it is: count desc, then the label.
  const reasons: Row[] = [...byReason.entries()]
    .sort(([a, x], [b, y]) => y.events - x.events || compareText(a, b))
    .map(([reason, g]) => ({
      reason,
      label: labelUses.get(readerLabel(reason))! > 1 ? `${readerLabel(reason)} (${reason})` : readerLabel(reason),
      category: g.category,
      category_label: categoryLabel(g.category, L),
      mapped: g.category !== unmappedCategory,
      events: g.events,
      share: ratio(g.events, total),
      lost_mrr: mrrOf(g.lostMrr),
    }));
  // The taxonomy's categories, then "unmapped" when any event (in the trend window) is unmapped.
  const shownCategories: Category[] = [...reasonCategories, ...(unmappedInTrend > 0 ? [unmappedCategory as Category] : [])];
  const categories: Row[] = shownCategories.map((c) => {
    const g = byCategory.get(c)!;
    return { category: c, label: categoryLabel(c, L), events: g.events, share: ratio(g.events, total), lost_mrr: mrrOf(g.lostMrr) };
  });
  const types: Row[] = churnTypes.map((t) => {
    const g = byType.get(t)!;
    return { type: t, label: typeLabels[t][L], events: g.events, share: ratio(g.events, total), lost_mrr: mrrOf(g.lostMrr) };
  });
  // Taxonomy subtypes in their order, then the data's own subtype labels (count desc, label),
  // then "not stated".
  const rank = (s: { subtype: string; mapped: boolean }) => (!s.mapped ? churnSubtypes.length - 1 : churnSubtypes.indexOf(s.subtype as ChurnSubtype) + (s.subtype === "unknown" ? 1 : 0));
  const subtypes: Row[] = [...bySubtype.values()]
    .sort((a, b) => churnTypes.indexOf(a.type) - churnTypes.indexOf(b.type) || rank(a) - rank(b) || b.events - a.events || compareText(a.subtype, b.subtype))
    .map((s) => ({
      type: s.type,
      subtype: s.subtype,
      label: s.mapped ? subtypeLabels[s.subtype as ChurnSubtype][L] : s.subtype,
      mapped: s.mapped,
      events: s.events,
      share_of_type: ratio(s.events, byType.get(s.type)!.events),
      share: ratio(s.events, total),
      lost_mrr: mrrOf(s.lostMrr),
    }));
  const trendRows: Row[] = [];
  for (const per of periods) {
    const t = trendTotal.get(per.start) ?? 0;
    for (const c of shownCategories) {
      const n = trend.get(`${per.start}|${c}`) ?? 0;
      trendRows.push({ period: per.label, category: c, label: categoryLabel(c, L), events: n, share: ratio(n, t) });
    }
  }

  const dropped = Number(data.dropped?.[0]?.no_date ?? 0);
  if (dropped > 0)
    notes.push(say.noDate(dropped));
  if (total === 0) notes.push(say.noEvents(period.label));
  const unmappedEvents = byCategory.get(unmappedCategory)!.events;
  if (unmappedReasons.size > 0) {
    const n = unmappedEvents - missingReason;
    notes.push(say.unmapped(n, countedList(unmappedReasons, L)));
  }
  if (missingReason > 0)
    notes.push(say.noReason(missingReason, noReasonLabel[L]));
  if (unknownTypes.size > 0) {
    const n = [...unknownTypes.values()].reduce((a, b) => a + b, 0);
    notes.push(say.unknownType(n, countedList(unknownTypes, L)));
  }
  if (openSubtypes.size > 0) {
    const n = [...openSubtypes.values()].reduce((a, b) => a + b, 0);
    notes.push(say.openSubtype(n, countedList(openSubtypes, L)));
  }
  if (withMrr && unmatched > 0)
    notes.push(say.noSubscription(unmatched));

  // Ties go to the taxonomy's order; "unmapped" is not a category of the taxonomy.
  const top = categories.filter((c) => c.category !== unmappedCategory && (c.events as number) > 0).sort((a, b) => (b.events as number) - (a.events as number))[0];
  const topReason = reasons.find((r) => r.reason !== none);
  const previous = periods.length > 1 ? trendTotal.get(periods[periods.length - 2]!.start) ?? 0 : null;
  const scalars = {
    events: total,
    customers: Number(data.customers?.[0]?.customers ?? 0),
    lost_mrr: mrrOf(lostTotal),
    top_category: (top?.category as string | undefined) ?? null,
    top_category_share: (top?.share as number | undefined) ?? null,
    voluntary_share: ratio(byType.get("voluntary")!.events, total),
    involuntary_share: ratio(byType.get("involuntary")!.events, total),
    other_share: ratio(byCategory.get("other")!.events, total),
    unknown_codes: unmappedReasons.size,
    events_previous: previous,
    events_change: previous === null ? null : total - previous,
    reason_labels: byReason.size,
    top_reason: (topReason?.reason as string | undefined) ?? null,
    top_reason_share: (topReason?.share as number | undefined) ?? null,
    unmapped_events: unmappedEvents,
    unmapped_share: ratio(unmappedEvents, total),
    missing_reasons: missingReason,
    unknown_types: [...unknownTypes.values()].reduce((a, b) => a + b, 0),
    open_subtypes: [...openSubtypes.values()].reduce((a, b) => a + b, 0),
    dropped_events: dropped,
  };
  return { scalars, tables: { reasons, categories, types, subtypes, trend: trendRows }, notes };
}

function add(g: Group, n: number, lost: number): void {
  g.events += n;
  g.lostMrr += lost;
}
