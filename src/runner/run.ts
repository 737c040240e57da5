// The runner: definition → data → analysis → document. The phases, in order:
//   1. resolve parameters (definition defaults, then CLI overrides; `period` may wait for the data),
//   2. load every dataset once into the engine (DuckDB) — typed, checked, named by role,
//   3. fix the period (default: the last complete period in the data) and build the context,
//   4. run the analysis cells (they depend only on data; presentation cells depend on them),
//   5. build the presentation cells (markdown, KPI, chart, table) from the results,
//   6. assemble the report document with its appendix (definitions, conventions, coverage).
// Rendering to HTML and printing to PDF come after, in render/ and print/ (see runner/outputs.ts).

import { isAbsolute, relative, resolve } from "node:path";
import type { Report, ReportCell } from "../definition/index.js";
import { createEngine, type Engine } from "../data/engine.js";
import { loadDataset, type LoadedDataset } from "../data/load.js";
import { checkPeriodCoverage, dataExtent, defaultPeriod, futureRowsWarning } from "../data/quality.js";
import { getAnalysis } from "../analysis/registry.js";
import { resolveParams } from "../analysis/params.js";
import { definitionOf, runAnalysis } from "../analysis/run.js";
import type { AnalysisContext, AnalysisResult, Row, Value } from "../analysis/types.js";
import type { CellOutput, ReportDocument } from "../render/document.js";
import { ChurnbookError, isChurnbookError } from "../util/errors.js";
import { parsePeriod, type Period } from "../util/period.js";
import { buildCell, defaultView, type ResultsById } from "./cells.js";
import { roleLabel } from "../render/column-labels.js";
import type { MetricDefinition } from "../render/document.js";
import { conventionsFor } from "./conventions.js";
import { fillTemplate, resolveReportParams } from "./params.js";

export interface RunOptions {
  /** Parameter overrides from the CLI, as strings (`--period`, `--param k=v`). */
  overrides?: Record<string, string>;
  /** Render failed cells in place instead of stopping the run. */
  keepGoing?: boolean;
  /** The generation timestamp (injected so tests are reproducible). */
  now?: Date;
  /** Progress reporting. */
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { phase: "load"; dataset: string; rows: number; ms: number }
  | { phase: "cell"; id: string; kind: string; ms: number; error?: string };

export interface RunResult {
  document: ReportDocument;
  results: ResultsById;
  datasets: LoadedDataset[];
  params: Record<string, Value>;
  timings: { phase: string; id?: string; ms: number }[];
  warnings: string[];
}

export async function runReport(report: Report, options: RunOptions = {}): Promise<RunResult> {
  const timings: RunResult["timings"] = [];
  const warnings: string[] = [];
  const progress = options.onProgress ?? (() => {});
  const params = resolveReportParams(report, options.overrides ?? {});
  const now = options.now ?? new Date();
  const engine = await createEngine();
  try {
    // 2. Data.
    const datasets: LoadedDataset[] = [];
    const seenRoles = new Map<string, string>();
    for (const d of report.datasets) {
      if (seenRoles.has(d.role)) {
        throw new ChurnbookError("duplicate-role", `datasets "${seenRoles.get(d.role)}" and "${d.name}" both play the role "${d.role}"`, { location: { file: report.file, line: d.line } });
      }
      seenRoles.set(d.role, d.name);
      const t0 = performance.now();
      const path = fillTemplate(d.path, params, { file: report.file, line: d.line });
      const loaded = await loadDataset(engine, { ...d, file: isAbsolute(path) ? path : resolve(report.dir, path) }, { now }).catch((e: unknown) => {
        throw isChurnbookError(e) ? e.at({ file: report.file, line: d.line, dataset: d.name }) : e;
      });
      const ms = performance.now() - t0;
      datasets.push(loaded);
      for (const f of loaded.findings) warnings.push(`dataset "${d.name}": ${f.message}`);
      timings.push({ phase: "load", id: d.name, ms });
      progress({ phase: "load", dataset: d.name, rows: loaded.rows, ms });
    }

    const subs = datasets.find((d) => d.role === "subscriptions");
    if (report.churn.kind === "subscriptions" && report.churn.recognition === "cancellation" && subs && !subs.fields.includes("cancel_date")) {
      throw new ChurnbookError("missing-field", `churn recognition at cancellation needs a "cancel_date" field in the subscriptions dataset "${subs.name}"`, {
        hint: `map the column holding the cancellation date: columns: { cancel_date: <column> } (fields: ${subs.fields.join(", ")})`,
        location: { file: report.file, dataset: subs.name },
      });
    }

    // 3. Period and context.
    const period = await resolvePeriod(engine, report, params, datasets, now, warnings);
    params.period = period.label;
    const currency = fillTemplate(report.currency, params, { file: report.file });
    const theme = { ...report.theme, accent: report.theme.accent ? fillTemplate(report.theme.accent, params, { file: report.file }) : undefined, logoText: report.theme.logoText ? fillTemplate(report.theme.logoText, params, { file: report.file }) : undefined };
    const ctx: AnalysisContext = {
      period,
      locale: report.locale,
      currency,
      churn: report.churn,
      returns: report.returns,
      fields: Object.fromEntries(datasets.map((d) => [d.role, d.fields])),
    };

    // 4. Analyses.
    const results: ResultsById = new Map();
    const shared = new Map<string, Row[]>();
    const failed = new Map<string, string>();
    for (const cell of report.cells) {
      if (cell.kind !== "analysis") continue;
      const t0 = performance.now();
      try {
        const analysis = getAnalysis(cell.analysis);
        const raw = Object.fromEntries(Object.entries(cell.params).map(([k, v]) => [k, typeof v === "string" ? fillTemplate(v, params, { file: report.file, line: cell.line }) : v]));
        const p = resolveParams(analysis, raw, { file: report.file, line: cell.line, cellId: cell.id });
        const result = await runAnalysis(engine, analysis, p, ctx, shared);
        results.set(cell.id, { analysis, params: p, result, ctx });
        for (const n of result.notes ?? []) warnings.push(`${cell.id}: ${n}`);
      } catch (e) {
        const err = isChurnbookError(e) ? e.at({ file: report.file, line: cell.line, cellId: cell.id }) : e;
        if (!options.keepGoing || !isChurnbookError(err)) throw err;
        failed.set(cell.id, err.message);
      }
      const ms = performance.now() - t0;
      timings.push({ phase: "analysis", id: cell.id, ms });
      progress({ phase: "cell", id: cell.id, kind: "analysis", ms, error: failed.get(cell.id) });
    }

    // 5. Presentation cells.
    const cells: CellOutput[] = [];
    const scope = { params, period, locale: report.locale, currency, ctx };
    for (const cell of report.cells) {
      if (cell.kind === "analysis") {
        // `show: true`: the analysis's default view, in place — its default chart and main table.
        if (cell.show) cells.push(...(failed.has(cell.id) ? [{ kind: "error" as const, id: cell.id, message: failed.get(cell.id)! }] : defaultView(cell, results, scope)));
        continue;
      }
      const dependsOn = dependencies(cell).find((id) => failed.has(id));
      if (dependsOn) {
        cells.push({ kind: "error", id: cell.id, message: `${dependsOn}: ${failed.get(dependsOn)}` });
        continue;
      }
      const t0 = performance.now();
      try {
        cells.push(buildCell(cell, results, scope));
      } catch (e) {
        const err = isChurnbookError(e) ? e.at({ file: report.file, line: cell.line, cellId: cell.id }) : e;
        if (!options.keepGoing || !isChurnbookError(err)) throw err;
        cells.push({ kind: "error", id: cell.id, message: err.message });
      }
      timings.push({ phase: "cell", id: cell.id, ms: performance.now() - t0 });
    }

    // 6. Document.
    // Each analysis's definition as it ran (its cell's params and data facts); an analysis run by
    // several cells with the same text is defined once.
    const used = [...new Map([...results.values()].map((r) => {
      const text = definitionOf(r.analysis, r.params, r.ctx ?? ctx, r.result)[report.locale];
      return [`${r.analysis.id}\u0000${text}`, { id: r.analysis.id, title: r.analysis.title[report.locale], definition: text }] as const;
    })).values()];
    const document: ReportDocument = {
      title: fillTemplate(report.title, params, { file: report.file }),
      description: report.description ? fillTemplate(report.description, params, { file: report.file }) : undefined,
      locale: report.locale,
      currency,
      theme,
      client: typeof params.client === "string" ? params.client : undefined,
      period,
      generatedAt: now.toISOString(),
      params,
      page: report.page,
      cells,
      appendix: {
        definitions: withoutRepeats(used, report.locale),
        conventions: conventionsFor(report, [...results.values()], currency),
        coverage: datasets.map((d) => ({
          name: d.name,
          role: roleLabel(d.role, report.locale),
          path: relative(report.dir, d.file),
          rows: d.rows,
          dropped: d.dropped,
          droppedReasons: d.droppedReasons,
          findings: d.findings,
          minDate: d.minDate,
          maxDate: d.maxDate,
        })),
      },
    };
    return { document, results, datasets, params, timings, warnings: [...new Set(warnings)] };
  } finally {
    engine.close();
  }
}

/** The period asked for, or the last complete one in the data (ignoring rows dated after the
 * run date); refused when the data does not reach it, a warning when it covers it only in part. */
async function resolvePeriod(engine: Engine, report: Report, params: Record<string, Value>, datasets: LoadedDataset[], now: Date, warnings: string[]): Promise<Period> {
  const extent = await dataExtent(engine, datasets, now.toISOString().slice(0, 10));
  let period: Period;
  if (typeof params.period === "string" && params.period) period = parsePeriod(params.period);
  else {
    if (!extent.last) {
      throw new ChurnbookError("no-period", "cannot choose a default period: the datasets hold no dated activity", { hint: "pass --period 2026-10 (a month, quarter or year)", location: { file: report.file } });
    }
    const future = futureRowsWarning(datasets);
    if (future) warnings.push(future);
    period = defaultPeriod({ ...extent, last: extent.last }, report.params.period?.grain ?? "month");
  }
  const partly = checkPeriodCoverage(period, extent, { file: report.file });
  if (partly) warnings.push(partly);
  return period;
}

function dependencies(cell: ReportCell): string[] {
  switch (cell.kind) {
    case "chart":
    case "table":
      return [cell.from];
    case "kpi":
      return cell.items.flatMap((i) => [i.value, i.previous, i.last_year].filter((x): x is string => !!x).map((r) => r.split(".")[0]!));
    case "markdown":
      return [...cell.markdown.matchAll(/\{\{[^}]*?\b([a-z][a-z0-9_-]*)\./g)].map((m) => m[1]!);
    default:
      return [];
  }
}

export type { AnalysisResult };

/**
 * Analyses of one family share definitions (the period metrics all restate the churn counting
 * rules): print each sentence once, where it first appears, and refer back after that.
 */
export function withoutRepeats(definitions: MetricDefinition[], locale: ReportDocument["locale"]): MetricDefinition[] {
  const seen = new Set<string>();
  // Split after a sentence's full stop; nothing of the text is dropped but the spaces between.
  const sentences = (text: string) => text.split(locale === "zh-CN" ? /(?<=。)/ : /(?<=\.)\s+/);
  return definitions.map((d) => {
    const kept = sentences(d.definition).filter((s) => {
      const key = s.trim();
      if (!key) return false;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const earlier = kept.length < sentences(d.definition).filter((s) => s.trim()).length;
    const note = locale === "zh-CN" ? "（其余定义同上。）" : " (Other definitions as above.)";
    return { ...d, definition: kept.join(locale === "zh-CN" ? "" : " ").trim() + (earlier ? note : "") };
  });
}
