// At render time a reference that names nothing is an error (the typo printed
// "客户流失率 —" and the cell was marked ok), while a value the data leave undefined (a rate with
// no customers at the start) prints "—" with a note saying which value and why.

import { describe, expect, it } from "vitest";
import type { AnalysisResult, Locale } from "../../src/analysis/types.js";
import type { ReportCell } from "../../src/definition/index.js";
import type { CellOutput } from "../../src/render/document.js";
import { renderReport } from "../../src/render/index.js";
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
