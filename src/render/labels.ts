// The fixed words of a report (section titles, running header and footer, table notes) in
// every locale. Templates reach them through the `t` helper; a missing key is a programming
// error and fails loudly rather than printing a key name to a board.

import type { Locale } from "../core/vocabulary.js";

export const labels = {
  contents: { "zh-CN": "目录", "en-US": "Contents" },
  appendix: { "zh-CN": "附录", "en-US": "Appendix" },
  definitions: { "zh-CN": "指标定义", "en-US": "Metric definitions" },
  conventions: { "zh-CN": "口径说明", "en-US": "Conventions" },
  coverage: { "zh-CN": "数据覆盖", "en-US": "Data coverage" },
  generated: { "zh-CN": "生成时间", "en-US": "Generated" },
  period: { "zh-CN": "报告期", "en-US": "Period" },
  client: { "zh-CN": "客户", "en-US": "Client" },
  page: { "zh-CN": "页码", "en-US": "Page" },
  /** Running footer: {page} and {pages} are replaced by the printer. */
  pageXofY: { "zh-CN": "第{page}页 共{pages}页", "en-US": "Page {page} of {pages}" },
  vsPrevious: { "zh-CN": "环比", "en-US": "vs previous period" },
  vsLastYear: { "zh-CN": "同比", "en-US": "vs last year" },
  keyMetrics: { "zh-CN": "核心指标", "en-US": "Key metrics" },
  /** The appendix block stating the executive summary's rules (materiality, drivers, alerts). */
  summaryRules: { "zh-CN": "摘要与警报规则", "en-US": "Summary and alert rules" },
  metric: { "zh-CN": "指标", "en-US": "Metric" },
  definition: { "zh-CN": "定义", "en-US": "Definition" },
  setting: { "zh-CN": "项目", "en-US": "Setting" },
  value: { "zh-CN": "取值", "en-US": "Value" },
  dataset: { "zh-CN": "数据集", "en-US": "Dataset" },
  role: { "zh-CN": "角色", "en-US": "Role" },
  file: { "zh-CN": "文件", "en-US": "File" },
  rows: { "zh-CN": "行数", "en-US": "Rows" },
  dropped: { "zh-CN": "剔除行数", "en-US": "Dropped" },
  droppedReasons: { "zh-CN": "剔除原因", "en-US": "Reasons" },
  dateRange: { "zh-CN": "日期范围", "en-US": "Date range" },
  /** The coverage table's last column: what loading found in the data (findings). */
  dataNotes: { "zh-CN": "数据质量说明", "en-US": "Data quality notes" },
  findingDuplicateRows: { "zh-CN": "完全重复的行（已剔除）：{count} 行", "en-US": "Exact duplicate rows dropped: {count}" },
  findingDuplicateLineItems: { "zh-CN": "与前一行完全相同的行（文件无行编号，按多条明细保留）：{count} 行", "en-US": "Rows identical to an earlier row, kept as separate line items (no row id in the file): {count}" },
  findingMissingCustomerId: { "zh-CN": "缺少客户编号的行（已剔除）：{count} 行", "en-US": "Rows without a customer ID dropped: {count}" },
  findingEndBeforeStart: { "zh-CN": "结束日期早于开始日期的行（未纳入分析）：{count} 行", "en-US": "Rows ending before they start, left out: {count}" },
  findingResolvedBeforeDate: { "zh-CN": "解决日期早于工单日期的行（未纳入分析）：{count} 行", "en-US": "Tickets resolved before they were opened, left out: {count}" },
  findingFutureDate: { "zh-CN": "{fields}晚于生成日期 {date} 的行（保留，但不用于确定默认报告期）：{count} 行", "en-US": "Rows with a {fields} after the run date {date} (kept, not used for the default period): {count}" },
  findingRows: { "zh-CN": "（第 {rows} 行）", "en-US": " (rows {rows})" },
  findingRow: { "zh-CN": "（第 {rows} 行）", "en-US": " (row {rows})" },
  /** "Showing {shown} of {total} rows". */
  rowsShown: { "zh-CN": "显示 {shown} 行，共 {total} 行", "en-US": "Showing {shown} of {total} rows" },
  /** A table wider than a landscape page: the columns it leaves out, by name. */
  columnsLeftOut: { "zh-CN": "未显示 {count} 列（完整表格见导出的 CSV 与 xlsx 文件）：{columns}", "en-US": "{count} more columns not shown (the exported CSV and xlsx files have them all): {columns}" },
  cellFailed: { "zh-CN": "此部分生成失败", "en-US": "This section could not be produced" },
  noData: { "zh-CN": "无数据", "en-US": "No data" },
  confidential: { "zh-CN": "内部资料 · 注意保密", "en-US": "Confidential — for internal use" },
  preparedFor: { "zh-CN": "呈报", "en-US": "Prepared for" },
  reportPeriod: { "zh-CN": "报告期", "en-US": "Reporting period" },
} as const satisfies Record<string, Record<Locale, string>>;

export type LabelKey = keyof typeof labels;

export function isLabelKey(key: string): key is LabelKey {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** The label in a locale, with `{name}` placeholders filled from `vars`. */
export function label(key: string, locale: Locale, vars: Record<string, string | number> = {}): string {
  if (!isLabelKey(key)) throw new Error(`invalid label: ${key}`);
  return labels[key][locale].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
