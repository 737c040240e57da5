// CPM customer portfolio management: the ten groups of seed 003 (five current, five lapsed),
// their sizes and revenue, the movement between groups since the previous period end, and
// the treatment per group. The rule table lives in segmentation/cpm-rules.ts.

import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { addDays } from "../util/period.js";
import { quantile } from "./stats/quantile.js";
import { compareIds, dateLit, num, purchaseRowsSql, ratio, resolveAsOf, sum } from "./segmentation/common.js";
import { returnsRule } from "./money.js";
import { cpmGroup, cpmGroups, cpmRuleText, cpmText, isLapsedGroup, type CpmGroup, type CpmRules } from "./segmentation/cpm-rules.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Localized, type Row, type RunContext } from "./types.js";
import { msg } from "../locales/index.js";
import { dialectOf } from "../data/dialects/index.js";

export const cpmParams = Type.Object({
  as_of: Type.String({ default: "", description: "As-of date yyyy-mm-dd; empty = the last day of the report period" }),
  previous_as_of: Type.String({ default: "", description: "As-of date of the previous groups for the transition matrix; empty = the day before the period starts" }),
  lapse_days: Type.Integer({ default: 240, minimum: 1, description: "A customer is lapsed after this many days without a purchase (days since last purchase ≥ lapse_days)" }),
  short_tenure_days: Type.Integer({ default: 90, minimum: 0, description: "Tenure (first → last purchase) below this is short for low-spend repeat buyers (semi-active vs active)" }),
  long_tenure_days: Type.Integer({ default: 210, minimum: 0, description: "Tenure below this is short for high-spend buyers (stable vs loyal)" }),
  spend_threshold: Type.Number({ default: 0, description: "Cumulative spend at or above which a customer is high-spend, in the report's currency; 0 = the spend_percentile of the data" }),
  spend_percentile: Type.Number({ default: 80, minimum: 0, maximum: 100, description: "Percentile (type 7) of customers' cumulative net spend used as the threshold when spend_threshold is 0" }),
});
export type CpmParams = Static<typeof cpmParams>;

/** The definition as the cell ran: its thresholds, and the spend threshold S the data gave. */
function definition(params: CpmParams, ctx: RunContext, result: AnalysisResult | null): Localized {
  const p = params;
  const S = result?.scalars.spend_threshold;
  const fmt = (x: number, locale: string) => new Intl.NumberFormat(locale, { style: "currency", currency: ctx.currency, maximumFractionDigits: 2 }).format(x);
  const sZh = typeof S === "number" ? `(本次为 ${fmt(S, "zh-CN")})` : "";
  const sEn = typeof S === "number" ? ` (this run: ${fmt(S, "en-US")})` : "";
  const returns = returnsRule(ctx.returns);
  return {
    "zh-CN": [
      "截止日期默认为报告期最后一天；上期截止日期默认为报告期开始前一天。只计截止日期当天及以前的交易。",
      "购买次数 = 不同购买日期的天数；消费间隔（在网时长）= 最后一次购买日期 − 首次购买日期（天）；累计消费 = 净消费额；未消费时间 = 截止日期 − 最后一次购买日期（天）。" + returns["zh-CN"],
      p.spend_threshold > 0
        ? `消费门槛 S = ${fmt(p.spend_threshold, "zh-CN")}（参数 spend_threshold）；上期分组沿用同一 S，使迁移只反映行为变化。`
        : `消费门槛 S：截止日期时全部有购买客户累计净消费的第 ${p.spend_percentile} 百分位数（第 7 类分位数，参数 spend_percentile）${sZh}；上期分组沿用同一 S，使迁移只反映行为变化。`,
      `分组规则（每位有购买的客户恰好属于一组）：未消费时间 ≥ ${p.lapse_days} 天为流失（参数 lapse_days）。购买 1 次 → 新客；购买 ≥ 2 次且累计消费 ≥ S：消费间隔 < ${p.long_tenure_days} 天 → 稳定客户，≥ ${p.long_tenure_days} 天 → 忠诚客户；购买 ≥ 2 次且累计消费 < S：消费间隔 < ${p.short_tenure_days} 天 → 较活跃客户，≥ ${p.short_tenure_days} 天 → 活跃客户。流失客户对应为：首次流失客户、已流失客户、需挽留客户、一般挽留客户、重要挽留客户（依次对应新客、较活跃、活跃、稳定、忠诚）。`,
      "分组表：客户数、占比、累计收入（组内累计净消费）及占比、本期收入（两个截止日期之间的净消费）。迁移矩阵：上期截止日的分组 → 本期分组的客户数；上期尚无购买的客户记为“（上期非客户）”。",
    ].join("\n"),
    "en-US": [
      "As-of date: the last day of the report period unless given; previous as-of date: the day before the period starts unless given. Only transactions on or before the as-of date count.",
      "Purchases = distinct purchase days; tenure = last purchase date − first purchase date (days); spend = cumulative net spend; days since last purchase = as-of date − last purchase date. " + returns["en-US"],
      p.spend_threshold > 0
        ? `Spend threshold S = ${fmt(p.spend_threshold, "en-US")} (param spend_threshold). The previous groups use the same S, so movements reflect behaviour, not a moving threshold.`
        : `Spend threshold S: the ${ordinal(p.spend_percentile)} percentile (type 7; param spend_percentile) of cumulative net spend over all customers with a purchase at the as-of date${sEn}. The previous groups use the same S, so movements reflect behaviour, not a moving threshold.`,
      `Rules (every customer with a purchase is in exactly one group): lapsed when days since last purchase ≥ ${p.lapse_days} (param lapse_days). 1 purchase → new; ≥ 2 purchases and spend ≥ S: tenure < ${p.long_tenure_days} days → stable, ≥ ${p.long_tenure_days} → loyal; ≥ 2 purchases and spend < S: tenure < ${p.short_tenure_days} days → semi-active, ≥ ${p.short_tenure_days} → active. Lapsed customers get the counterpart: first-time churned, churned, needs retention, general retention, important retention (of new, semi-active, active, stable, loyal).`,
      "Group table: customers, share, revenue (the group's cumulative net spend) and its share, period revenue (net spend between the two as-of dates). Transition matrix: customers by group at the previous as-of date → group now; customers without a purchase by then come from \"(not yet a customer)\".",
    ].join("\n"),
  };
}

/** 80 → "80th", 21 → "21st", 12.5 → "12.5th". */
function ordinal(x: number): string {
  if (!Number.isInteger(x)) return `${x}th`;
  const t = x % 100, u = x % 10;
  return `${x}${t >= 11 && t <= 13 ? "th" : u === 1 ? "st" : u === 2 ? "nd" : u === 3 ? "rd" : "th"}`;
}

const noneGroup = "none";
const statusLabel: Record<"current" | "lapsed", Localized> = {
  current: { "zh-CN": "当前客户", "en-US": "Current" },
  lapsed: { "zh-CN": "流失客户", "en-US": "Lapsed" },
};
const noneLabel: Localized = { "zh-CN": "（上期非客户）", "en-US": "(not yet a customer)" };
const movementText = {
  joined: { "zh-CN": "新增客户", "en-US": "New customer" },
  stayed: { "zh-CN": "保持不变", "en-US": "Unchanged" },
  lapsed: { "zh-CN": "转为流失", "en-US": "Lapsed" },
  returned: { "zh-CN": "流失回流", "en-US": "Won back" },
  moved: { "zh-CN": "组间迁移", "en-US": "Moved" },
} satisfies Record<string, Localized>;
/** The kind of a transition (previous group → group), for labels and highlighting. */
function movementOf(from: string, to: CpmGroup): keyof typeof movementText {
  if (from === noneGroup) return "joined";
  if (from === to) return "stayed";
  const wasLapsed = isLapsedGroup(from as CpmGroup), isLapsed = isLapsedGroup(to);
  return !wasLapsed && isLapsed ? "lapsed" : wasLapsed && !isLapsed ? "returned" : "moved";
}

function money(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/**
 * CPM groups as of a date. Purchases = distinct purchase days, tenure = first → last purchase
 * (days), spend = cumulative net spend (returns subtracted), lapsed = ≥ lapse_days (240) days
 * since the last purchase; 1 purchase → new; spend ≥ S → stable (tenure < 210) or loyal;
 * else semi-active (tenure < 90) or active; lapsed customers get the counterpart group.
 * S defaults to the 80th percentile (type 7) of cumulative spend. Transitions compare the
 * groups at the previous period end (same S) with now.
 */
export const cpm = defineAnalysis({
  id: "cpm",
  title: { "zh-CN": "CPM 客户状态管理", "en-US": "CPM customer portfolio management" },
  summary: { "zh-CN": "按购买次数、消费间隔、累计消费和未消费时间把客户分为十组，含迁移矩阵与对策", "en-US": "Ten customer groups from purchases, tenure, spend and days since last purchase, with transitions and treatments" },
  params: cpmParams,
  needs: [{ role: "transactions", fields: ["customer_id", "date", "amount"], optional: ["quantity"] }],
  mainTable: "groups",
  outputs: {
    scalars: {
      as_of: { type: "date", format: "date", description: { "zh-CN": "截至日期", "en-US": "As of" } },
      previous_as_of: { type: "date", format: "date", description: { "zh-CN": "上一截至日期", "en-US": "Previous as of" } },
      spend_threshold: { type: "number", format: "currency", description: { "zh-CN": "消费金额门槛", "en-US": "Spend threshold" } },
      spend_threshold_source: { type: "string", format: "label", description: { "zh-CN": "消费金额门槛来源", "en-US": "Spend threshold source" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      current_customers: { type: "integer", format: "count", description: { "zh-CN": "当前客户数", "en-US": "Current customers" } },
      lapsed_customers: { type: "integer", format: "count", description: { "zh-CN": "休眠客户数", "en-US": "Lapsed customers" } },
      lapsed_share: { type: "number", format: "percent", description: { "zh-CN": "休眠客户占比", "en-US": "Lapsed share" } },
    },
    tables: {
      groups: {
        description: { "zh-CN": "CPM 客户状态管理", "en-US": "CPM customer portfolio management" },
        columns: {
          group: { type: "string", format: "label", description: { "zh-CN": "CPM 分组代码", "en-US": "CPM group code" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          label: { type: "string", format: "label", description: { "zh-CN": "CPM 分组的显示名称", "en-US": "CPM group as readers see it" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          status: { type: "string", format: "label", description: { "zh-CN": "状态代码：活跃或流失", "en-US": "Status code: active or lapsed" }, label: { "zh-CN": "状态", "en-US": "Status" } },
          status_label: { type: "string", format: "label", description: { "zh-CN": "状态", "en-US": "Status" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
          share: { type: "number", format: "percent", description: { "zh-CN": "该分组占客户的比例", "en-US": "Group's share of the customers" }, label: { "zh-CN": "占比", "en-US": "Share" } },
          revenue: { type: "number", format: "currency", description: { "zh-CN": "该分组客户的累计收入", "en-US": "Lifetime revenue of the group's customers" }, label: { "zh-CN": "收入", "en-US": "Revenue" } },
          revenue_share: { type: "number", format: "percent", description: { "zh-CN": "该分组占收入的比例", "en-US": "Group's share of the revenue" }, label: { "zh-CN": "收入占比", "en-US": "Revenue share" } },
          period_revenue: { type: "number", format: "currency", description: { "zh-CN": "该分组客户本期收入", "en-US": "Revenue of the group's customers in the period" }, label: { "zh-CN": "本期收入", "en-US": "Period revenue" } },
          avg_spend: { type: "number", format: "currency", description: { "zh-CN": "收入 ÷ 该分组客户数", "en-US": "Revenue ÷ customers of the group" }, label: { "zh-CN": "平均消费", "en-US": "Average spend" } },
          rule: { type: "string", format: "label", description: { "zh-CN": "客户归入该分组的规则", "en-US": "Rule that places a customer in the group" }, label: { "zh-CN": "规则", "en-US": "Rule" } },
          treatment: { type: "string", format: "label", description: { "zh-CN": "建议对策", "en-US": "Suggested treatment" }, label: { "zh-CN": "对策", "en-US": "Treatment" } },
        },
      },
      transitions: {
        description: { "zh-CN": "客户状态转移", "en-US": "Transitions" },
        columns: {
          from_group: { type: "string", format: "label", description: { "zh-CN": "上期末所在分组", "en-US": "Group at the end of the previous period" }, label: { "zh-CN": "原分组", "en-US": "From" } },
          from_label: { type: "string", format: "label", description: { "zh-CN": "原分组的显示名称", "en-US": "Previous group as readers see it" }, label: { "zh-CN": "原分组", "en-US": "From" } },
          to_group: { type: "string", format: "label", description: { "zh-CN": "本期末所在分组", "en-US": "Group at the end of the period" }, label: { "zh-CN": "新分组", "en-US": "To" } },
          to_label: { type: "string", format: "label", description: { "zh-CN": "新分组的显示名称", "en-US": "Group as readers see it" }, label: { "zh-CN": "新分组", "en-US": "To" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "在两个分组之间移动的客户数", "en-US": "Customers who moved between the two groups" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          movement: { type: "string", format: "label", description: { "zh-CN": "变动代码：升级、降级、不变、新增或流失", "en-US": "Movement code: up, down, stayed, new or lost" }, label: { "zh-CN": "变动类型", "en-US": "Movement" } },
          movement_label: { type: "string", format: "label", description: { "zh-CN": "变动类型的显示名称", "en-US": "Movement as readers see it" }, label: { "zh-CN": "变动类型", "en-US": "Movement" } },
          changed: { type: "boolean", description: { "zh-CN": "客户是否改变分组", "en-US": "Whether the customer changed group" }, label: { "zh-CN": "已变动", "en-US": "Changed" } },
          customers_label: { type: "string", format: "label", description: { "zh-CN": "客户数（显示文本）", "en-US": "Customers, as printed" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          moved_customers: { type: "integer", format: "count", description: { "zh-CN": "改变分组的客户数（未变动为 0）", "en-US": "Customers who changed group (0 for those who stayed)" }, label: { "zh-CN": "变动客户", "en-US": "Moved" } },
        },
      },
      customers: {
        description: { "zh-CN": "客户数", "en-US": "Customers" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          purchases: { type: "integer", format: "count", description: { "zh-CN": "截至期末的购买次数", "en-US": "Purchases up to the period end" }, label: { "zh-CN": "购买次数", "en-US": "Purchases" } },
          tenure: { type: "integer", format: "days", description: { "zh-CN": "从首次购买到期末的天数", "en-US": "Days from the first purchase to the period end" }, label: { "zh-CN": "在网天数", "en-US": "Tenure" } },
          spend: { type: "number", format: "currency", description: { "zh-CN": "截至期末的累计消费", "en-US": "Spend up to the period end" }, label: { "zh-CN": "累计消费", "en-US": "Spend" } },
          days_since: { type: "integer", format: "days", description: { "zh-CN": "距最近一次购买的天数", "en-US": "Days since the last purchase" }, label: { "zh-CN": "未购天数", "en-US": "Days since" } },
          group: { type: "string", format: "label", description: { "zh-CN": "期末所在 CPM 分组", "en-US": "CPM group at the period end" }, label: { "zh-CN": "分组", "en-US": "Group" } },
          previous_group: { type: "string", format: "label", description: { "zh-CN": "上期末所在 CPM 分组", "en-US": "CPM group at the end of the previous period" }, label: { "zh-CN": "上期分组", "en-US": "Previous group" } },
          period_revenue: { type: "number", format: "currency", description: { "zh-CN": "本期消费", "en-US": "Spend in the period" }, label: { "zh-CN": "本期收入", "en-US": "Period revenue" } },
        },
      },
    },
  },

  // The as-of date and the previous one (checked to be earlier), resolved once.
  plan(params: CpmParams, ctx: AnalysisContext) {
    const asOf = resolveAsOf(params.as_of, ctx);
    return { params, ctx: runContext(ctx), asOf, prev: previousAsOf(params, ctx, asOf) };
  },

  // After plan: its type is inferred from plan's.
  definition: ({ params, ctx }, result) => definition(params, ctx, result),
  reductions({ ctx, asOf, prev }) {
    const p = `date <= ${dateLit(prev)}`;
    const days = (a: string, b: string) => dialectOf(ctx).dateDiff("day", a, b);
    return {
      customers: `
        SELECT customer_id,
               COUNT(DISTINCT date) FILTER (WHERE NOT is_return) AS purchases,
               ${days(`MIN(date) FILTER (WHERE NOT is_return)`, `MAX(date) FILTER (WHERE NOT is_return)`)} AS tenure,
               ${days(`MAX(date) FILTER (WHERE NOT is_return)`, dateLit(asOf))} AS days_since,
               SUM(net) AS spend,
               COUNT(DISTINCT date) FILTER (WHERE NOT is_return AND ${p}) AS prev_purchases,
               ${days(`MIN(date) FILTER (WHERE NOT is_return AND ${p})`, `MAX(date) FILTER (WHERE NOT is_return AND ${p})`)} AS prev_tenure,
               ${days(`MAX(date) FILTER (WHERE NOT is_return AND ${p})`, dateLit(prev))} AS prev_days_since,
               COALESCE(SUM(net) FILTER (WHERE ${p}), 0) AS prev_spend
        FROM ${purchaseRowsSql(ctx, asOf)}
        GROUP BY customer_id
        ORDER BY customer_id`,
    };
  },

  compute(data, { params, ctx, asOf, prev }) {
    const notes: string[] = [];
    const all = [...(data.customers ?? [])].sort((a, b) => compareIds(a.customer_id, b.customer_id));
    const rows = all.filter((r) => num(r.purchases) > 0);
    if (all.length > rows.length) notes.push(msg(ctx.locale).segmentation.cpmReturnsOnly(all.length - rows.length));
    const derived = params.spend_threshold <= 0;
    const threshold = derived ? quantile(rows.map((r) => num(r.spend)), params.spend_percentile / 100) : params.spend_threshold;
    if (threshold === null) notes.push(msg(ctx.locale).segmentation.noCustomersWithPurchase(asOf));
    const rules: CpmRules = { lapseDays: params.lapse_days, shortTenure: params.short_tenure_days, longTenure: params.long_tenure_days, spendThreshold: threshold ?? 0, currency: ctx.currency };
    const L = ctx.locale;
    const label = (g: string): string => (g === noneGroup ? noneLabel[L] : cpmText[g as CpmGroup].label[L]);

    const customers: Row[] = rows.map((r) => {
      const group = cpmGroup({ purchases: num(r.purchases), tenure: num(r.tenure), spend: num(r.spend), daysSince: num(r.days_since) }, rules);
      const previous = num(r.prev_purchases) > 0 ? cpmGroup({ purchases: num(r.prev_purchases), tenure: num(r.prev_tenure), spend: num(r.prev_spend), daysSince: num(r.prev_days_since) }, rules) : noneGroup;
      return {
        customer_id: String(r.customer_id),
        purchases: num(r.purchases),
        tenure: num(r.tenure),
        spend: num(r.spend),
        days_since: num(r.days_since),
        group,
        previous_group: previous,
        period_revenue: num(r.spend) - num(r.prev_spend),
      };
    });
    const totalSpend = sum(customers.map((c) => c.spend as number));
    const groups: Row[] = cpmGroups.map((g) => {
      const members = customers.filter((c) => c.group === g);
      const revenue = sum(members.map((c) => c.spend as number));
      return {
        group: g,
        label: label(g),
        status: isLapsedGroup(g) ? "lapsed" : "current",
        status_label: statusLabel[isLapsedGroup(g) ? "lapsed" : "current"][L],
        customers: members.length,
        share: ratio(members.length, customers.length),
        revenue,
        revenue_share: ratio(revenue, totalSpend),
        period_revenue: sum(members.map((c) => c.period_revenue as number)),
        avg_spend: ratio(revenue, members.length),
        rule: cpmRuleText(g, rules, L, money),
        treatment: cpmText[g].treatment[L],
      };
    });
    const counts = new Map<string, number>();
    for (const c of customers) {
      const k = `${c.previous_group}\u0000${c.group}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const transitions: Row[] = [noneGroup, ...cpmGroups].flatMap((from) =>
      cpmGroups.map((to) => {
        const movement = movementOf(from, to);
        const n = counts.get(`${from}\u0000${to}`) ?? 0;
        // Display helpers: the movement kind, a cell label that is blank for 0 (heatmaps), and
        // moved_customers (0 on the diagonal) to rank the movements in a table.
        return {
          from_group: from, from_label: label(from), to_group: to, to_label: label(to), customers: n,
          movement, movement_label: movementText[movement][L], changed: movement !== "stayed",
          customers_label: n > 0 ? String(n) : "", moved_customers: movement === "stayed" ? 0 : n,
        };
      }),
    );
    const lapsed = customers.filter((c) => isLapsedGroup(c.group as CpmGroup)).length;
    return {
      scalars: {
        as_of: asOf,
        previous_as_of: prev,
        spend_threshold: threshold,
        spend_threshold_source: derived ? `p${params.spend_percentile}` : "param",
        customers: customers.length,
        current_customers: customers.length - lapsed,
        lapsed_customers: lapsed,
        lapsed_share: ratio(lapsed, customers.length),
      },
      tables: { groups, transitions, customers },
      notes,
    };
  },

  chart(result, { ctx }) {
    const rows = result.tables.groups ?? [];
    return {
      title: msg(ctx.locale).segmentation.cpmTitle,
      marks: [{ mark: "barX", data: "groups", options: { x: "customers", y: "label", fill: "status_label", tip: true } }],
      x: { label: msg(ctx.locale).common.customers, format: "integer", grid: true },
      y: { label: null, domain: rows.map((r) => r.label) },
      color: { legend: true, domain: [statusLabel.current[ctx.locale], statusLabel.lapsed[ctx.locale]], range: ["#1f4e79", "#c0504d"] },
      marginLeft: 130,
    } satisfies ChartSpec;
  },
});

function previousAsOf(params: CpmParams, ctx: Parameters<typeof resolveAsOf>[1], asOf: string): string {
  const prev = params.previous_as_of.trim() === "" ? addDays(ctx.period.start, -1) : resolveAsOf(params.previous_as_of, ctx, "previous_as_of");
  if (prev >= asOf) {
    throw new ChurnbookError("bad-param", `previous as-of date ${prev} is not before the as-of date ${asOf}`, { hint: "set --param previous_as_of=<an earlier date>" });
  }
  return prev;
}
