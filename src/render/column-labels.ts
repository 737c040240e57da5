// Default labels for result columns, so a table cell without explicit column labels still reads
// in the report's language. Analyses use snake_case column names from a shared vocabulary;
// unknown names fall back to a humanised form of the key. Formats are never taken from a name:
// they come from the declared outputs (render/output-formats.ts).

import type { Locale } from "../core/vocabulary.js";

const words: Record<string, [zh: string, en: string]> = {
  customer_id: ["客户编号", "Customer"],
  name: ["客户名称", "Name"],
  period: ["期间", "Period"],
  cohort: ["客户群", "Cohort"],
  age: ["月龄", "Age"],
  customers: ["客户数", "Customers"],
  customers_start: ["期初客户数", "Customers at start"],
  customers_end: ["期末客户数", "Customers at end"],
  new_customers: ["新增客户", "New customers"],
  reactivated: ["恢复客户", "Reactivated"],
  churned: ["流失客户", "Churned"],
  churn_rate: ["客户流失率", "Churn rate"],
  retention_rate: ["客户保持率", "Retention rate"],
  growth_rate: ["客户增长率", "Growth rate"],
  net_growth: ["净增长", "Net growth"],
  active: ["活跃客户", "Active"],
  retention: ["留存率", "Retention"],
  mrr: ["月经常性收入", "MRR"],
  mrr_start: ["期初MRR", "MRR at start"],
  mrr_end: ["期末MRR", "MRR at end"],
  delta: ["变动", "Change"],
  movement: ["变动类型", "Movement"],
  reason: ["原因", "Reason"],
  type: ["类型", "Type"],
  subtype: ["细分类型", "Subtype"],
  category: ["类别", "Category"],
  count: ["数量", "Count"],
  share: ["占比", "Share"],
  lost_mrr: ["流失MRR", "Lost MRR"],
  revenue: ["收入", "Revenue"],
  revenue_share: ["收入占比", "Revenue share"],
  cost: ["成本", "Cost"],
  profit: ["利润", "Profit"],
  value: ["价值", "Value"],
  segment: ["细分群体", "Segment"],
  action: ["建议措施", "Recommended action"],
  probability: ["流失概率", "Churn probability"],
  value_at_risk: ["风险价值", "Value at risk"],
  clv: ["客户终身价值", "CLV"],
  tenure_months: ["在网月数", "Tenure (months)"],
  recency: ["最近消费(天)", "Recency (days)"],
  frequency: ["消费频率", "Frequency"],
  monetary: ["消费金额", "Monetary"],
  metric: ["指标", "Metric"],
  previous: ["上期", "Previous"],
  last_year: ["去年同期", "Last year"],
  date: ["日期", "Date"],
  region: ["区域", "Region"],
  industry: ["行业", "Industry"],
  plan: ["套餐", "Plan"],
  channel: ["获客渠道", "Channel"],
  decile: ["十分位", "Decile"],
  group: ["分组", "Group"],
  reasons: ["主要原因", "Top reasons"],
  top_reasons: ["主要原因", "Top reasons"],
  model: ["模型", "Model"],
  tier: ["价值分层", "Value tier"],
  tier_label: ["价值分层", "Value tier"],
  reason_label: ["流失原因", "Reason"],
  category_label: ["原因类别", "Category"],
  label: ["名称", "Label"],
  events: ["事件数", "Events"],
  value_at_start: ["期初价值", "Value at start"],
  annual_revenue: ["年化收入", "Annual revenue"],
  annual_value: ["年价值", "Annual value"],
  churn_date: ["流失日期", "Churn date"],
  value_class: ["价值分类", "Value class"],
  value_class_label: ["价值分类", "Value class"],
  reason_1: ["主要原因一", "Top driver"],
  reason_2: ["主要原因二", "Second driver"],
  reason_3: ["主要原因三", "Third driver"],
  rank: ["排名", "Rank"],
  expected_churners: ["预计流失客户数", "Expected churners"],
  lost: ["流失数", "Lost"],
  horizon: ["期限", "Horizon"],
  survival: ["生存率", "Survival"],
  time: ["时间", "Time"],
  auc: ["AUC", "AUC"],
};

export function columnLabel(key: string, locale: Locale): string {
  const w = words[key];
  if (w) return locale === "zh-CN" ? w[0] : w[1];
  const human = key.replace(/_/g, " ");
  return human.charAt(0).toUpperCase() + human.slice(1);
}

/** Whether a column label is known in the report's language (used to warn about raw keys). */
export function isKnownColumn(key: string): boolean {
  return Object.hasOwn(words, key);
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
