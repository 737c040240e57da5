// A small but complete ReportDocument in both locales: the render goldens and the print
// tests use it. Deterministic: fixed timestamps, computed (not random) rows.

import type { Locale, Row } from "../../src/analysis/types.js";
import type { CellOutput, ReportDocument } from "../../src/render/document.js";
import { parsePeriod } from "../../src/util/period.js";
import { cohortRows, reasonRows, trendRows } from "../charts/cases.js";

const text = {
  "zh-CN": {
    title: "2026年10月客户流失与留存月报",
    description: "面向管理层的月度客户流失、留存与收入留存分析。",
    client: "华东区零售事业部",
    summary: `## 摘要

本月**客户流失率**为 3.4%，环比上升 0.3 个百分点；净增长 375 位客户。

- 价格原因导致的流失占 37.5%，为第一大原因；
- 高价值客户流失 18 位，占流失客户的 1.7%，需重点关注；
- 新客户群首月流失率 8.1%，低于去年同期。

> 预警：客户 &lt;script&gt;alert(1)&lt;/script&gt; 的合同将于下月到期。

<b>原始 HTML 不会生效</b>`,
    kpi: "核心指标",
    labels: ["期末客户数", "客户流失率", "客户留存率", "月经常性收入 (MRR)", "净收入留存率 (NRR)", "客户增长率"],
    trend: "## 流失趋势",
    trendTitle: "近 18 个月客户流失率",
    trendY: "客户流失率",
    bucket: "## 漏水桶：流入与流出",
    bucketTitle: "本月客户流入与流出",
    bucketSteps: ["期初客户", "新增客户", "恢复客户", "流失客户", "期末客户"],
    cohort: "## 新客户群留存",
    cohortTitle: "按获客月份的留存率",
    reasonsTitle: "流失原因分布",
    atRisk: "## 风险客户与挽留建议",
    atRiskTitle: "高风险客户名单",
    cols: ["客户", "分群", "月经常性收入", "流失概率", "最近购买", "建议措施"],
    actions: ["专属客户经理回访", "定制化优惠", "新客户培训", "客户关怀"],
    segments: ["最有价值客户", "最具增长性客户", "新客户", "忠诚客户"],
    wideTitle: "分群明细（宽表）",
    defs: [
      { id: "churn-rate", title: "客户流失率", definition: "期内流失客户数 ÷ 期初客户数。期内新增后又流失的客户不计入分子。" },
      { id: "nrr", title: "净收入留存率 (NRR)", definition: "期初客户在期末的 MRR（含扩展、收缩、流失）÷ 期初 MRR。" },
    ],
    conventions: [
      { name: "流失判定", value: "最后一个有效订阅结束即视为流失" },
      { name: "货币", value: "人民币（CNY）" },
    ],
    error: "数据集 \"events\" 缺少字段 \"event_date\"",
  },
  "en-US": {
    title: "Customer Churn & Retention — October 2026",
    description: "Monthly churn, retention and revenue retention review for the leadership team.",
    client: "Acme Retail, East Region",
    summary: `## Executive summary

**Customer churn** was 3.4% this month, up 0.3 pp on September; net growth was 375 customers.

- Price was the leading reason, at 37.5% of churned customers;
- 18 high-value customers churned (1.7% of churned customers): the alarm to watch;
- Early churn of the newest cohort fell to 8.1%, below last year.

> Alert: the contract of customer &lt;script&gt;alert(1)&lt;/script&gt; ends next month.

<b>raw HTML is not rendered</b>`,
    kpi: "Key metrics",
    labels: ["Customers (end)", "Customer churn rate", "Customer retention rate", "MRR", "Net revenue retention", "Customer growth rate"],
    trend: "## Churn trend",
    trendTitle: "Customer churn rate, last 18 months",
    trendY: "Customer churn rate",
    bucket: "## Leaky bucket: in vs out",
    bucketTitle: "Customers in and out this month",
    bucketSteps: ["Start", "New", "Reactivated", "Churned", "End"],
    cohort: "## Cohorts",
    cohortTitle: "Retention by acquisition month",
    reasonsTitle: "Churn by reason",
    atRisk: "## Who is at risk next",
    atRiskTitle: "High-risk customers",
    cols: ["Customer", "Segment", "MRR", "Churn probability", "Last purchase", "Recommended action"],
    actions: ["Account manager call", "Tailored discount", "Onboarding session", "Customer care"],
    segments: ["Most valuable", "Most growable", "New", "Loyal"],
    wideTitle: "Segment detail (wide)",
    defs: [
      { id: "churn-rate", title: "Customer churn rate", definition: "Customers lost in the period ÷ customers at the start of the period. Customers acquired and lost within the period are not counted." },
      { id: "nrr", title: "Net revenue retention (NRR)", definition: "End-of-period MRR of the starting customers (with expansion, contraction and churn) ÷ starting MRR." },
    ],
    conventions: [
      { name: "Churn basis", value: "A customer churns when the last active subscription ends" },
      { name: "Currency", value: "US dollar (USD)" },
    ],
    error: 'dataset "events" has no column "event_date"',
  },
} as const;

function atRiskRows(locale: Locale, n: number): Row[] {
  const t = text[locale];
  return Array.from({ length: n }, (_, i) => ({
    customer: i === 3 ? "<script>alert(1)</script>" : locale === "zh-CN" ? `客户${String(1001 + i)}` : `Customer ${1001 + i}`,
    segment: t.segments[i % 4]!,
    mrr: 12_000 - i * 173.5,
    probability: Math.round((0.92 - i * 0.013) * 1000) / 1000,
    last_purchase: `2026-${String(1 + (i % 9)).padStart(2, "0")}-${String(1 + ((i * 7) % 28)).padStart(2, "0")}`,
    action: t.actions[i % 4]!,
  }));
}

export function fixtureDocument(locale: Locale, options: { atRiskRows?: number } = {}): ReportDocument {
  const t = text[locale];
  const zh = locale === "zh-CN";
  const currency = zh ? "CNY" : "USD";
  const rows = atRiskRows(locale, options.atRiskRows ?? 36);
  const cells: CellOutput[] = [
    { kind: "markdown", id: "summary", markdown: t.summary },
    {
      kind: "kpi",
      id: "kpis",
      title: t.kpi,
      items: [
        { label: t.labels[0], value: 12_855, format: "integer", previous: 12_480, lastYear: 11_020, better: "up" },
        { label: t.labels[1], value: 0.0342, format: "percent", previous: 0.0312, lastYear: 0.0398, better: "down" },
        { label: t.labels[2], value: 0.9658, format: "percent", previous: 0.9688, lastYear: 0.9602, better: "up" },
        { label: t.labels[3], value: 1_934_500, format: "currency", previous: 1_824_000, lastYear: null, better: "up" },
        { label: t.labels[4], value: 1.043, format: "percent", previous: 1.043, better: "up" },
        { label: t.labels[5], value: 0.1058, format: "percent", previous: 0.0921, lastYear: 0.1102, better: "up" },
      ],
    },
    { kind: "markdown", id: "trend-intro", markdown: t.trend },
    {
      kind: "chart",
      id: "trend",
      title: t.trendTitle,
      chart: {
        marks: [
          { mark: "lineY", data: "trend", options: { x: "month", y: "churn_rate" } },
          { mark: "dot", data: "trend", options: { x: "month", y: "churn_rate", r: 2.5 } },
        ],
        y: { format: "percent", label: t.trendY, zero: true },
      },
      data: { trend: trendRows() },
    },
    { kind: "markdown", id: "bucket-intro", markdown: t.bucket },
    {
      kind: "chart",
      id: "bucket",
      title: t.bucketTitle,
      caption: zh ? "绿色为流入，红色为流出。" : "Green flows in, red flows out.",
      chart: { height: 260, marks: [{ mark: "waterfall", data: "bucket" }], y: { format: "integer" } },
      data: {
        bucket: [
          { step: t.bucketSteps[0], value: 12_480, kind: "start" },
          { step: t.bucketSteps[1], value: 1_320, kind: "in" },
          { step: t.bucketSteps[2], value: 140, kind: "in" },
          { step: t.bucketSteps[3], value: 1_085, kind: "out" },
          { step: t.bucketSteps[4], value: null, kind: "end" },
        ],
      },
    },
    { kind: "markdown", id: "cohort-intro", markdown: t.cohort },
    {
      kind: "chart",
      id: "cohorts",
      title: t.cohortTitle,
      chart: {
        marks: [{ mark: "cell", data: "cohorts", options: { x: "age", y: "cohort", fill: "retention", inset: 0.5 } }],
        x: { label: zh ? "获客后月数" : "Months since acquisition" },
        color: { legend: true, format: "percent", label: zh ? "留存率" : "Retention", scheme: "blues" },
      },
      data: { cohorts: cohortRows() },
    },
    {
      kind: "chart",
      id: "reasons",
      title: t.reasonsTitle,
      chart: { height: 220, marks: [{ mark: "barX", data: "reasons", options: { y: "reason", x: "share", sort: { y: "-x" } } }], x: { format: "percent" } },
      data: { reasons: reasonRows(locale) },
    },
    { kind: "markdown", id: "risk-intro", markdown: t.atRisk },
    {
      kind: "table",
      id: "at-risk",
      title: t.atRiskTitle,
      columns: [
        { key: "customer", label: t.cols[0], format: "text" },
        { key: "segment", label: t.cols[1], format: "text" },
        { key: "mrr", label: t.cols[2], format: "currency" },
        { key: "probability", label: t.cols[3], format: "percent" },
        { key: "last_purchase", label: t.cols[4], format: "date" },
        { key: "action", label: t.cols[5], format: "text" },
      ],
      rows,
      totalRows: rows.length + 14,
    },
    {
      kind: "table",
      id: "segments-wide",
      title: t.wideTitle,
      columns: Array.from({ length: 9 }, (_, i) => ({ key: `c${i}`, label: i === 0 ? t.cols[1] : zh ? `第${i}月留存` : `Month ${i} retention`, format: i === 0 ? ("text" as const) : ("percent" as const) })),
      rows: t.segments.map((s, r) => Object.fromEntries([["c0", s], ...Array.from({ length: 8 }, (_, i) => [`c${i + 1}`, i === 7 && r === 2 ? null : Math.round(Math.pow(0.93 - r * 0.02, i + 1) * 1000) / 1000])])),
      totalRows: 4,
    },
    { kind: "error", id: "failed-cell", message: t.error },
  ];
  return {
    title: t.title,
    description: t.description,
    locale,
    currency,
    theme: { name: "default", accent: "#1f4e79", logoText: zh ? "CHURNBOOK · 华东区" : "CHURNBOOK" },
    client: t.client,
    period: parsePeriod("2026-10"),
    generatedAt: "2026-11-03T08:30:00Z",
    params: {},
    page: { size: "A4", orientation: "portrait" },
    cells,
    appendix: {
      definitions: [...t.defs],
      conventions: [...t.conventions],
      coverage: [
        { name: "subscriptions", role: "subscriptions", path: "data/subscriptions.csv", rows: 48_213, dropped: 12, droppedReasons: [zh ? "12 行缺少 customer_id" : "12 rows without customer_id"], minDate: "2023-01-01", maxDate: "2026-10-31" },
        { name: "customers", role: "customers", path: "data/customers.csv", rows: 13_940, dropped: 0, droppedReasons: [], minDate: null, maxDate: null },
      ],
    },
  };
}
