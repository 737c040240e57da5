// Presentation cells from analysis results: markdown (Handlebars over the results, values
// escaped), KPI bands with period-over-period deltas, charts (an analysis's default chart or
// the author's Plot spec) and tables (with localised labels and formats).
//
// Analysis notes (AnalysisResult.notes: a fit at a boundary, a feature left out, …) are shown
// next to the result: the first chart, table or KPI cell (or `show: true` default view) that
// presents an analysis cell's result carries its notes, once per report; the renderer prints
// them in a note box right after that cell. They stay in the run log as well.

import type { Analysis, AnalysisContext, AnalysisResult, Locale, Row, Value } from "../analysis/types.js";
import type { ChartSpec } from "../charts/spec.js";
import type { ReportCell } from "../definition/index.js";
import type { CellOutput, ColumnSpec, KpiItem } from "../render/document.js";
import { columnLabel } from "../render/column-labels.js";
import { declaredColumnLabel, declaredMissingReason, tableColumnFormat } from "../render/output-formats.js";
import { compileMarkdownTemplate } from "../render/markdown-template.js";
import { grainWords } from "../render/period-words.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { msg } from "../locales/index.js";
import type { Period } from "../util/period.js";
import type { StreamedTable } from "./table-rows.js";

export interface CellResult {
  analysis: Analysis;
  params: Record<string, Value>;
  result: AnalysisResult;
  /** The plan the result was computed with (analysis/types.ts): its chart and appendix text read it. */
  plan: unknown;
  /** The result's engine tables, whole, read in batches from their spool files (runner/engine-tables.ts): what the outputs are written from. */
  streamed?: Record<string, StreamedTable>;
}
export type ResultsById = Map<string, CellResult>;

export interface Scope {
  params: Record<string, Value>;
  period: Period;
  locale: Locale;
  currency: string;
}

export function buildCell(cell: ReportCell, results: ResultsById, scope: Scope): CellOutput {
  switch (cell.kind) {
    case "markdown": {
      const out = compileMarkdownTemplate(cell.markdown, scope.locale, scope.currency)(markdownContext(results, scope));
      return withNotes({ kind: "markdown", id: cell.id, markdown: out.markdown }, missingValueNotes(out.missing, results, scope));
    }
    case "kpi": {
      const items = cell.items.map((i): KpiItem => ({ label: i.label, value: scalar(results, i.value), previous: i.previous ? scalar(results, i.previous) : undefined, lastYear: i.last_year ? scalar(results, i.last_year) : undefined, format: i.format, better: i.better }));
      const from = cell.items.flatMap((i) => [i.value, i.previous, i.last_year]).filter((r): r is string => !!r).map((r) => r.split(".")[0]!);
      // A value the data leave undefined prints "—" (previous and last year are comparisons, and say "—" without a note).
      const missing = cell.items.filter((i, j) => items[j]!.value === null).map((i) => i.value);
      return withNotes({ kind: "kpi", id: cell.id, title: cell.title, items }, [...new Set([...missingValueNotes(missing, results, scope), ...takeNotes(results, from, scope)])]);
    }
    case "chart": {
      const r = need(results, cell.from);
      let chart: ChartSpec | null;
      if (cell.spec) {
        chart = cell.spec as ChartSpec;
        for (const m of chart.marks) table(r, m.data, cell.from);
      } else {
        chart = r.analysis.chart?.(r.result, r.plan) ?? null;
        if (!chart) throw new ChurnbookError("no-chart", `analysis "${r.analysis.id}" has no default chart`, { hint: "write a chart spec with marks" });
      }
      // Only the tables the marks draw: a result's other tables (the 10^5 flagship's MRR bridge
      // carries 9,633 movement rows) would be hashed for the chart memo and the HTML cache key,
      // and drawn by nothing. A mark naming a missing table keeps them all, for renderChart's warning.
      const names = chart.marks.map((m) => m.data);
      const drawn = names.every((n) => Object.hasOwn(r.result.tables, n)) ? Object.fromEntries(names.map((n) => [n, r.result.tables[n]!])) : r.result.tables;
      return withNotes({ kind: "chart", id: cell.id, title: cell.title ?? chart.title, caption: cell.caption ?? chart.caption, chart, data: drawn, landscape: cell.landscape }, takeNotes(results, [cell.from], scope));
    }
    case "table": {
      const r = need(results, cell.from);
      const tableName = cell.table ?? r.analysis.mainTable;
      // An engine table's head suffices for its first rows, unsorted; more of it is refused (below).
      const head = partialEngineTable(r, tableName) && cell.limit && cell.limit <= r.result.tables[tableName]!.length && !cell.sort;
      let rows = head ? r.result.tables[tableName]! : table(r, tableName, cell.from);
      if (cell.sort) {
        const key = cell.sort.replace(/^-/, "");
        const dir = cell.sort.startsWith("-") ? -1 : 1;
        rows = [...rows].sort((a, b) => dir * compare(a[key] ?? null, b[key] ?? null));
      }
      const keys = cell.columns?.map((c) => c.key) ?? Object.keys(rows[0] ?? {});
      for (const k of keys) {
        if (rows.length && !Object.hasOwn(rows[0]!, k)) {
          const near = closeMatches(k, Object.keys(rows[0]!));
          throw new ChurnbookError("unknown-column", `table has no column "${k}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}columns: ${Object.keys(rows[0]!).join(", ")}` });
        }
      }
      const columns: ColumnSpec[] = keys.map((k) => {
        const given = cell.columns?.find((c) => c.key === k);
        // The declared format (a transform declares its table too); an open table's data-named columns by their values.
        const format = given?.format ?? tableColumnFormat(r.analysis, tableName, k, rows);
        // The header: the author's, else the declaration's; an undeclared column (named after the data, or new in a transform) by its name.
        return { key: k, label: given?.label ?? declaredColumnLabel(r.analysis, tableName, k, scope.locale) ?? columnLabel(k), format };
      });
      const shown = cell.limit ? rows.slice(0, cell.limit) : rows;
      const blanks = missingColumnNotes(shown, columns, (k) => declaredMissingReason(r.analysis, tableName, k, scope.locale), scope.locale);
      return withNotes({ kind: "table", id: cell.id, title: cell.title, caption: cell.caption, columns, rows: shown.map((r) => pick(r, keys)), totalRows: r.result.engineTables?.[tableName]?.rowCount ?? rows.length, landscape: cell.landscape || columns.length > 8 }, [...blanks, ...takeNotes(results, [cell.from], scope)]);
    }
    case "pagebreak":
      return { kind: "pagebreak", id: cell.id };
    case "analysis":
    case "transform":
      throw new Error(`${cell.kind} cells are not presentation cells`);
  }
}

/** The default view of an analysis cell: its default chart (if any) and the first 20 rows of
 * its main table, titled by the cell or the analysis; the analysis's notes follow the view. */
export function defaultView(cell: Extract<ReportCell, { kind: "analysis" }>, results: ResultsById, scope: Scope): CellOutput[] {
  const r = need(results, cell.id);
  const title = cell.title ?? r.analysis.title[scope.locale];
  const notes = takeNotes(results, [cell.id], scope);
  const out: CellOutput[] = [];
  if (r.analysis.chart?.(r.result, r.plan)) {
    out.push(stripNotes(buildCell({ kind: "chart", id: `${cell.id}-chart`, title, caption: cell.caption, from: cell.id, spec: null, landscape: false, line: cell.line }, results, scope)));
  }
  out.push(withNotes(stripNotes(buildCell({ kind: "table", id: `${cell.id}-table`, title: out.length ? undefined : title, from: cell.id, table: null, columns: null, limit: 20, sort: null, landscape: false, line: cell.line }, results, scope)), notes));
  return out;
}

/** Analysis cells whose notes a presentation cell has carried already, per run (results map). */
const notesShown = new WeakMap<ResultsById, Set<string>>();

/**
 * The notes of the given analysis cells not shown yet (then marked shown): in order of the
 * cells, duplicates once.
 */
export function takeNotes(results: ResultsById, ids: readonly string[], scope: Pick<Scope, "locale">): string[] {
  let shown = notesShown.get(results);
  if (!shown) notesShown.set(results, (shown = new Set()));
  const out: string[] = [];
  for (const id of ids) {
    if (shown.has(id)) continue;
    const r = results.get(id);
    if (!r) continue;
    shown.add(id);
    for (const text of readableNotes(r)) if (!out.includes(text)) out.push(text);
  }
  return out;
}

/**
 * The footnote of a cell showing values that are null ("—"): which ones, then why — the notes of
 * the analyses that computed them (e.g. "no customers at the start of the period"), whether or
 * not a cell above showed them already.
 */
function missingValueNotes(refs: readonly string[], results: ResultsById, scope: Pick<Scope, "locale">): string[] {
  if (!refs.length) return [];
  const why = [...new Set(refs.map((r) => r.split(".")[0]!))].flatMap((id) => readableNotes(results.get(id)));
  return [...new Set([msg(scope.locale).missingValue([...refs]), ...why])];
}

/**
 * The footnotes of a table whose shown rows have missing values ("—"): one per reason, naming the
 * columns by their headers — the declared reason (e.g. no customers at the start, so the rate is
 * undefined), else that the data have no value there.
 */
function missingColumnNotes(rows: readonly Row[], columns: readonly ColumnSpec[], reason: (key: string) => string | undefined, locale: Locale): string[] {
  const byReason = new Map<string | null, string[]>();
  for (const c of columns) {
    if (!rows.some((r) => r[c.key] === null || r[c.key] === undefined)) continue;
    const why = reason(c.key) ?? null;
    byReason.set(why, [...(byReason.get(why) ?? []), c.label]);
  }
  return [...byReason].map(([why, labels]) => msg(locale).missingInColumns(labels, why));
}

/** An analysis result's notes, in the report's language: analyses take every note from the
 * catalogue of ctx.locale (test/locales/notes-zh.test.ts), so none is left out here. */
function readableNotes(r: CellResult | undefined): string[] {
  return (r?.result.notes ?? []).map((n) => n.trim()).filter((n) => n);
}

function withNotes<C extends Extract<CellOutput, { notes?: string[] }>>(cell: C, notes: string[]): C {
  return notes.length ? { ...cell, notes } : cell;
}

function stripNotes(cell: CellOutput): Extract<CellOutput, { notes?: string[] }> {
  if (cell.kind !== "chart" && cell.kind !== "table") throw new Error(`not a chart or table cell: ${cell.kind}`);
  const { notes: _shownAfterTheView, ...rest } = cell;
  return rest;
}

/** The Handlebars context of markdown cells: each analysis id → its scalars and tables. */
export function markdownContext(results: ResultsById, scope: Scope): Record<string, unknown> {
  // {{grain.this_period}}, {{grain.vs_previous}}, …: words that follow the period's grain (render/period-words.ts).
  const ctx: Record<string, unknown> = { ...scope.params, params: scope.params, period: scope.period.label, grain: grainWords(scope.period.grain, scope.locale) };
  for (const [id, r] of results) {
    // A declared scalar the result leaves out ("present only with some params or data") is a missing value, not a wrong name.
    const declared = Object.keys(r.analysis.outputs?.scalars ?? {}).filter((k) => !k.includes("<"));
    const tables: Record<string, unknown> = { ...r.result.tables };
    const own: Record<string, unknown> = { ...Object.fromEntries(declared.map((k) => [k, null])), ...r.result.scalars, tables, ...r.result.tables };
    // A template that reads a table left in the engine would see only its head: refused when read.
    for (const name of Object.keys(r.result.tables).filter((n) => partialEngineTable(r, n))) {
      const refuse = { get: () => refuseEngineTable(r, name, `markdown: {{${id}.${name}}}`), enumerable: true };
      Object.defineProperty(tables, name, refuse);
      Object.defineProperty(own, name, refuse);
    }
    ctx[id] = own;
  }
  return ctx;
}

function need(results: ResultsById, id: string): CellResult {
  const r = results.get(id);
  if (!r) throw new ChurnbookError("unknown-cell", `no analysis cell "${id}"`, { hint: `analysis cells: ${[...results.keys()].join(", ")}` });
  return r;
}

function table(r: CellResult, name: string, id: string): Row[] {
  const t = r.result.tables[name];
  if (!t) {
    const near = closeMatches(name, Object.keys(r.result.tables));
    throw new ChurnbookError("unknown-table", `analysis cell "${id}" (${r.analysis.id}) has no table "${name}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}tables: ${Object.keys(r.result.tables).join(", ")}` });
  }
  refuseEngineTable(r, name, `analysis cell "${id}"`);
  return t;
}

/** An engine table (analysis/types.ts) longer than the head its result holds. */
export function partialEngineTable(r: CellResult, name: string): boolean {
  const t = r.result.engineTables?.[name];
  return t !== undefined && t.rowCount > (r.result.tables[name]?.length ?? 0);
}

/**
 * Refuses to use the whole of a table that stays in the engine: only its first rows are in
 * JavaScript (the whole table goes to tables/*.csv and tables.xlsx).
 */
export function refuseEngineTable(r: CellResult, name: string, what: string): void {
  if (!partialEngineTable(r, name)) return;
  const head = r.result.tables[name]?.length ?? 0;
  throw new ChurnbookError("engine-table", `${what}: table "${name}" (${r.analysis.id}) has ${r.result.engineTables![name]!.rowCount.toLocaleString("en-US")} rows and stays in the engine; only its first ${head.toLocaleString("en-US")} rows can be shown`, {
    hint: `show its first rows with a table cell (limit: up to ${head}, no sort), or read the whole table in tables/${name === r.analysis.mainTable ? "<cell>" : `<cell>.${name}`}.csv`,
  });
}

/** Resolves "<cell>.<scalar>" to a number (null when missing in the data, e.g. no previous period). */
function scalar(results: ResultsById, ref: string): number | null {
  const [id, ...rest] = ref.split(".");
  const key = rest.join(".");
  const r = need(results, id!);
  if (!Object.hasOwn(r.result.scalars, key) && !(r.analysis.outputs && Object.hasOwn(r.analysis.outputs.scalars, key))) {
    const near = closeMatches(key, Object.keys(r.result.scalars));
    throw new ChurnbookError("unknown-scalar", `analysis cell "${id}" (${r.analysis.id}) has no scalar "${key}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}scalars: ${Object.keys(r.result.scalars).join(", ")}` });
  }
  const v = r.result.scalars[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function pick(r: Row, keys: string[]): Row {
  const o: Row = {};
  for (const k of keys) o[k] = r[k] ?? null;
  return o;
}

function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}
