// RFM: recency, frequency and monetary value per customer as of a date, scored by quantile
// bins the way pandas does it, and mapped to named segments with recommended actions.

import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { qcut, rankFirst } from "./stats/quantile.js";
import { compareIds, dateLit, mean, num, purchaseRowsSql, ratio, resolveAsOf, splitList, sum } from "./segmentation/common.js";
import { defaultRfmSegmentMap, parseSegmentMap, segmentAction, segmentLabel } from "./segmentation/rfm-segments.js";
import { defineAnalysis, runContext, type AnalysisContext, type Localized, type Row, type RunContext } from "./types.js";
import { moneySign, returnsRule } from "./money.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

const measures = ["recency", "frequency", "monetary"] as const;
type Measure = (typeof measures)[number];

export const rfmParams = Type.Object({
  as_of: Type.String({ default: "", description: "As-of date yyyy-mm-dd (transactions on or before it count); empty = the last day of the report period" }),
  bins: Type.Integer({ default: 5, minimum: 2, maximum: 10, description: "Number of score bins (scores 1..bins); a segment_map for the same grid is needed when not 5" }),
  frequency_unit: Type.Union([Type.Literal("days"), Type.Literal("transactions")], { default: "days", description: "Frequency counts distinct purchase days (days) or purchase transactions (transactions)" }),
  monetary: Type.Union([Type.Literal("total"), Type.Literal("average")], { default: "total", description: "Monetary value: total net spend, or average net spend per purchase" }),
  rank_first: Type.String({ default: "frequency", description: "Comma list of measures (recency, frequency, monetary) binned on rank(method='first') instead of their values" }),
  segment_map: Type.String({ default: defaultRfmSegmentMap, description: "Segments as name=R<a>-<b>F<c>-<d>[+…];… covering every R×F cell exactly once" }),
});
export type RfmParams = Static<typeof rfmParams>;

/** The definition as the cell ran (its params and the report's returns convention). */
function definition(p: RfmParams, ctx: RunContext): Localized {
  const returns = returnsRule(ctx.returns);
  return {
  "zh-CN": [
    "截止日期（as-of）默认为报告期最后一天；只用截止日期当天及以前的交易。",
    "最近一次消费 R(recency)= 截止日期 − 最后一次购买日期（天，当天购买为 0）。消费频率 F(frequency)= 购买日期的不同天数（参数 frequency_unit=transactions 时为购买交易笔数）。消费金额 M(monetary)= 净消费额合计（参数 monetary=average 时为净消费额 ÷ 频率）。",
    returns["zh-CN"] + "只有退货而无购买的客户不参与评分（计入说明）。",
    `评分：把客户按每项指标的取值分成 ${p.bins} 个人数大致相等的档（按分位点切分，落在分位点上的客户归入较低一档，最小值归入第 1 档）。频率默认按排名分档（取值相同的客户按客户编号依次排名），以免大量相同取值使分档失效；R 分反向，越近越高（最近 = ${p.bins}）。若某项指标按取值分档时分位点重复，该指标改按排名分档，并在说明中注明。`,
    "细分：按 R×F 网格映射（每个组合恰好属于一个细分）。默认：R5F4–5 冠军客户；R3–4F4–5 忠诚客户；R4–5F2–3 潜在忠诚客户；R5F1 新客户；R4F1 有潜力客户；R3F3 需要关注客户；R3F1–2 即将沉睡客户；R1–2F3–4 有流失风险客户；R1–2F5 不能流失的客户；R1–2F1–2 沉睡客户。",
    "细分表：客户数、占比（÷ 评分客户数）、收入（净消费额合计）、收入占比（÷ 全部净消费额，合计为 0 时为空）、平均 R/F/M。",
  ].join("\n"),
  "en-US": [
    "As-of date: the last day of the report period unless given; only transactions on or before it count.",
    "Recency = as-of date − last purchase date, in days (0 when bought on the as-of date). Frequency = number of distinct purchase days (purchase transactions with frequency_unit=transactions). Monetary = total net spend (net spend ÷ frequency with monetary=average).",
    returns["en-US"] + " Customers with returns but no purchase are not scored (counted in the notes).",
    `Scores: customers are split into ${p.bins} bins of about equal size by the quantiles of each measure (a customer on an edge goes to the lower bin, the minimum to bin 1). Frequency is binned on ranks by default (equal values ranked in customer_id order), so that many equal values cannot collapse the bins. Recency is scored in reverse: more recent = higher (${p.bins}). When a measure's quantile edges coincide, it is binned on ranks instead and a note says so.`,
    "Segments map every R×F cell exactly once. Default: R5F4–5 champions; R3–4F4–5 loyal; R4–5F2–3 potential loyalists; R5F1 new; R4F1 promising; R3F3 need attention; R3F1–2 about to sleep; R1–2F3–4 at risk; R1–2F5 can't lose; R1–2F1–2 hibernating.",
    "Segment table: customers, share (÷ scored customers), revenue (total net spend), revenue share (÷ all net spend; null when that is 0), average recency, frequency and monetary.",
  ].join("\n"),
  };
}


/**
 * RFM scores and segments. Recency = days from the last purchase to the as-of date (period
 * end − 1 day); frequency = distinct purchase days; monetary = net spend (returns subtracted,
 * never counted as purchases). Scores 1..bins follow pandas `qcut` (type-7 edges, (lo, hi]
 * bins) with frequency ranked by `rank(method='first')` (ties in customer_id order); recency
 * is reversed (recent = high). The R×F segment map must partition the grid.
 */
export const rfm = defineAnalysis({
  id: "rfm",
  title: { "zh-CN": "RFM 分析", "en-US": "RFM analysis" },
  summary: { "zh-CN": "按最近一次消费、消费频率、消费金额为客户评分并划分细分", "en-US": "Recency, frequency and monetary scores per customer, mapped to segments with actions" },
  params: rfmParams,
  needs: [{ role: "transactions", fields: ["customer_id", "date", "amount"], optional: ["quantity"] }],
  mainTable: "segments",
  outputs: {
    scalars: {
      as_of: { type: "date", format: "date", description: { "zh-CN": "截至日期", "en-US": "As of" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      revenue: { type: "number", format: "currency", description: { "zh-CN": "收入", "en-US": "Revenue" } },
      return_rows: { type: "integer", format: "count", description: { "zh-CN": "退货与取消记录数", "en-US": "Return rows" } },
      unscored_customers: { type: "integer", format: "count", description: { "zh-CN": "未评分客户数", "en-US": "Unscored customers" } },
    },
    tables: {
      customers: {
        description: { "zh-CN": "客户数", "en-US": "Customers" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          recency: { type: "integer", format: "days", description: { "zh-CN": "距最近一次购买的天数", "en-US": "Days since the last purchase" }, label: { "zh-CN": "最近消费（天）", "en-US": "Recency (days)" } },
          frequency: { type: "integer", format: "count", description: { "zh-CN": "购买次数", "en-US": "Purchases" }, label: { "zh-CN": "消费频率", "en-US": "Frequency" } },
          monetary: { type: "number", format: "currency", description: { "zh-CN": "消费金额", "en-US": "Spend" }, label: { "zh-CN": "消费金额", "en-US": "Monetary" } },
          r_score: { type: "integer", format: "count", description: { "zh-CN": "最近消费得分（5 为最近）", "en-US": "Recency score (5 = most recent)" }, label: { "zh-CN": "R 得分", "en-US": "R" } },
          f_score: { type: "integer", format: "count", description: { "zh-CN": "消费频率得分（5 为最频繁）", "en-US": "Frequency score (5 = most frequent)" }, label: { "zh-CN": "F 得分", "en-US": "F" } },
          m_score: { type: "integer", format: "count", description: { "zh-CN": "消费金额得分（5 为最高）", "en-US": "Monetary score (5 = highest spend)" }, label: { "zh-CN": "M 得分", "en-US": "M" } },
          segment: { type: "string", format: "label", description: { "zh-CN": "RFM 细分代码", "en-US": "RFM segment code" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
        },
      },
      segments: {
        description: { "zh-CN": "RFM 分析", "en-US": "RFM analysis" },
        columns: {
          segment: { type: "string", format: "label", description: { "zh-CN": "RFM 细分代码", "en-US": "RFM segment code" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
          label: { type: "string", format: "label", description: { "zh-CN": "RFM 细分的显示名称", "en-US": "RFM segment as readers see it" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该细分占客户的比例", "en-US": "Segment's share of the customers" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          revenue: { type: "number", format: "currency", description: { "zh-CN": "该细分客户的消费", "en-US": "Spend of the segment's customers" }, label: { "zh-CN": "收入", "en-US": "Revenue" } },
          revenue_share: { type: "number", format: "percent", description: { "zh-CN": "该细分占消费的比例", "en-US": "Segment's share of the spend" }, label: { "zh-CN": "收入占比", "en-US": "Revenue share" } },
          avg_recency: { type: "number", format: "number", description: { "zh-CN": "平均距最近一次购买的天数", "en-US": "Average days since the last purchase" }, label: { "zh-CN": "平均最近消费", "en-US": "Avg. recency" } },
          avg_frequency: { type: "number", format: "number", description: { "zh-CN": "平均购买次数", "en-US": "Average purchases" }, label: { "zh-CN": "平均频率", "en-US": "Avg. frequency" } },
          avg_monetary: { type: "number", format: "currency", description: { "zh-CN": "平均消费金额", "en-US": "Average spend" }, label: { "zh-CN": "平均金额", "en-US": "Avg. monetary" } },
          action: { type: "string", format: "label", description: { "zh-CN": "针对该细分的建议措施", "en-US": "Suggested action for the segment" }, label: { "zh-CN": "建议措施", "en-US": "Action" } },
        },
      },
    },
  },

  // The as-of date, the segment map and the measures ranked first, checked and resolved once.
  plan(params: RfmParams, ctx: AnalysisContext) {
    const bins = params.bins;
    if (bins !== 5 && params.segment_map === defaultRfmSegmentMap) {
      throw new ChurnbookError("bad-param", `the default RFM segment map is a 5×5 grid; with bins=${bins} give a segment_map for ${bins}×${bins}`, {
        hint: `e.g. --param segment_map="top=R${bins}F${bins};rest=R1-${bins}F1-${bins - 1}+R1-${bins - 1}F${bins}"`,
      });
    }
    const rankMeasures = splitList(params.rank_first);
    for (const m of rankMeasures) {
      if (!(measures as readonly string[]).includes(m)) throw new ChurnbookError("bad-param", `param "rank_first": unknown measure "${m}"`, { hint: `use a comma list of ${measures.join(", ")}` });
    }
    return { params, ctx: runContext(ctx), asOf: resolveAsOf(params.as_of, ctx), map: parseSegmentMap(params.segment_map, bins), rankMeasures };
  },

  // After plan: its type is inferred from plan's.
  definition: ({ params, ctx }) => definition(params, ctx),
  reductions({ params, ctx, asOf }) {
    const freq = params.frequency_unit === "transactions" ? "COUNT(*) FILTER (WHERE NOT is_return)" : "COUNT(DISTINCT date) FILTER (WHERE NOT is_return)";
    return {
      customers: `
        SELECT customer_id,
               ${dialectOf(ctx).dateDiff("day", "MAX(date) FILTER (WHERE NOT is_return)", dateLit(asOf))} AS recency,
               ${freq} AS frequency,
               SUM(net) AS spend,
               COUNT(*) FILTER (WHERE is_return) AS return_rows
        FROM ${purchaseRowsSql(ctx, asOf)}
        GROUP BY customer_id
        ORDER BY customer_id`,
    };
  },

  compute(data, { params, ctx, asOf, map, rankMeasures }) {
    const bins = params.bins;
    const notes: string[] = [];
    const rows = [...(data.customers ?? [])].sort((a, b) => compareIds(a.customer_id, b.customer_id));
    const returnRows = sum(rows.map((r) => num(r.return_rows)));
    const scored = rows.filter((r) => r.recency !== null && num(r.frequency) > 0);
    const excluded = rows.length - scored.length;
    if (excluded > 0) notes.push(msg(ctx.locale).segmentation.rfmReturnsOnly(excluded, asOf));

    const values: Record<Measure, number[]> = {
      recency: scored.map((r) => num(r.recency)),
      frequency: scored.map((r) => num(r.frequency)),
      monetary: scored.map((r) => (params.monetary === "average" ? num(r.spend) / num(r.frequency) : num(r.spend))),
    };
    const codes = {} as Record<Measure, (number | null)[]>;
    for (const m of measures) {
      const byRank = rankMeasures.includes(m);
      let res = qcut(byRank ? rankFirst(values[m]) : values[m], bins);
      if (!res.unique && !byRank) {
        notes.push(msg(ctx.locale).segmentation.rfmTiedEdges(m));
        res = qcut(rankFirst(values[m]), bins);
      }
      if (!res.unique && scored.length > 0) notes.push(msg(ctx.locale).segmentation.rfmOneBin(m));
      codes[m] = res.codes;
    }

    const customers: Row[] = scored.map((r, i) => {
      const rScore = bins + 1 - (codes.recency[i] ?? 1);
      const fScore = codes.frequency[i] ?? 1;
      return {
        customer_id: String(r.customer_id),
        recency: values.recency[i]!,
        frequency: values.frequency[i]!,
        monetary: values.monetary[i]!,
        r_score: rScore,
        f_score: fScore,
        m_score: codes.monetary[i] ?? 1,
        segment: map.cell[rScore - 1]![fScore - 1]!,
      };
    });
    const spend = scored.map((r) => num(r.spend));
    const totalSpend = sum(spend);
    const segments: Row[] = map.segments.map((name) => {
      const idx = customers.map((c, i) => (c.segment === name ? i : -1)).filter((i) => i >= 0);
      const revenue = sum(idx.map((i) => spend[i]!));
      return {
        segment: name,
        label: segmentLabel(name, ctx.locale),
        customers: idx.length,
        share: ratio(idx.length, customers.length),
        revenue,
        revenue_share: ratio(revenue, totalSpend),
        avg_recency: mean(idx.map((i) => values.recency[i]!)),
        avg_frequency: mean(idx.map((i) => values.frequency[i]!)),
        avg_monetary: mean(idx.map((i) => values.monetary[i]!)),
        action: segmentAction(name, ctx.locale),
      };
    });
    if (customers.length === 0) notes.push(msg(ctx.locale).segmentation.noCustomersWithPurchase(asOf));
    else if (moneySign(totalSpend, ctx.currency) === 0) notes.push(msg(ctx.locale).segmentation.rfmZeroSpend);
    return {
      scalars: { as_of: asOf, customers: customers.length, revenue: totalSpend, return_rows: returnRows, unscored_customers: excluded },
      tables: { customers, segments },
      notes,
    };
  },

  chart(result, { ctx }) {
    const rows = result.tables.segments ?? [];
    return {
      title: msg(ctx.locale).segmentation.rfmTitle,
      marks: [
        { mark: "barX", data: "segments", options: { x: "customers", y: "label", fill: "segment", tip: true } },
      ],
      x: { label: msg(ctx.locale).common.customers, format: "integer", grid: true },
      y: { label: null, domain: rows.map((r) => r.label) },
      color: { legend: false },
      marginLeft: 130,
    } satisfies ChartSpec;
  },
});
