// CPM (客户状态管理, customer portfolio management): the ten groups of seed 003 as an exact
// decision tree, so that every customer with a purchase lands in exactly one group.
//
//   lapsed     = days since last purchase ≥ lapse_days (default 240)
//   base group = purchases = 1                                    → new
//                purchases ≥ 2, spend ≥ S, tenure < long (210)    → stable   (high spend, short time)
//                purchases ≥ 2, spend ≥ S, tenure ≥ long          → loyal    (high spend, long time)
//                purchases ≥ 2, spend < S, tenure < short (90)    → semi-active
//                purchases ≥ 2, spend < S, tenure ≥ short         → active   (steady repeat buyer)
//   a lapsed customer gets the lapsed counterpart of the base group: first-time churned,
//   churned, needs retention, general retention, important retention (groups 6–10).
// tenure = last purchase date − first purchase date in days; S = the spend threshold.

import type { Locale, Localized } from "../types.js";
import { compareMoney } from "../money.js";
import { msg } from "../../locales/index.js";

export const cpmGroups = [
  "new", "semi_active", "active", "stable", "loyal",
  "first_time_churned", "churned", "needs_retention", "general_retention", "important_retention",
] as const;
export type CpmGroup = (typeof cpmGroups)[number];

export interface CpmRules {
  lapseDays: number;
  shortTenure: number;
  longTenure: number;
  spendThreshold: number;
  /** The report currency: spend is compared with S within half its minor unit (money.ts). */
  currency?: string;
}

export interface CpmFacts {
  /** Distinct purchase days. */
  purchases: number;
  /** Days from first to last purchase. */
  tenure: number;
  /** Cumulative net spend. */
  spend: number;
  /** Days from the last purchase to the as-of date. */
  daysSince: number;
}

/** The CPM group of a customer with at least one purchase. */
export function cpmGroup(c: CpmFacts, rules: CpmRules): CpmGroup {
  let base: number;
  if (c.purchases <= 1) base = 0;
  else if (compareMoney(c.spend, rules.spendThreshold, rules.currency ?? "USD") >= 0) base = c.tenure < rules.longTenure ? 3 : 4;
  else base = c.tenure < rules.shortTenure ? 1 : 2;
  return cpmGroups[c.daysSince >= rules.lapseDays ? base + 5 : base]!;
}

export function isLapsedGroup(g: CpmGroup): boolean {
  return cpmGroups.indexOf(g) >= 5;
}

export const cpmText: Record<CpmGroup, { label: Localized; treatment: Localized }> = {
  new: {
    label: { "zh-CN": "新客", "en-US": "New" },
    treatment: { "zh-CN": "新客引导与培训，尽快促成第二次购买", "en-US": "Onboarding and training; secure the second purchase soon" },
  },
  semi_active: {
    label: { "zh-CN": "较活跃客户", "en-US": "Semi-active" },
    treatment: { "zh-CN": "个性化推荐与复购激励，培养购买习惯", "en-US": "Personalised recommendations and repeat-purchase incentives to build the habit" },
  },
  active: {
    label: { "zh-CN": "活跃客户", "en-US": "Active" },
    treatment: { "zh-CN": "保持联系，提供会员权益，逐步提升客单价", "en-US": "Keep in touch; membership benefits; grow the basket" },
  },
  stable: {
    label: { "zh-CN": "稳定客户", "en-US": "Stable" },
    treatment: { "zh-CN": "专属服务，把短期高消费巩固为长期关系", "en-US": "Dedicated service to turn a burst of high spending into a lasting relationship" },
  },
  loyal: {
    label: { "zh-CN": "忠诚客户", "en-US": "Loyal" },
    treatment: { "zh-CN": "重点守护：专属客户经理与定制化优惠", "en-US": "Guard them: a dedicated account manager and tailored offers" },
  },
  first_time_churned: {
    label: { "zh-CN": "首次流失客户", "en-US": "First-time churned" },
    treatment: { "zh-CN": "低成本唤醒（邮件、短信）；无响应则不再投入", "en-US": "Low-cost reactivation (email, SMS); stop if they do not respond" },
  },
  churned: {
    label: { "zh-CN": "已流失客户", "en-US": "Churned" },
    treatment: { "zh-CN": "定向优惠唤回，调查流失原因", "en-US": "Targeted win-back offer; ask why they left" },
  },
  needs_retention: {
    label: { "zh-CN": "需挽留客户", "en-US": "Needs retention" },
    treatment: { "zh-CN": "个性化挽留沟通与客户关怀", "en-US": "Personalised retention contact and customer care" },
  },
  general_retention: {
    label: { "zh-CN": "一般挽留客户", "en-US": "General retention" },
    treatment: { "zh-CN": "定制化优惠挽回，挽回成本不超过客户价值", "en-US": "Tailored win-back offer, its cost kept below the customer's value" },
  },
  important_retention: {
    label: { "zh-CN": "重要挽留客户", "en-US": "Important retention" },
    treatment: { "zh-CN": "最高优先级：专属客户经理主动联系，了解原因并提供定制化方案", "en-US": "Top priority: a dedicated manager reaches out, learns why and offers a tailored package" },
  },
};

/** The rule of a group in words, with the actual thresholds. */
export function cpmRuleText(g: CpmGroup, r: CpmRules, locale: Locale, money: (x: number) => string): string {
  const i = cpmGroups.indexOf(g) % 5;
  const say = msg(locale).segmentation;
  const lapse = isLapsedGroup(g) ? say.cpmLapsed(r.lapseDays) : say.cpmRecent(r.lapseDays);
  // Groups 1–2 compare tenure with the short threshold, 3–4 with the long one.
  const base = say.cpmBase(i, money(r.spendThreshold), i <= 2 ? r.shortTenure : r.longTenure);
  return say.cpmRule(base, lapse);
}
