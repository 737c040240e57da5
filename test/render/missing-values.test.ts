// At render time a reference that names nothing is an error (the typo printed
// "客户流失率 —" and the cell was marked ok), while a value the data leave undefined (a rate with
// no customers at the start) prints "—" with a note saying which value and why — in markdown and
// KPI cells, under a table (which columns, and the reason their declaration gives), and under a
// chart whose marks leave points out.

import { describe, expect, it } from "vitest";
import type { AnalysisResult, Locale } from "../../src/analysis/types.js";
import type { ReportCell } from "../../src/definition/index.js";
import type { CellOutput } from "../../src/render/document.js";
import { renderReport } from "../../src/render/index.js";
import { renderChart } from "../../src/charts/index.js";
import type { ChartSpec } from "../../src/charts/spec.js";
import { compileMarkdownTemplate } from "../../src/render/markdown-template.js";
import { buildCell, type ResultsById } from "../../src/runner/cells.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { parsePeriod } from "../../src/util/period.js";
import { fixtureDocument } from "./fixtures.js";
import { fakeAnalysis } from "../helpers/analysis.js";

const fake = fakeAnalysis({
  outputs: {
    scalars: {
      churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失率", "en-US": "Churn rate" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      median: { type: "number", optional: true, description: { "zh-CN": "中位数", "en-US": "Median" } },
    },
    tables: { rows: { description: { "zh-CN": "", "en-US": "" }, columns: { k: { type: "string" } } } },
  },
});

const noCustomers: AnalysisResult = { scalars: { churn_rate: null, customers: 0 }, tables: { rows: [] }, notes: ["2026-10: no customers at the start of the period; churn, retention and growth rates are undefined (null)."] };
const results = (result: AnalysisResult): ResultsById => new Map([["summary", { analysis: fake, params: {}, plan: {}, result }]]);
const scope = (locale: Locale) => ({ params: {}, period: parsePeriod("2026-10"), locale, currency: "USD" });
const markdown = (text: string): ReportCell => ({ kind: "markdown", id: "m", markdown: text, line: 1 });
const notesOf = (c: CellOutput) => ("notes" in c ? c.notes : undefined);

function failure(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("no error");
}

describe("markdown references at render time", () => {
  it("a typo inside a helper's argument is an error, not a silent —", () => {
    const e = failure(() => buildCell(markdown("Churn {{percent summary.churn_rte}}"), results(noCustomers), scope("en-US")));
    expect(isChurnbookError(e)).toBe(true);
    expect(e.message).toContain('markdown refers to "summary.churn_rte"');
    expect((e as { hint?: string }).hint).toContain('did you mean "churn_rate"?');
  });

  it("an unknown helper is named as a helper", () => {
    const e = failure(() => compileMarkdownTemplate("{{pct summary.churn_rate}}", "en-US", "USD"));
    expect(e.message).toBe('markdown template, line 1: unknown helper "pct"');
    expect((e as { hint?: string }).hint).toContain('did you mean "percent"?');
  });

  it("a block's condition that names nothing is an error too", () => {
    expect(() => buildCell(markdown("{{#if summary.nope}}x{{/if}}"), results(noCustomers), scope("en-US"))).toThrow(/"summary\.nope"/);
  });

  it("a null value prints — with a note saying which value and why", () => {
    const cell = buildCell(markdown("Churn was {{percent summary.churn_rate}} of {{integer summary.customers}} customers."), results(noCustomers), scope("en-US"));
    expect(cell.kind === "markdown" && cell.markdown).toBe("Churn was — of 0 customers.");
    expect(notesOf(cell)).toEqual(["— means no value: summary.churn_rate is not defined for this period's data.", noCustomers.notes![0]]);
  });

  it("a declared optional scalar the result leaves out is a missing value, not a wrong name", () => {
    const cell = buildCell(markdown("Median {{number summary.median}}"), results(noCustomers), scope("en-US"));
    expect(cell.kind === "markdown" && cell.markdown).toBe("Median —");
    expect(notesOf(cell)![0]).toContain("summary.median");
  });

  it("values that are there print without a note", () => {
    const cell = buildCell(markdown("Churn {{percent summary.churn_rate}}"), results({ scalars: { churn_rate: 0.025, customers: 40 }, tables: { rows: [] } }), scope("en-US"));
    expect(cell.kind === "markdown" && cell.markdown).toBe("Churn 2.5%");
    expect(notesOf(cell)).toBeUndefined();
  });

  it("a KPI whose value is null carries the note; the report prints it after the cell, in zh-CN too", () => {
    const kpi: ReportCell = { kind: "kpi", id: "k", line: 1, items: [{ label: "流失率", value: "summary.churn_rate", format: "percent", better: "down" }] };
    const zh: AnalysisResult = { ...noCustomers, notes: ["2026-10：期初没有客户，客户流失率、保持率和增长率无法计算（为空）。"] };
    const cell = buildCell(kpi, results(zh), scope("zh-CN"));
    expect(notesOf(cell)).toEqual(["“—”表示无值：本期数据下 summary.churn_rate 无定义。", zh.notes![0]]);
    const md = buildCell(markdown("流失率 {{percent summary.churn_rate}}"), results(zh), scope("zh-CN"));
    const { html } = renderReport({ ...fixtureDocument("zh-CN"), cells: [md] });
    expect(html).toContain("本期数据下 summary.churn_rate 无定义");
  });
});

describe("— in tables and charts", () => {
  const rates = fakeAnalysis({
    outputs: {
      scalars: {},
      tables: {
        rows: {
          description: { "zh-CN": "各细分", "en-US": "Segments" },
          columns: {
            segment: { type: "string", format: "label", description: { "zh-CN": "细分", "en-US": "Segment" } },
            churn_rate: {
              type: "number",
              format: "percent",
              description: { "zh-CN": "流失客户数 ÷ 期初客户数", "en-US": "Churned ÷ customers at start" },
              label: { "zh-CN": "客户流失率", "en-US": "Churn rate" },
              missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" },
            },
            growth_rate: { type: "number", format: "percent", description: { "zh-CN": "客户增长率", "en-US": "Growth rate" }, missing: { "zh-CN": "期初没有客户，比率无定义", "en-US": "no customers at the start of the period, so the rate is undefined" } },
            revenue: { type: "number", format: "currency", description: { "zh-CN": "收入", "en-US": "Revenue" } },
          },
        },
      },
    },
  });
  const rows = [
    { segment: "Basic", churn_rate: null, growth_rate: null, revenue: 100 },
    { segment: "Pro", churn_rate: 0.1, growth_rate: 0.2, revenue: null },
    { segment: "Team", churn_rate: 0.05, growth_rate: 0.1, revenue: 50 },
  ];
  const tableOf = (r: typeof rows, locale: Locale) =>
    buildCell({ kind: "table", id: "t", from: "seg", table: null, columns: null, limit: null, sort: null, landscape: false, line: 1 } as ReportCell, new Map([["seg", { analysis: rates, params: {}, plan: {}, result: { scalars: {}, tables: { rows: r } } }]]), scope(locale));

  it("a table cell that prints — says under the table which columns and why (the declared reason), in en-US", () => {
    const cell = tableOf(rows, "en-US");
    expect(notesOf(cell)).toEqual(["— in Churn rate, Growth rate: no customers at the start of the period, so the rate is undefined.", "— in Revenue: no value in the data for that row."]);
    const { html } = renderReport({ ...fixtureDocument("en-US"), cells: [cell] });
    expect(html).toContain("— in Churn rate, Growth rate: no customers at the start of the period, so the rate is undefined.");
  });

  it("and in zh-CN", () => {
    const cell = tableOf(rows, "zh-CN");
    expect(notesOf(cell)).toEqual(["“—”（客户流失率、客户增长率）：期初没有客户，比率无定义。", "“—”（收入）：数据中该行无此值。"]);
    const { html } = renderReport({ ...fixtureDocument("zh-CN"), cells: [cell] });
    expect(html).toContain("“—”（客户流失率、客户增长率）：期初没有客户，比率无定义。");
  });

  it("a table without — has no such footnote; only the rows shown count", () => {
    expect(notesOf(tableOf(rows.slice(2), "en-US"))).toBeUndefined();
  });

  it("a chart says how many points it leaves out for want of a value (a line and its dots count them once)", () => {
    const spec: ChartSpec = { marks: [{ mark: "line", data: "rows", options: { x: "segment", y: "churn_rate" } }, { mark: "dot", data: "rows", options: { x: "segment", y: "churn_rate" } }] };
    const points = [...rows, { segment: "Solo", churn_rate: null, growth_rate: null, revenue: 1 }];
    expect(renderChart(spec, { rows: points }, { locale: "en-US", currency: "USD", fontFamily: "sans-serif" }).note).toBe("2 points have no value and are not drawn.");
    expect(renderChart(spec, { rows: points }, { locale: "zh-CN", currency: "CNY", fontFamily: "sans-serif" }).note).toBe("有 2 个数据点无值，未在图中画出。");
    expect(renderChart(spec, { rows: rows.slice(1) }, { locale: "en-US", currency: "USD", fontFamily: "sans-serif" }).note).toBeUndefined();
  });
});
