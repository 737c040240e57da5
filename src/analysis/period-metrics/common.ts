// Shared pieces of the period-metric analyses: params, needs, the definition text, and the
// period resolution.

import { Type } from "@sinclair/typebox";
import type { Localized, RoleNeed } from "../types.js";
import { parsePeriod, type Period } from "../../util/period.js";

export const includeFreeParam = Type.Boolean({
  default: false,
  description: "Count free customers: by default a spell in which no subscription has mrr > 0 (inactivity basis: no transaction with amount > 0) is left out",
});

export const conventionParam = Type.Union([Type.Literal("standard"), Type.Literal("stripe"), Type.Literal("rolling30")], {
  default: "standard",
  description: "Customer churn-rate convention: standard (ChartMogul, starting base), stripe (churned ÷ start + new + reactivated), rolling30 (Baremetrics, mean daily 30-day rate)",
});

export const periodParam = Type.String({ default: "", description: "Period to analyse (2026-09, 2026-Q3, 2026); empty = the report period" });

export const grainParam = Type.Union([Type.Literal("auto"), Type.Literal("month"), Type.Literal("quarter"), Type.Literal("year")], {
  default: "auto",
  description: "Trend grain: auto = the report period's grain; another grain ends with its last complete period within the report period",
});

export const periodsParam = Type.Integer({ minimum: 1, maximum: 120, default: 12, description: "Number of periods in the trend, ending with the report period" });

/** Subscriptions (contractual) or transactions (inactivity basis); revenue fields optional. */
export function periodNeeds(revenueRequired = false): RoleNeed[] {
  return [
    { role: "subscriptions", fields: ["customer_id", "start_date", "end_date", ...(revenueRequired ? ["mrr"] : [])], optional: revenueRequired ? [] : ["mrr"] },
    { role: "transactions", fields: ["customer_id", "date", ...(revenueRequired ? ["amount"] : [])], optional: revenueRequired ? [] : ["amount"] },
  ];
}

export function resolvePeriod(override: string | undefined, report: Period): Period {
  return override && override.trim() !== "" ? parsePeriod(override) : report;
}

/** The shared definition of customers, spells and revenue movements (appendix text). */
export const baseDefinition: Localized = {
  "zh-CN":
    "活跃期：订阅数据中，客户从订阅开始日起活跃，直到最后一份有效订阅结束（相互重叠或首尾相接的订阅合并为一个活跃期；结束日即流失日）；交易数据（非合约型）中，每笔交易使客户在此后 N 天内保持活跃，最后一次购买 N 天后即为流失，且流失只在数据已覆盖到该日时才确认（否则视为尚未发生）。" +
    "期初客户数 = 在期初日处于活跃期的客户（开始日 < 期初日 ≤ 结束日，或尚未结束）；期末客户数同理取期末日（下一期的第一天）。新增客户 = 期内开始的、客户的第一个活跃期；恢复客户 = 期内开始的第二个及以后的活跃期；流失客户 = 期内结束的活跃期。以上按活跃期事件计数：期内加入又流失的客户在新增和流失中各计一次，因此 期末 = 期初 + 新增 + 恢复 − 流失 恒成立（逐个客户核对；数据使其不成立时报错并列出相关客户）。" +
    "免费客户：默认剔除整个活跃期内 MRR 始终为 0 的客户活跃期（交易数据：活跃期内没有金额 > 0 的交易；报告设置为包含免费客户时保留），其余活跃期重新编号。" +
    "客户流失率（口径）：标准口径（ChartMogul）= 期初客户中到期末不再活跃的客户数 ÷ 期初客户数（不含期内加入又流失、期内流失又恢复的客户）；Stripe口径 = 期内流失事件数 ÷（期初客户 + 新增 + 恢复）（Stripe 的“新订阅者”包含回流客户，这样流失率不超过100%）；滚动30天口径（Baremetrics）= 期内每一天 t 的（t−29 至 t 日结束的活跃期数 ÷ t−29 日的期初活跃客户数）的平均值。" +
    "客户保持率 = 1 − 客户流失率（以期初客户为基数）。客户增长率 = 新增客户 ÷ 期初客户数。净增长 = 新增 + 恢复 − 流失。" +
    "收入：客户在边界日 b 的 MRR = 开始日 < b ≤ 结束日（或未结束）的订阅 MRR 之和（按取消日确认流失时，取消日早于结束日的订阅以取消日为结束日，与活跃期一致）；交易数据没有 MRR，改用期间收入：“期初”水平为上一期的收入，“期末”水平为本期收入。每位收入有变化的客户记一条变动：期初不在收入基数中、期末为正 → 新增（此前没有活跃期）或恢复；期初在基数中、期末不在 → 流失；两端都在 → 扩展或收缩（按变化的正负）。期内加入又离开的客户没有MRR变动。" +
    "MRR总流失率 =（流失 + 收缩）÷ 期初MRR；MRR净流失率 =（流失 + 收缩 − 扩展 − 恢复）÷ 期初MRR；GRR = 期初客户群的 Σ min（期末，期初）÷ Σ 期初（≤ 100%）；NRR = 期初客户群的 Σ 期末 ÷ Σ 期初；快速比率 =（新增 + 扩展 + 恢复）÷（流失 + 收缩），分母为零时为空。" +
    "分母为零的比率一律记为空（显示为“—”）。前缀 prev_ = 上一期（环比），ly_ = 去年同期（同比）。",
  "en-US":
    "Activity spells: with subscription data a customer is active from a subscription's start until their last active subscription ends (overlapping or back-to-back subscriptions merge into one spell; the end date is the churn date); with transaction data (non-contractual) each purchase keeps the customer active for N days and the customer churns N days after the last purchase, a churn being recognised only once the data covers that day (otherwise it has not happened yet). " +
    "Customers at start = customers with a spell active at the period's first day (start date < first day ≤ end date, or no end); customers at end likewise at the period's end (the next period's first day). New customers = spells starting in the period that are the customer's first; reactivated = later spells starting in the period; churned = spells ending in the period. These count spell events: a customer who joins and leaves within the period counts once in new and once in churned, so end = start + new + reactivated − churned always holds (checked customer by customer; data that breaks it is an error naming the customers). " +
    "Free customers: by default spells in which the MRR is 0 throughout (transaction data: no purchase with amount > 0) are left out (kept when the report is set to include free customers); the remaining spells are renumbered. " +
    "Customer churn rate (convention): standard (ChartMogul) = customers at start who are no longer active at the end ÷ customers at start (customers who joined and left, or churned and reactivated, within the period are not counted); stripe = churn events in the period ÷ (customers at start + new + reactivated) (Stripe's new subscribers include returning ones, which keeps the rate ≤ 100%); rolling30 (Baremetrics) = the mean over the period's days t of (spells ending on days t−29…t ÷ customers active at day t−29). " +
    "Customer retention rate = 1 − churn rate (on the starting base). Customer growth rate = new customers ÷ customers at start. Net growth = new + reactivated − churned. " +
    "Revenue: a customer's MRR at boundary b = Σ mrr of subscriptions with start date < b ≤ end date (or no end; with churn recognised at cancellation, a cancel date before the end date stands for the end, as for the spells); transaction data has no MRR, so period revenue is used instead: the 'start' level is the previous period's revenue and the 'end' level the period's revenue. Every customer whose revenue changes is one movement: not in the revenue base at the start and positive at the end → new (no earlier spell) or reactivation; in the base at the start but not at the end → churn; in both → expansion or contraction by the sign of the change. A customer who joins and leaves within the period has no MRR movement. " +
    "Gross MRR churn = (churned + contraction) ÷ MRR at start; net MRR churn = (churned + contraction − expansion − reactivation) ÷ MRR at start; GRR = Σ min(end, start) ÷ Σ start over the starting cohort (≤ 100%); NRR = Σ end ÷ Σ start over the starting cohort; quick ratio = (new + expansion + reactivation) ÷ (churned + contraction), null when the denominator is zero. " +
    "Ratios with a zero denominator are empty (shown as “—”). Prefix prev_ = previous period, ly_ = same period last year.",
};
