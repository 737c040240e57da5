// Chart cases: each is a named function registered once (duplicate names are rejected),
// rendered by charts.test.ts and compared with test/output/charts/<name>.svg.

import type { Locale, Row } from "../../src/analysis/types.js";
import type { ChartSpec } from "../../src/charts/spec.js";

export interface ChartCase {
  spec: ChartSpec;
  data: Record<string, Row[]>;
  locale: Locale;
  currency: string;
  width?: number;
}

export const fontFamily = `"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif`;

export const chartCases = new Map<string, () => ChartCase>();

function register(name: string, make: () => ChartCase): void {
  if (chartCases.has(name)) throw new Error(`duplicate chart case: ${name}`);
  chartCases.set(name, make);
}

/** 18 months of churn and retention, deterministic (no clock, no randomness). */
export function trendRows(): Row[] {
  return Array.from({ length: 18 }, (_, i) => {
    const m0 = 4 + i;
    const month = `${2025 + Math.floor(m0 / 12)}-${String((m0 % 12) + 1).padStart(2, "0")}-01`;
    const churn = Math.round((0.031 + 0.009 * Math.sin(i / 2)) * 10000) / 10000;
    return { month, churn_rate: churn, retention_rate: Math.round((1 - churn) * 10000) / 10000 };
  });
}

function trend(locale: Locale): ChartCase {
  return {
    locale,
    currency: locale === "zh-CN" ? "CNY" : "USD",
    data: { trend: trendRows() },
    spec: {
      marks: [
        { mark: "lineY", data: "trend", options: { x: "month", y: "churn_rate" } },
        { mark: "dot", data: "trend", options: { x: "month", y: "churn_rate", r: 2.5 } },
      ],
      y: { format: "percent", label: locale === "zh-CN" ? "客户流失率" : "Customer churn rate", zero: true },
    },
  };
}

register("trend-line-percent-en", () => trend("en-US"));
register("trend-line-percent-zh", () => trend("zh-CN"));

export function reasonRows(locale: Locale): Row[] {
  const en = ["Price", "Service", "Product", "Competition", "Natural (moved away, ceased business)", "Payment failure"];
  const zh = ["价格", "服务", "产品", "竞争", "自然流失（搬迁、停业）", "支付失败"];
  const counts = [42, 27, 19, 14, 6, 4];
  return counts.map((n, i) => ({ reason: (locale === "zh-CN" ? zh : en)[i]!, customers: n, share: n / 112 }));
}

register("bar-by-reason-en", () => ({
  locale: "en-US",
  currency: "USD",
  data: { reasons: reasonRows("en-US") },
  spec: {
    marks: [
      { mark: "barY", data: "reasons", options: { x: "reason", y: "customers", sort: { x: "-y" } } },
      { mark: "ruleY", data: "reasons", options: { y: 0 } },
    ],
    y: { format: "integer", label: "Churned customers" },
  },
}));

register("bar-by-reason-zh", () => ({
  locale: "zh-CN",
  currency: "CNY",
  data: { reasons: reasonRows("zh-CN") },
  spec: {
    marks: [{ mark: "barX", data: "reasons", options: { y: "reason", x: "share", sort: { y: "-x" } } }],
    x: { format: "percent", label: "占流失客户比例" },
  },
}));

export function cohortRows(): Row[] {
  const rows: Row[] = [];
  for (let c = 0; c < 12; c++) {
    for (let age = 0; age < 12 - c; age++) {
      const cohort = `2025-${String(c + 1).padStart(2, "0")}-01`;
      rows.push({ cohort, age, retention: Math.round(Math.pow(0.91 - c * 0.004, age) * 1000) / 1000, customers: 200 + c * 7 });
    }
  }
  return rows;
}

register("cohort-heatmap-zh", () => ({
  locale: "zh-CN",
  currency: "CNY",
  data: { cohorts: cohortRows() },
  spec: {
    marks: [
      { mark: "cell", data: "cohorts", options: { x: "age", y: "cohort", fill: "retention", inset: 0.5 } },
    ],
    x: { label: "获客后月数", axis: "top" },
    y: { label: "获客月份" },
    color: { legend: true, format: "percent", label: "留存率", scheme: "blues" },
  },
}));

register("waterfall-mrr-en", () => ({
  locale: "en-US",
  currency: "USD",
  data: {
    bridge: [
      { step: "Starting MRR", value: 182_400, kind: "start" },
      { step: "New", value: 21_300, kind: "in" },
      { step: "Expansion", value: 8_750, kind: "in" },
      { step: "Reactivation", value: 1_200, kind: "in" },
      { step: "Contraction", value: -4_300, kind: "out" },
      { step: "Churned", value: -15_900, kind: "out" },
      { step: "Ending MRR", value: 193_450, kind: "end" },
    ],
  },
  spec: { marks: [{ mark: "waterfall", data: "bridge" }], y: { format: "currency", label: "MRR" } },
}));

register("waterfall-customers-zh", () => ({
  locale: "zh-CN",
  currency: "CNY",
  data: {
    bucket: [
      { step: "期初客户", value: 12_480, kind: "start" },
      { step: "新增客户", value: 1_320, kind: "in" },
      { step: "恢复客户", value: 140, kind: "in" },
      { step: "流失客户", value: 1_085, kind: "out" },
      { step: "期末客户", value: null, kind: "end" },
    ],
  },
  spec: { marks: [{ mark: "waterfall", data: "bucket" }], y: { format: "integer", label: "客户数" } },
}));

register("trend-periods-legend-zh", () => ({
  locale: "zh-CN",
  currency: "CNY",
  data: {
    rates: Array.from({ length: 12 }, (_, i) => i).flatMap((i) => [
      { period: `2026-${String(i + 1).padStart(2, "0")}`, label: "客户流失率", value: Math.round((0.03 + 0.004 * Math.cos(i)) * 1e4) / 1e4 },
      { period: `2026-${String(i + 1).padStart(2, "0")}`, label: "客户保持率", value: Math.round((0.97 - 0.004 * Math.cos(i)) * 1e4) / 1e4 },
    ]),
  },
  spec: {
    marks: [
      { mark: "lineY", data: "rates", options: { x: "period", y: "value", stroke: "label", strokeWidth: 2 } },
      { mark: "dot", data: "rates", options: { x: "period", y: "value", fill: "label", r: 3 } },
    ],
    x: { label: "期间" },
    y: { format: "percent", label: "比率", zero: true },
    color: { legend: true, domain: ["客户流失率", "客户保持率"], range: ["#c0392b", "#2e8b57"] },
  },
}));

/** The cohort-retention default chart: a 0–100% ramp legend and halo-free labels, white on dark cells. */
register("cohort-heatmap-labels-zh", () => ({
  locale: "zh-CN",
  currency: "CNY",
  data: {
    heatmap: cohortRows()
      .filter((r) => (r.age as number) < 6)
      .map((r) => ({ cohort: (r.cohort as string).slice(0, 7), age: r.age, retention: r.retention, label: `${Math.round((r.retention as number) * 100)}%`, label_tone: (r.retention as number) >= 0.7 ? "light" : "dark" })),
  },
  spec: {
    marks: [
      { mark: "cell", data: "heatmap", options: { x: "age", y: "cohort", fill: "retention", inset: 0.5 } },
      { mark: "text", data: "heatmap", filter: { label_tone: "light" }, options: { x: "age", y: "cohort", text: "label", fill: "white", fontSize: 9 } },
      { mark: "text", data: "heatmap", filter: { label_tone: "dark" }, options: { x: "age", y: "cohort", text: "label", fill: "#1f2933", fontSize: 9 } },
    ],
    x: { label: "获客后期数", type: "band" },
    y: { label: "获客期", type: "band" },
    color: { label: "客户留存率", format: "percent", legend: true, type: "linear", scheme: "blues", domain: [0, 1] },
  },
}));

/** A leaky bucket whose flows are small against its totals: the axis leaves zero (`zero: false`). */
register("waterfall-cut-axis-zh", () => ({
  locale: "zh-CN",
  currency: "CNY",
  data: {
    bucket: [
      { step: "期初客户", value: 940, kind: "start" },
      { step: "新增客户", value: 78, kind: "in" },
      { step: "恢复客户", value: 7, kind: "in" },
      { step: "流失客户", value: -15, kind: "out" },
      { step: "期末客户", value: 1010, kind: "end" },
    ],
  },
  spec: { marks: [{ mark: "waterfall", data: "bucket" }], y: { format: "integer", label: "客户数", zero: false } },
}));

/** The churn-reasons default chart: localised categories on the axis, counts at the bar ends, no legend. */
register("bar-by-category-en", () => ({
  locale: "en-US",
  currency: "USD",
  data: {
    categories: [
      { category: "price", label: "Price", events: 0 },
      { category: "service", label: "Service", events: 8 },
      { category: "product", label: "Product", events: 4 },
      { category: "competition", label: "Competition", events: 1 },
      { category: "other", label: "Other", events: 2 },
    ],
  },
  spec: {
    height: 180,
    marks: [
      { mark: "barX", data: "categories", options: { x: "events", y: "label", sort: { y: "-x" } } },
      { mark: "text", data: "categories", options: { x: "events", y: "label", text: "events", textAnchor: "start", dx: 4, fill: "#1f2933" } },
      { mark: "ruleX", data: "categories", options: { x: 0, stroke: "#9aa5b1" } },
    ],
    x: { label: "Churn events", format: "integer", nice: true },
    y: { label: null },
  },
}));
