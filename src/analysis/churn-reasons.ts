import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { quoteLiteral } from "../data/engine.js";
import { periodsEndingWith } from "../util/period.js";
import {
  categoryLabels, type ChurnSubtype, type ChurnType, churnSubtypes, churnTypes, normalizeCode, normalizeSubtype, normalizeType,
  parseReasonMap, type ReasonCategory, reasonCategories, subtypeLabels, subtypeParent, typeLabels,
} from "./cohorts/churn-labels.js";
import { ratio } from "./cohorts/cohort-sql.js";
import type { Analysis, AnalysisContext, AnalysisResult, Row } from "./types.js";

const params = Type.Object({
  reason_map: Type.String({
    default: "",
    description: "Maps the data's reason codes to the categories price, service, product, competition, other: code=category pairs separated by commas (e.g. pricing=price,support=service). The category names themselves (English or Chinese) need no mapping; unknown codes go to other and are listed in a note.",
  }),
  trend_periods: Type.Integer({ minimum: 1, maximum: 60, default: 6, description: "Number of periods (of the report period's grain) in the trend, ending with the report period." }),
});
export type ChurnReasonsParams = Static<typeof params>;

const none = "(none)";

/**
 * Churn by reason, type and subtype (流失原因与类型) from churn events.
 *
 * Events: churn_events rows dated in the report period [start, end). Reason categories from
 * the reason_map param (unknown or missing codes → other, listed in a note). Type: voluntary /
 * involuntary (synonyms active/passive, 主动/被动); subtype natural/competitive/fault (voluntary),
 * non_malicious/retaliatory/malicious (involuntary); a missing type is taken from a known subtype;
 * otherwise "unknown". events = number of churn events; share = events ÷ all events in the
 * period; lost_mrr = Σ over events of the customer's MRR just before the churn date (subscriptions
 * with start_date < date ≤ end_date or no end), null without subscriptions.mrr; events with no
 * such subscription add 0 and are counted in a note. Trend: the same counts by category for the
 * last trend_periods periods of the report grain.
 */
export const churnReasons: Analysis<ChurnReasonsParams> = {
  id: "churn-reasons",
  title: { "zh-CN": "流失原因与类型", "en-US": "Churn reasons and types" },
  summary: {
    "zh-CN": "报告期内流失事件按原因（价格/服务/产品/竞争/其他）、类型（主动/被动）与细分类型的数量、占比、流失 MRR 及近期趋势。",
    "en-US": "Churn events in the period by reason (price/service/product/competition/other), type (voluntary/involuntary) and subtype: counts, shares, lost MRR and the recent trend.",
  },
  definition: {
    "zh-CN":
      "流失事件：流失事件数据中日期落在报告期内的记录。原因类别：按参数 reason_map 把数据中的原因代码映射到价格、服务、产品、竞争、其他；未识别或缺失的代码归入“其他”，并在注释中列出。" +
      "类型：主动流失 / 被动流失；细分类型：自然流失、竞争流失、过失流失（主动），非恶意性被动流失、报复性被动流失、恶意被动流失（被动）；类型缺失时由细分类型推断，否则记为未注明。" +
      "事件数 = 流失事件条数；占比 = 事件数 ÷ 报告期内全部流失事件数；流失 MRR = 各事件客户在流失日前一天有效订阅（开始日 < 流失日 ≤ 结束日，或无结束日）的 MRR 之和（需订阅数据；找不到订阅的事件计 0 并提示）。趋势：最近若干期（与报告期同粒度）各原因类别的事件数与占比。",
    "en-US":
      "Churn events: churn_events rows dated in the report period. Reason categories: the reason_map param maps the data's reason codes to price, service, product, competition and other; unknown or missing codes go to other and are listed in a note. " +
      "Type: voluntary / involuntary churn; subtype: natural, competitive, fault (voluntary) and non-malicious, retaliatory, malicious (involuntary); a missing type is inferred from a known subtype, otherwise 'not stated'. " +
      "Events = number of churn events; share = events ÷ all churn events in the period; lost MRR = sum over events of the customer's MRR the day before the churn date (subscriptions with start < churn date ≤ end, or no end; needs subscription data; events without such a subscription add 0 and are noted). Trend: events and shares by reason category over the last periods of the report's grain.",
  },
  params,
  needs: [{ role: "churn_events", fields: ["customer_id", "date", "reason"], optional: ["type", "subtype"] }],
  mainTable: "reasons",

  reductions(p, ctx) {
    parseReasonMap(p.reason_map); // fail early on a bad map
    const fields = ctx.fields.churn_events ?? [];
    const periods = periodsEndingWith(ctx.period, p.trend_periods);
    const from = `DATE ${quoteLiteral(periods[0]!.start)}`, to = `DATE ${quoteLiteral(ctx.period.end)}`;
    const withMrr = (ctx.fields.subscriptions ?? []).includes("mrr");
    const col = (f: string) => (fields.includes(f) ? `CAST(${f} AS VARCHAR)` : "CAST(NULL AS VARCHAR)");
    const mrr = withMrr
      ? `(SELECT COALESCE(SUM(COALESCE(s.mrr, 0)), 0) FROM subscriptions s WHERE s.customer_id = e.customer_id AND s.start_date < e.date AND (s.end_date IS NULL OR (s.end_date >= e.date AND s.end_date > s.start_date)))`
      : "CAST(NULL AS DOUBLE)";
    const matched = withMrr
      ? `EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = e.customer_id AND s.start_date < e.date AND (s.end_date IS NULL OR (s.end_date >= e.date AND s.end_date > s.start_date)))`
      : "TRUE";
    return {
      events: `WITH e AS (
          SELECT customer_id, date, ${col("reason")} AS reason, ${col("type")} AS type, ${col("subtype")} AS subtype,
            CAST(date_trunc('${ctx.period.grain}', date) AS DATE) AS period_start
          FROM churn_events WHERE date IS NOT NULL AND date >= ${from} AND date < ${to}
        ),
        v AS (SELECT e.*, ${mrr} AS mrr, ${matched} AS matched FROM e)
        SELECT period_start, reason, type, subtype, CAST(COUNT(*) AS INTEGER) AS events,
          ${withMrr ? "SUM(mrr)" : "CAST(NULL AS DOUBLE)"} AS lost_mrr,
          CAST(SUM(CASE WHEN matched THEN 0 ELSE 1 END) AS INTEGER) AS unmatched
        FROM v GROUP BY ALL ORDER BY ALL`,
      customers: `SELECT CAST(COUNT(DISTINCT customer_id) AS INTEGER) AS customers FROM churn_events
        WHERE date >= DATE ${quoteLiteral(ctx.period.start)} AND date < ${to}`,
    };
  },

  compute(data, p, ctx) {
    return reasonTables(data, p, ctx);
  },

  chart(result, _p, ctx): ChartSpec | null {
    const rows = result.tables.reasons ?? [];
    if (!rows.length) return null;
    const zh = ctx.locale === "zh-CN";
    // One bar per reason category, named in the report's language on the axis (the data's own
    // codes are in the reasons table): no legend needed, one colour, the count at the bar's end.
    const categories = result.tables.categories ?? [];
    return {
      title: zh ? "流失原因" : "Churn by reason",
      height: Math.max(120, 40 + 28 * categories.length),
      marks: [
        { mark: "barX", data: "categories", options: { x: "events", y: "label", sort: { y: "-x" } } },
        { mark: "text", data: "categories", options: { x: "events", y: "label", text: "events", textAnchor: "start", dx: 4, fill: "#1f2933" } },
        { mark: "ruleX", data: "categories", options: { x: 0, stroke: "#9aa5b1" } },
      ],
      x: { label: zh ? "流失事件数" : "Churn events", format: "integer", nice: true },
      y: { label: null },
    };
  },
};

interface Group {
  events: number;
  lostMrr: number;
}

function reasonTables(data: Record<string, Row[]>, p: ChurnReasonsParams, ctx: AnalysisContext): AnalysisResult {
  const map = parseReasonMap(p.reason_map);
  const withMrr = (ctx.fields.subscriptions ?? []).includes("mrr");
  const periods = periodsEndingWith(ctx.period, p.trend_periods);
  const L = ctx.locale;
  const notes: string[] = [];

  const byReason = new Map<string, Group & { category: ReasonCategory }>();
  const byCategory = new Map<ReasonCategory, Group>(reasonCategories.map((c) => [c, { events: 0, lostMrr: 0 }]));
  const byType = new Map<ChurnType, Group>(churnTypes.map((t) => [t, { events: 0, lostMrr: 0 }]));
  const bySubtype = new Map<string, Group & { type: ChurnType; subtype: ChurnSubtype }>();
  const trend = new Map<string, number>(); // period|category → events
  const trendTotal = new Map<string, number>();
  const unknownCodes = new Map<string, number>();
  let total = 0, lostTotal = 0, unmatched = 0;

  for (const r of data.events ?? []) {
    const n = Number(r.events);
    const rawReason = r.reason === null || String(r.reason).trim() === "" ? none : String(r.reason).trim();
    const category = rawReason === none ? "other" : map.get(normalizeCode(rawReason)) ?? "other";
    const known = rawReason !== none && map.has(normalizeCode(rawReason));
    const periodStart = String(r.period_start);
    trend.set(`${periodStart}|${category}`, (trend.get(`${periodStart}|${category}`) ?? 0) + n);
    trendTotal.set(periodStart, (trendTotal.get(periodStart) ?? 0) + n);
    if (periodStart !== ctx.period.start) continue;

    const lost = Number(r.lost_mrr ?? 0);
    total += n;
    lostTotal += lost;
    unmatched += Number(r.unmatched ?? 0);
    if (!known) unknownCodes.set(rawReason, (unknownCodes.get(rawReason) ?? 0) + n);
    const g = byReason.get(rawReason) ?? { events: 0, lostMrr: 0, category };
    g.events += n;
    g.lostMrr += lost;
    byReason.set(rawReason, g);
    add(byCategory.get(category)!, n, lost);

    const subtype = normalizeSubtype(r.subtype);
    let type = normalizeType(r.type);
    if (type === "unknown" && subtype !== "unknown") type = subtypeParent[subtype];
    add(byType.get(type)!, n, lost);
    const key = `${type}|${subtype}`;
    const s = bySubtype.get(key) ?? { events: 0, lostMrr: 0, type, subtype };
    add(s, n, lost);
    bySubtype.set(key, s);
  }

  const mrrOf = (v: number) => (withMrr ? v : null);
  const reasons: Row[] = [...byReason.entries()]
    .sort(([a, x], [b, y]) => y.events - x.events || (a < b ? -1 : a > b ? 1 : 0))
    .map(([reason, g]) => ({ reason, category: g.category, category_label: categoryLabels[g.category][L], events: g.events, share: ratio(g.events, total), lost_mrr: mrrOf(g.lostMrr) }));
  const categories: Row[] = reasonCategories.map((c) => {
    const g = byCategory.get(c)!;
    return { category: c, label: categoryLabels[c][L], events: g.events, share: ratio(g.events, total), lost_mrr: mrrOf(g.lostMrr) };
  });
  const types: Row[] = churnTypes.map((t) => {
    const g = byType.get(t)!;
    return { type: t, label: typeLabels[t][L], events: g.events, share: ratio(g.events, total), lost_mrr: mrrOf(g.lostMrr) };
  });
  const subtypes: Row[] = [...bySubtype.values()]
    .sort((a, b) => churnTypes.indexOf(a.type) - churnTypes.indexOf(b.type) || churnSubtypes.indexOf(a.subtype) - churnSubtypes.indexOf(b.subtype))
    .map((s) => ({
      type: s.type,
      subtype: s.subtype,
      label: subtypeLabels[s.subtype][L],
      events: s.events,
      share_of_type: ratio(s.events, byType.get(s.type)!.events),
      share: ratio(s.events, total),
      lost_mrr: mrrOf(s.lostMrr),
    }));
  const trendRows: Row[] = [];
  for (const per of periods) {
    const t = trendTotal.get(per.start) ?? 0;
    for (const c of reasonCategories) {
      const n = trend.get(`${per.start}|${c}`) ?? 0;
      trendRows.push({ period: per.label, category: c, label: categoryLabels[c][L], events: n, share: ratio(n, t) });
    }
  }

  if (total === 0) notes.push(`no churn events in ${ctx.period.label}`);
  if (unknownCodes.size > 0) {
    const list = [...unknownCodes.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([c, n]) => `${c} (${n})`);
    notes.push(`reason codes not in reason_map, counted as other: ${list.join(", ")}`);
  }
  if (withMrr && unmatched > 0) notes.push(`${unmatched} churn event${unmatched === 1 ? "" : "s"} had no active subscription the day before the churn date: lost MRR counted as 0`);

  const top = categories.filter((c) => (c.events as number) > 0).sort((a, b) => (b.events as number) - (a.events as number))[0];
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
    unknown_codes: unknownCodes.size,
    events_previous: previous,
    events_change: previous === null ? null : total - previous,
  };
  return { scalars, tables: { reasons, categories, types, subtypes, trend: trendRows }, notes };
}

function add(g: Group, n: number, lost: number): void {
  g.events += n;
  g.lostMrr += lost;
}
