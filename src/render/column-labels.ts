// Labels that are not in the declared outputs: a table column's header and format come from its
// declaration (render/output-formats.ts: the label or description, the format); only a column
// nothing declares — new in a transform, or named after the data — is headed by its humanised
// name. Dataset roles as readers name them.

import type { Locale } from "../core/vocabulary.js";

/** The header of an undeclared column (new in a transform, or named after the data): its name, humanised. */
export function columnLabel(key: string): string {
  const human = key.replace(/_/g, " ");
  return human.charAt(0).toUpperCase() + human.slice(1);
}

const roleNames: Record<string, [zh: string, en: string]> = {
  customers: ["客户", "Customers"],
  subscriptions: ["订阅", "Subscriptions"],
  transactions: ["交易", "Transactions"],
  tickets: ["服务工单", "Support tickets"],
  churn_events: ["流失事件", "Churn events"],
  lifetimes: ["客户生命周期", "Lifetimes"],
  summary: ["购买汇总", "Purchase summary"],
  usage: ["使用记录", "Usage"],
};

/** A dataset role as readers name it. */
export function roleLabel(role: string, locale: Locale): string {
  const w = roleNames[role];
  return w ? (locale === "zh-CN" ? w[0] : w[1]) : role;
}
