// Analysis notes are shown in the report next to the result: the first chart, table or KPI
// cell (or `show: true` default view) presenting an analysis cell's result carries its notes,
// and the renderer prints them in a note box right after that cell, in the report's language.

import { describe, expect, it } from "vitest";
import type { AnalysisResult, Locale } from "../../src/analysis/types.js";
import type { ReportCell } from "../../src/definition/index.js";
import type { CellOutput } from "../../src/render/document.js";
import { renderReport } from "../../src/render/index.js";
import { buildCell, defaultView, type ResultsById } from "../../src/runner/cells.js";
import { parsePeriod } from "../../src/util/period.js";
import { fixtureDocument } from "./fixtures.js";
import { fakeAnalysis } from "../helpers/analysis.js";

const fake = fakeAnalysis({
  chart: () => ({ title: "chart", marks: [{ mark: "barY", data: "rows", options: { x: "k", y: "v" } }] }),
});

function results(notes: Record<string, string[] | undefined>): ResultsById {
  const map: ResultsById = new Map();
  for (const [id, n] of Object.entries(notes)) {
    const result: AnalysisResult = { scalars: { total: 3 }, tables: { rows: [{ k: "a", v: 1 }, { k: "b", v: 2 }] }, notes: n };
    map.set(id, { analysis: fake, params: {}, plan: {}, result });
  }
  return map;
}

const scope = (locale: Locale) => ({ params: {}, period: parsePeriod("2026-10"), locale, currency: "USD" });
const table = (id: string, from: string): ReportCell => ({ kind: "table", id, from, table: null, columns: null, limit: null, sort: null, landscape: false, line: 1 });
const chart = (id: string, from: string): ReportCell => ({ kind: "chart", id, from, spec: null, landscape: false, line: 1 });
const notesOf = (c: CellOutput) => ("notes" in c ? c.notes : undefined);

describe("analysis notes in the document", () => {
  it("go with the first cell showing the result, once", () => {
    const rs = results({ m: ["BG/NBD 参数趋于边界。", "特征 status 已排除。"], quiet: undefined });
    const first = buildCell(chart("c1", "m"), rs, scope("zh-CN"));
    const second = buildCell(table("t1", "m"), rs, scope("zh-CN"));
    const other = buildCell(table("t2", "quiet"), rs, scope("zh-CN"));
    expect(notesOf(first)).toEqual(["BG/NBD 参数趋于边界。", "特征 status 已排除。"]);
    expect(notesOf(second)).toBeUndefined();
    expect(notesOf(other)).toBeUndefined();
  });

  it("KPI cells carry the notes of every analysis they read", () => {
    const rs = results({ a: ["note a"], b: ["note b", "note a"] });
    const kpi: ReportCell = { kind: "kpi", id: "k", line: 1, items: [{ label: "x", value: "a.total", format: "number", better: "up" }, { label: "y", value: "b.total", previous: "a.total", format: "number", better: "up" }] };
    expect(notesOf(buildCell(kpi, rs, scope("en-US")))).toEqual(["note a", "note b"]);
  });

  it("a default view (show: true) carries them after its table, not after its chart", () => {
    const rs = results({ m: ["Logistic regression: separation."] });
    const view = defaultView({ kind: "analysis", id: "m", analysis: "fake", params: {}, show: true, line: 1 }, rs, scope("en-US"));
    expect(view.map((c) => c.kind)).toEqual(["chart", "table"]);
    expect(notesOf(view[0]!)).toBeUndefined();
    expect(notesOf(view[1]!)).toEqual(["Logistic regression: separation."]);
  });

  it("a zh-CN report prints every note (analyses write them in its language; none is hidden)", () => {
    const rs = results({ m: ["净消费为 0。", "字段 status（AUC 0.999）已排除"] });
    expect(notesOf(buildCell(table("t", "m"), rs, scope("zh-CN")))).toEqual(["净消费为 0。", "字段 status（AUC 0.999）已排除"]);
  });
});

describe("the note box", () => {
  for (const [locale, heading] of [["zh-CN", "分析说明"], ["en-US", "Notes on this result"]] as const) {
    it(`is printed right after the cell, in ${locale}`, () => {
      const doc = fixtureDocument(locale);
      const i = doc.cells.findIndex((c) => c.kind === "table");
      const cell = doc.cells[i] as Extract<CellOutput, { kind: "table" }>;
      doc.cells[i] = { ...cell, notes: ["<b>x</b> 已排除", "second"] };
      const { html } = renderReport(doc);
      const at = html.indexOf(`id="cell-${cell.id}"`);
      const box = html.indexOf(`id="cell-${cell.id}-notes"`);
      expect(at).toBeGreaterThan(0);
      expect(box).toBeGreaterThan(at);
      // nothing else between the cell and its note box
      expect(html.slice(at, box).match(/<section class="cell /g)?.length ?? 0).toBe(0);
      const boxHtml = html.slice(html.lastIndexOf("<aside", box), html.indexOf("</aside>", box));
      expect(boxHtml).toContain(heading);
      expect(boxHtml).toContain("<li>&lt;b&gt;x&lt;/b&gt; 已排除</li>");
      expect(boxHtml).toContain("<li>second</li>");
    });
  }

  it("is absent when no cell has notes", () => {
    expect(renderReport(fixtureDocument("en-US")).html).not.toContain("cell-notes\"");
  });
});
