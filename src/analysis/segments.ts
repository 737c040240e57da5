// Segment analysis (市场细分分析): for each mapped customer attribute (region, industry, plan,
// channel, age band…), per value: customers, share, repeat-purchase rate, churn rate and
// average value, with the highest-repeat segment of each attribute called out.

import { Type, type Static } from "@sinclair/typebox";
import { attributeLabel, attributeLevelLabel } from "./attributes.js";
import type { ChartSpec } from "../charts/spec.js";
import { quoteIdent, quoteLiteral } from "../data/engine.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { addDays } from "../util/period.js";
import { activeAt, spellsSql } from "./sql/spells.js";
import { compareIds, dateLit, num, numOrNull, purchaseRowsSql, ratio, splitList } from "./segmentation/common.js";
import { defineAnalysis, runContext, type AnalysisContext, type Localized, type Row, type RunContext, type Value } from "./types.js";
import { meanMoneySql, returnsRule } from "./money.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

export const segmentsParams = Type.Object({
  by: Type.String({ default: "", description: "Comma list of customers attributes to segment by; empty = every attribute column except ids, dates, names and numeric columns" }),
  churn_source: Type.Union([Type.Literal("auto"), Type.Literal("spells"), Type.Literal("label"), Type.Literal("none")], {
    default: "auto",
    description: "Churn rate from activity spells in the period (spells), the customers.churned label (label), or spells when the churn basis data is mapped, else the label (auto)",
  }),
  value_field: Type.String({ default: "", description: "A numeric customers column to average as the value; empty = net transaction revenue up to the period end" }),
  min_customers: Type.Integer({ default: 20, minimum: 1, description: "Smallest segment that can be called out as the highest-repeat segment" }),
  max_segments: Type.Integer({ default: 50, minimum: 2, description: "With by empty, attributes with more distinct values than this are skipped" }),
});
export type SegmentsParams = Static<typeof segmentsParams>;

/** The definition as the cell ran (its params and the report's returns convention). */
function definition(p: SegmentsParams, ctx: RunContext): Localized {
  const returns = returnsRule(ctx.returns);
  return {
  "zh-CN": [
    "细分：按客户表的属性列（参数 by；默认为除编号、日期、名称和数值列以外的全部属性列，取值超过 max_segments 个的列跳过）的每个取值分组；空值为一个细分（segment 为空）。客户数与占比（÷ 客户表的客户总数；同一客户多行时取一行）。",
    "复购率 = 报告期结束前购买天数 ≥ 2 的客户 ÷ 至少购买 1 次的客户（购买 = 不同购买日期）。" + returns["zh-CN"],
    "流失率（spells）：期初活跃客户中在报告期内流失的人数 ÷ 期初活跃客户数（活跃/流失按报告的流失口径，见活跃区间定义；非合同制下流失日期晚于数据最后日期的视为尚未流失）。流失率（label）：客户表 churned 为真的客户 ÷ churned 非空的客户。分母为 0 时为空。",
    "平均价值 = 细分内客户报告期结束前净消费额的平均值（无交易记 0）；若给出参数 value_field，则为该数值列的平均值（空值不计）。",
    "复购率最高的细分：每个属性中客户数 ≥ min_customers 的细分里复购率最高者（并列时客户数多者优先，再按名称）。",
  ].join("\n"),
  "en-US": [
    "Segments: one per value of each customers attribute (param by; default every attribute column except ids, dates, names and numeric columns, skipping those with more than max_segments values); null is a segment of its own. Customers and share (÷ all customers in the customers table, one row per customer).",
    "Repeat-purchase rate = customers with ≥ 2 purchase days before the period end ÷ customers with ≥ 1 (purchases = distinct purchase dates). " + returns["en-US"],
    "Churn rate (spells): customers active at the period start who churned during the period ÷ customers active at the start (active and churned by the report's churn basis, see the activity spells definition; with the inactivity basis a churn date after the data's last date has not happened yet). Churn rate (label): customers with churned = true ÷ customers with a churned value. Null when the denominator is 0.",
    "Average value = mean net spend before the period end over the segment's customers (0 without transactions); with param value_field, the mean of that numeric column (nulls skipped).",
    "Highest-repeat segment: per attribute, the segment with the highest repeat-purchase rate among segments with ≥ min_customers customers (ties: more customers, then name).",
  ].join("\n"),
  };
}



const reserved = new Set(["customer_id", "signup_date", "churned", "id", "name", "email", "phone", "first_name", "last_name"]);
function isDefaultAttribute(name: string): boolean {
  return !reserved.has(name) && !/(_id|_date|_at|_name|_time)$/.test(name) && !name.startsWith("date");
}

type ChurnSource = "spells" | "label" | "none";
function churnSource(params: SegmentsParams, ctx: AnalysisContext): ChurnSource {
  const spellsRole = ctx.churn.kind === "subscriptions" ? "subscriptions" : "transactions";
  const hasSpells = ctx.fields[spellsRole] !== undefined;
  const hasLabel = (ctx.fields.customers ?? []).includes("churned");
  if (params.churn_source === "spells") {
    if (!hasSpells) throw new ChurnbookError("missing-role", `analysis "segments" with churn_source=spells needs a "${spellsRole}" dataset for the report's churn basis`, { hint: `map a ${spellsRole} dataset, or use --param churn_source=label` });
    return "spells";
  }
  if (params.churn_source === "label") {
    if (!hasLabel) throw new ChurnbookError("missing-field", `analysis "segments" with churn_source=label needs field "churned" in the customers dataset`, { hint: "map it with --map customers.churned=<column>" });
    return "label";
  }
  if (params.churn_source === "none") return "none";
  return hasSpells ? "spells" : hasLabel ? "label" : "none";
}

function attributes(params: SegmentsParams, ctx: AnalysisContext): { names: string[]; explicit: boolean } {
  const fields = ctx.fields.customers ?? [];
  const asked = splitList(params.by);
  for (const a of asked) {
    if (!fields.includes(a)) {
      const near = closeMatches(a, fields);
      throw new ChurnbookError("bad-param", `param "by": the customers dataset has no column "${a}"`, { hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}? columns: ${fields.join(", ")}` : `columns: ${fields.join(", ")}` });
    }
  }
  if (asked.length) return { names: asked, explicit: true };
  return { names: fields.filter((f) => isDefaultAttribute(f) && f !== params.value_field), explicit: false };
}

/**
 * Segment analysis. Per attribute value: customers, share, repeat-purchase rate (customers
 * with ≥ 2 purchase days ÷ customers with ≥ 1, before the period end), churn rate (churned in
 * the period ÷ active at its start, from the shared activity spells; or the churned label),
 * average value (net spend, or a numeric value_field). The highest-repeat segment (≥
 * min_customers) of each attribute is flagged.
 */
export const segments = defineAnalysis({
  id: "segments",
  title: { "zh-CN": "市场细分分析", "en-US": "Segment analysis" },
  summary: { "zh-CN": "按客户属性（地区、行业、套餐、渠道等）比较复购率、流失率和平均价值", "en-US": "Repeat-purchase rate, churn rate and average value by customer attribute (region, industry, plan, channel…)" },
  params: segmentsParams,
  needs: [{ role: "customers", fields: ["customer_id"] }],
  mainTable: "segments",
  outputs: {
    scalars: {
      "top_repeat_<attribute>": { type: "string", format: "label", description: { "zh-CN": "该属性中复购率最高的细分", "en-US": "The segment of this attribute with the highest repeat rate" }, optional: true },
      attributes: { type: "integer", format: "count", description: { "zh-CN": "属性数", "en-US": "Attributes" } },
      churn_source: { type: "string", format: "label", description: { "zh-CN": "流失判定来源", "en-US": "Churn source" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
    },
    tables: {
      segments: {
        description: { "zh-CN": "市场细分分析", "en-US": "Segment analysis" },
        columns: {
          attribute: { type: "string", format: "label", description: { "zh-CN": "属性（客户数据的一列）", "en-US": "Attribute (a customers column)" }, label: { "zh-CN": "属性", "en-US": "Attribute" } },
          segment: { type: "string", format: "label", description: { "zh-CN": "细分：属性的一个取值", "en-US": "Segment: a value of the attribute" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该细分的客户数", "en-US": "Customers in the segment" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该细分占客户的比例", "en-US": "Segment's share of the customers" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          buyers: { type: "integer", format: "count", description: { "zh-CN": "本期有购买的客户数", "en-US": "Customers of the segment who bought in the period" }, label: { "zh-CN": "买家数", "en-US": "Buyers" } },
          repeat_rate: { type: "number", format: "percent", description: { "zh-CN": "该细分买家中再次购买的比例", "en-US": "Share of the segment's buyers who bought again" }, label: { "zh-CN": "复购率", "en-US": "Repeat rate" }, missing: { "zh-CN": "该细分没有买家，比率无定义", "en-US": "no buyers in the segment, so the rate is undefined" } },
          customers_at_start: { type: "integer", format: "count", description: { "zh-CN": "期初客户数", "en-US": "Customers at the start of the period" }, label: { "zh-CN": "期初客户数", "en-US": "Customers at start" } },
          churned: { type: "integer", format: "count", description: { "zh-CN": "期初客户中本期流失的客户数", "en-US": "Customers at the start who churned in the period" }, label: { "zh-CN": "流失客户", "en-US": "Churned" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失客户数 ÷ 期初客户数", "en-US": "Churned ÷ customers at the start" }, label: { "zh-CN": "客户流失率", "en-US": "Churn rate" }, missing: { "zh-CN": "期初该细分没有客户，比率无定义", "en-US": "no customers of the segment at the start of the period, so the rate is undefined" } },
          avg_value: { type: "number", format: "currency", description: { "zh-CN": "该细分每位客户的平均消费", "en-US": "Average spend per customer of the segment" }, label: { "zh-CN": "平均价值", "en-US": "Average value" } },
          highest_repeat: { type: "boolean", description: { "zh-CN": "该细分是否为该属性中复购率最高", "en-US": "Whether the segment has the attribute's highest repeat rate" }, label: { "zh-CN": "复购率最高", "en-US": "Highest repeat" } },
          attribute_label: { type: "string", format: "label", description: { "zh-CN": "属性", "en-US": "Attribute" } },
          label: { type: "string", format: "label", description: { "zh-CN": "细分的显示文本（属性：取值）", "en-US": "Segment as printed (attribute: value)" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
        },
      },
      highlights: {
        description: { "zh-CN": "要点", "en-US": "Highlights" },
        columns: {
          attribute: { type: "string", format: "label", description: { "zh-CN": "属性（客户数据的一列）", "en-US": "Attribute (a customers column)" }, label: { "zh-CN": "属性", "en-US": "Attribute" } },
          attribute_label: { type: "string", format: "label", description: { "zh-CN": "属性", "en-US": "Attribute" } },
          segment: { type: "string", format: "label", description: { "zh-CN": "该属性中复购率最高的细分", "en-US": "Segment with the attribute's highest repeat rate" }, label: { "zh-CN": "细分群体", "en-US": "Segment" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该细分的客户数", "en-US": "Customers in the segment" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          repeat_rate: { type: "number", format: "percent", description: { "zh-CN": "该细分买家中再次购买的比例", "en-US": "Share of the segment's buyers who bought again" }, label: { "zh-CN": "复购率", "en-US": "Repeat rate" }, missing: { "zh-CN": "该细分没有买家，比率无定义", "en-US": "no buyers in the segment, so the rate is undefined" } },
        },
      },
    },
  },

  // The attributes, the churn source, the value field and the as-of date, checked and resolved once.
  plan(params: SegmentsParams, ctx: AnalysisContext) {
    const { names, explicit } = attributes(params, ctx);
    const src: ChurnSource = names.length ? churnSource(params, ctx) : "none";
    const valueField = params.value_field.trim();
    if (names.length && valueField && !(ctx.fields.customers ?? []).includes(valueField)) {
      throw new ChurnbookError("bad-param", `param "value_field": the customers dataset has no column "${valueField}"`, { hint: `columns: ${(ctx.fields.customers ?? []).join(", ")}` });
    }
    return { params, ctx: runContext(ctx), names, explicit, src, valueField, period: ctx.period, asOf: addDays(ctx.period.end, -1) };
  },

  // After plan: its type is inferred from plan's.
  definition: ({ params, ctx }) => definition(params, ctx),
  reductions({ ctx, names, src, valueField, period, asOf }) {
    const total = "SELECT COUNT(DISTINCT customer_id) AS customers FROM customers WHERE customer_id IS NOT NULL";
    if (names.length === 0) return { segments: "SELECT NULL AS attribute WHERE FALSE", total };
    const hasTx = ctx.fields.transactions !== undefined;
    const ctes = [`c AS (SELECT DISTINCT ON (customer_id) * FROM customers WHERE customer_id IS NOT NULL ORDER BY customer_id)`];
    if (hasTx) ctes.push(`tx AS (SELECT customer_id, COUNT(DISTINCT date) FILTER (WHERE NOT is_return) AS purchases, SUM(net) AS revenue FROM ${purchaseRowsSql(ctx, asOf)} GROUP BY customer_id)`);
    if (src === "spells") {
      const start = period.start, end = period.end;
      const censor = ctx.churn.kind === "inactivity" ? ` AND s.end_date <= (SELECT MAX(date) FROM transactions)` : "";
      ctes.push(`sp AS (SELECT customer_id, BOOL_OR(${activeAt("s", start)}) AS active_start,
        BOOL_OR(${activeAt("s", start)} AND s.end_date IS NOT NULL AND s.end_date < ${dateLit(end)}${censor}) AS churned_in
        FROM ${spellsSql(ctx)} s GROUP BY customer_id)`);
    }
    const d = dialectOf(ctx);
    const value = valueField ? d.tryCast(`c.${quoteIdent(valueField)}`, "number") : hasTx ? "COALESCE(tx.revenue, 0)" : "CAST(NULL AS DOUBLE PRECISION)";
    ctes.push(`f AS (SELECT c.*, ${hasTx ? "tx.purchases" : "NULL::BIGINT AS purchases"}, ${value} AS _value,
      ${src === "spells" ? "COALESCE(sp.active_start, FALSE) AS _at_start, COALESCE(sp.churned_in, FALSE) AS _churned" : src === "label" ? "NULL::BOOLEAN AS _at_start, c.churned AS _churned" : "NULL::BOOLEAN AS _at_start, NULL::BOOLEAN AS _churned"}
      FROM c ${hasTx ? "LEFT JOIN tx USING (customer_id)" : ""} ${src === "spells" ? "LEFT JOIN sp USING (customer_id)" : ""})`);
    const selects = names.map((a) => {
      const col = quoteIdent(a);
      return `SELECT ${quoteLiteral(a)} AS attribute, CAST(${col} AS VARCHAR) AS segment, MIN(${d.typeName(col)}) AS col_type,
        COUNT(*) AS customers,
        COUNT(*) FILTER (WHERE purchases >= 1) AS buyers,
        COUNT(*) FILTER (WHERE purchases >= 2) AS repeaters,
        COUNT(*) FILTER (WHERE _at_start) AS at_start,
        COUNT(*) FILTER (WHERE _churned) AS churned,
        COUNT(_churned) AS churn_known,
        ${meanMoneySql("_value")} AS avg_value
        FROM f GROUP BY ${col}`;
    });
    return { segments: `WITH ${ctes.join(",\n")}\n${selects.map((s) => `(${s})`).join("\nUNION ALL\n")}`, total };
  },

  compute(data, { params, ctx, names, explicit, src }) {
    const hasTx = ctx.fields.transactions !== undefined;
    const notes: string[] = [];
    const rows = data.segments ?? [];
    if (names.length === 0) notes.push(msg(ctx.locale).segmentation.noAttributes);
    if (!hasTx) notes.push(msg(ctx.locale).segmentation.noTransactions);
    if (src === "none") notes.push(msg(ctx.locale).segmentation.noChurnData);
    const out: Row[] = [];
    const highlights: Row[] = [];
    const scalars: Record<string, Value> = {};
    const used: string[] = [];
    for (const a of names) {
      const group = rows.filter((r) => r.attribute === a);
      const type = String(group[0]?.col_type ?? "VARCHAR");
      if (!explicit && !/^VARCHAR|^BOOLEAN|^ENUM/.test(type)) {
        notes.push(msg(ctx.locale).segmentation.skippedNumeric(a, type));
        continue;
      }
      if (!explicit && group.length > params.max_segments) {
        notes.push(msg(ctx.locale).segmentation.skippedTooMany(a, group.length, params.max_segments));
        continue;
      }
      used.push(a);
      const total = group.reduce((s, r) => s + num(r.customers), 0);
      const segRows = group
        .map((r) => ({
          attribute: a,
          segment: r.segment === null ? null : String(r.segment) as string | null,
          customers: num(r.customers),
          share: ratio(num(r.customers), total),
          buyers: hasTx ? num(r.buyers) : null,
          repeat_rate: hasTx ? ratio(num(r.repeaters), num(r.buyers)) : null,
          customers_at_start: src === "spells" ? num(r.at_start) : null,
          churned: src === "none" ? null : num(r.churned),
          churn_rate: src === "spells" ? ratio(num(r.churned), num(r.at_start)) : src === "label" ? ratio(num(r.churned), num(r.churn_known)) : null,
          avg_value: numOrNull(r.avg_value),
          highest_repeat: false,
          attribute_label: attributeLabel(a, ctx.locale),
          label: attributeLevelLabel(a, r.segment === null ? "—" : String(r.segment), ctx.locale),
        }))
        .sort((x, y) => (x.segment === null ? 1 : 0) - (y.segment === null ? 1 : 0) || y.customers - x.customers || compareIds(x.segment, y.segment));
      const eligible = segRows.filter((r) => r.repeat_rate !== null && r.customers >= params.min_customers);
      const best = [...eligible].sort((x, y) => (y.repeat_rate as number) - (x.repeat_rate as number) || y.customers - x.customers || compareIds(x.segment, y.segment))[0];
      if (best) {
        best.highest_repeat = true;
        highlights.push({ attribute: a, attribute_label: attributeLabel(a, ctx.locale), segment: best.segment, customers: best.customers, repeat_rate: best.repeat_rate });
        scalars[`top_repeat_${a}`] = best.segment;
      } else if (hasTx) {
        notes.push(msg(ctx.locale).segmentation.noRepeatLeader(a, params.min_customers));
      }
      out.push(...segRows);
    }
    return {
      scalars: { attributes: used.length, churn_source: src, customers: num(data.total?.[0]?.customers), ...scalars },
      tables: { segments: out, highlights },
      notes,
    };
  },

  chart(result, { ctx }) {
    const say = msg(ctx.locale).segmentation;
    const rows = result.tables.segments ?? [];
    if (rows.length === 0 || rows.every((r) => r.repeat_rate === null)) return null;
    return {
      title: say.repeatTitle,
      marks: [{ mark: "barX", data: "segments", options: { x: "repeat_rate", y: "label", fill: "highest_repeat", tip: true } }],
      x: { label: say.repeatRate, format: "percent", grid: true },
      y: { label: null, domain: rows.map((r) => r.label) },
      color: { legend: false, domain: [false, true], range: ["#9db4cc", "#1f4e79"] },
      marginLeft: 110,
    } satisfies ChartSpec;
  },
});
