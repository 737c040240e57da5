// One notebook session: a definition with one set of parameter values. It runs the report through
// the cell cache (only changed cells re-run), keeps each cell's last good output so that an error
// is shown in place while the other cells keep theirs, and shares one run among any number of
// requests and open pages: `latest()` starts a run only when an input changed (definition, data
// files, templates) and no run is in flight; everyone else waits for that run.

import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Report } from "../../definition/index.js";
import { loadReport } from "../definitions.js";
import type { CellOutput, ReportDocument } from "../../render/document.js";
import { renderReport } from "../../render/index.js";
import { isChurnbookError, formatError, formatLocation, type ChurnbookError } from "../../util/errors.js";
import { findingText } from "../../render/findings.js";
import { cacheKey, type CellCache } from "../cache.js";
import { fillTemplate, resolveReportParams } from "../params.js";
import { memoizedCharts } from "../print-cache.js";
import { enginePool, runReport, type CellError, type ProgressEvent } from "../run.js";
import { cellRanges, describeCellText, type SourceRange } from "./source.js";

export const templatesDir = fileURLToPath(new URL("../../../templates/", import.meta.url));

export interface NotebookError extends CellError {
  /** file:line:col and the other location facts, for display. */
  where: string;
  /** The whole formatted message (location, message, code, hint). */
  text: string;
}

export interface NotebookCell {
  id: string;
  kind: string;
  /** The analysis name, or what the cell reads. */
  detail: string;
  range: SourceRange;
  status: "ok" | "error" | "stale";
  ms: number | null;
  cached: boolean | null;
  /** The output HTML (the last good one when the cell failed or could not run). */
  output: string | null;
  error?: NotebookError;
}

export interface DatasetView {
  name: string;
  role: string;
  path: string;
  rows: number;
  dropped: number;
  minDate: string | null;
  maxDate: string | null;
  findings: string[];
}

export interface ParamView {
  name: string;
  type: string;
  value: string;
  default: string;
  description?: string;
}

export interface Snapshot {
  version: number;
  /** Inputs' modification stamp the run started from. */
  stamp: string;
  file: string;
  text: string;
  title: string;
  locale: string;
  accent: string;
  /** The report's own CSS (theme), for the outputs. */
  css: string;
  cells: NotebookCell[];
  banner?: NotebookError;
  warnings: string[];
  datasets: DatasetView[];
  params: ParamView[];
  ms: number;
  ran: number;
  cachedCells: number;
  document?: ReportDocument;
  reportName: string;
}

export type NotebookEvent =
  | { event: "cell"; id: string; ms: number; cached: boolean }
  | { event: "run"; run: number; ms: number; ran: number; cached: number; error?: string };

export interface SessionOptions {
  overrides: Record<string, string>;
  cache: CellCache;
  now?: () => Date;
  onEvent?: (e: NotebookEvent) => void;
  /** Describes an error that is not a ChurnbookError (a bug): logs it, returns the page's notice. */
  describeBug: (e: unknown) => string;
}

interface LastGood {
  output: string;
  ms: number | null;
  cached: boolean | null;
}

export class NotebookSession {
  current: Snapshot | null = null;
  private running: Promise<Snapshot> | null = null;
  private version = 0;
  private runs = 0;
  private lastGood = new Map<string, LastGood>();
  private lastReport: Report | null = null;
  private css = "";
  /** DuckDB stays up between runs while the data is unchanged. */
  private pool = enginePool();
  /** Files whose changes re-run the notebook (filled after each run). */
  watched: string[] = [];
  readonly listeners = new Set<(s: Snapshot) => void>();
  readonly startListeners = new Set<() => void>();

  constructor(
    readonly file: string,
    readonly options: SessionOptions,
  ) {}

  /** Closes the pooled engine (after the current run). */
  async close(): Promise<void> {
    await this.running?.catch(() => {});
    this.pool.close();
  }

  get runCount(): number {
    return this.runs;
  }

  /** The snapshot for the inputs as they are now: the current one, or the one being made. */
  async latest(): Promise<Snapshot> {
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      const stamp = await this.stamp();
      if (this.running) continue;
      if (this.current && this.current.stamp === stamp) return this.current;
      const run = this.run(stamp);
      this.running = run;
      try {
        return await run;
      } finally {
        this.running = null;
      }
    }
  }

  /** Modification stamps of the definition, its data files and the templates. */
  async stamp(): Promise<string> {
    const files = [this.file, ...this.watched];
    const parts = await Promise.all(files.map(async (f) => {
      const s = await stat(f).catch(() => null);
      return `${f}:${s ? `${s.size}:${s.mtimeMs}` : "missing"}`;
    }));
    return parts.join("|");
  }

  private async run(stampAtStart: string): Promise<Snapshot> {
    let stamp = stampAtStart;
    for (const l of this.startListeners) l();
    const started = performance.now();
    this.runs++;
    const text = await readFile(this.file, "utf8").catch(() => "");
    const events: Extract<ProgressEvent, { phase: "cell" }>[] = [];
    let snapshot: Snapshot;
    let report: Report | null = null;
    try {
      report = await loadReport(this.file);
      this.lastReport = report;
      // The inputs this definition reads, stamped before they are read: a change from here on
      // makes the next request run again.
      this.watched = await this.inputsOf(report);
      stamp = await this.stamp();
      const charts = await memoizedCharts();
      const result = await runReport(report, {
        overrides: this.options.overrides,
        keepGoing: true,
        now: this.options.now?.(),
        cache: this.options.cache,
        views: true,
        pool: this.pool,
        onProgress: (e) => {
          if (e.phase !== "cell") return;
          events.push(e);
          this.options.onEvent?.({ event: "cell", id: e.id, ms: Math.round(e.ms), cached: e.cached });
        },
      });
      const doc = result.document;
      const outputs = new Map(doc.cells.map((c) => [c.id, c]));
      const ranges = rangesOf(report, text);
      const cells: NotebookCell[] = result.cells.map((run, i) => {
        const shown = run.views ?? run.outputIds.flatMap((id) => (outputs.has(id) ? [outputs.get(id)!] : []));
        const error = run.error ? this.locate(run.error, report!.file, text) : undefined;
        let output: string | null = null;
        if (!error && shown.length) output = this.renderOutputs(doc, shown, charts, run.key ? `${run.key}:${run.views ? `view:${JSON.stringify([report!.cells[i]!.title ?? null, report!.cells[i]!.caption ?? null])}` : "cell"}` : null);
        else if (!error) output = "";
        if (output !== null) this.lastGood.set(run.id, { output, ms: run.ms, cached: run.cached });
        const cell = report!.cells[i]!;
        return {
          id: run.id,
          kind: run.kind,
          detail: detailOf(cell),
          range: ranges[i] ?? { start: run.line, end: run.line },
          status: error ? "error" : "ok",
          ms: run.ms,
          cached: run.cached,
          output: output ?? this.lastGood.get(run.id)?.output ?? null,
          error,
        };
      });
      snapshot = {
        ...this.base(stamp, text, report, doc),
        cells,
        warnings: result.warnings,
        datasets: result.datasets.map((d) => ({
          name: d.name,
          role: d.role,
          path: d.file,
          rows: d.rows,
          dropped: d.dropped,
          minDate: d.minDate,
          maxDate: d.maxDate,
          findings: d.findings.length ? d.findings.map((f) => findingText(f, report!.locale)) : d.droppedReasons,
        })),
        params: paramViews(report, result.params),
        document: doc,
      };
    } catch (e) {
      // The definition does not parse, or the run failed before its cells (data, params): the
      // error in place, every cell with its last good output.
      const error = this.locate(errorOf(e, this.options.describeBug), this.file, text);
      const ranges = report ? rangesOf(report, text) : cellRanges(text);
      const previous = this.current?.cells ?? [];
      const cells: NotebookCell[] = ranges.map((range, i) => {
        const cell = report?.cells[i];
        const said = describeCellText(text, range);
        const id = cell?.id ?? said.id ?? previous[i]?.id ?? `cell-${i + 1}`;
        const kind = cell?.kind ?? said.kind ?? previous[i]?.kind ?? "cell";
        const inCell = error.line !== undefined && error.line >= range.start && error.line <= range.end;
        const good = this.lastGood.get(id);
        return { id, kind, detail: cell ? detailOf(cell) : (previous.find((p) => p.id === id)?.detail ?? ""), range, status: inCell ? "error" : "stale", ms: good?.ms ?? null, cached: good?.cached ?? null, output: good?.output ?? null, error: inCell ? error : undefined };
      });
      const onCell = cells.some((c) => c.error);
      const last = this.current;
      snapshot = {
        ...this.base(stamp, text, report ?? this.lastReport, last?.document),
        cells,
        banner: onCell ? undefined : error,
        warnings: [],
        datasets: last?.datasets ?? [],
        params: report ? paramViews(report, safeParams(report, this.options.overrides)) : (last?.params ?? []),
        document: undefined,
      };
    }
    snapshot.ms = performance.now() - started;
    snapshot.ran = events.filter((e) => !e.cached).length;
    snapshot.cachedCells = events.filter((e) => e.cached).length;
    if (!report) {
      this.watched = await this.inputsOf(this.lastReport);
      snapshot.stamp = stamp = await this.stamp();
    }
    this.current = snapshot;
    this.options.onEvent?.({ event: "run", run: this.runs, ms: Math.round(snapshot.ms), ran: snapshot.ran, cached: snapshot.cachedCells, ...(snapshot.banner || snapshot.cells.some((c) => c.error) ? { error: (snapshot.banner ?? snapshot.cells.find((c) => c.error)!.error!).message.split("\n")[0] } : {}) });
    for (const l of this.listeners) l(snapshot);
    return snapshot;
  }

  private base(stamp: string, text: string, report: Report | null, doc: ReportDocument | undefined) {
    return {
      version: ++this.version,
      stamp,
      file: this.file,
      text,
      title: doc?.title ?? report?.title ?? this.file,
      locale: doc?.locale ?? report?.locale ?? "en-US",
      accent: doc?.theme.accent ?? "#1f4e79",
      css: this.css,
      reportName: report?.name ?? "report",
      ms: 0,
      ran: 0,
      cachedCells: 0,
    };
  }

  /** The HTML of a cell's outputs, through the report's own templates (memoised by content). */
  private renderOutputs(doc: ReportDocument, outputs: CellOutput[], charts: Awaited<ReturnType<typeof memoizedCharts>>, cellKey: string | null): string {
    // The cell's cache key already names everything its outputs are made of (definition,
    // upstream keys, params, locale, currency); the page and theme are added here.
    const key = cacheKey(cellKey ?? outputs, doc.locale, doc.currency, doc.page, doc.theme);
    const hit = rendered.get(key);
    if (hit) {
      if (!this.css) this.css = hit.css;
      return hit.html;
    }
    const { html } = renderReport({ ...doc, cells: outputs }, { charts });
    const main = /<main class="report">([\s\S]*)<\/main>/.exec(html)?.[1] ?? "";
    const css = [...(/<head>([\s\S]*?)<\/head>/.exec(html)?.[1] ?? "").matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join("\n");
    this.css = css;
    rendered.set(key, { html: main.trim(), css });
    if (rendered.size > 2000) rendered.delete(rendered.keys().next().value!);
    return main.trim();
  }

  private locate(error: CellError, file: string, _text: string): NotebookError {
    const where = formatLocation({ file, line: error.line, column: error.column });
    return { ...error, where, text: `${where}: ${error.message} [${error.code}]${error.hint ? `\n  hint: ${error.hint}` : ""}` };
  }

  /** The data files (params filled in) and the templates: what the watcher watches. */
  private async inputsOf(report: Report | null): Promise<string[]> {
    const files: string[] = [];
    if (report) {
      const params = safeParams(report, this.options.overrides);
      for (const d of report.datasets) {
        if (d.path === undefined) continue; // a database table: nothing to watch
        try {
          const path = fillTemplate(d.path, params);
          files.push(isAbsolute(path) ? path : resolve(report.dir, path));
        } catch {
          // a parameter the data path names is missing: the run reported it
        }
      }
    }
    files.push(...(await templateFiles()));
    return files;
  }
}

const rendered = new Map<string, { html: string; css: string }>();

async function templateFiles(dir = templatesDir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "preview") out.push(...(await templateFiles(p)));
    } else out.push(p);
  }
  return out.sort();
}

function rangesOf(report: Report, text: string): SourceRange[] {
  const scanned = cellRanges(text);
  return report.cells.map((c, i) => {
    const s = scanned.find((r) => r.start <= c.line && c.line <= r.end) ?? scanned[i];
    return s ?? { start: c.line, end: c.line };
  });
}

function detailOf(cell: Report["cells"][number]): string {
  switch (cell.kind) {
    case "analysis":
      return cell.analysis;
    case "chart":
    case "table":
    case "transform":
      return `← ${cell.from}`;
    default:
      return "";
  }
}

function errorOf(e: unknown, describeBug: (e: unknown) => string): CellError {
  if (isChurnbookError(e)) {
    const err = e as ChurnbookError;
    return { message: err.message, code: err.code, hint: err.hint, line: err.location.line, column: err.location.column };
  }
  return { message: describeBug(e), code: "internal-error" };
}

function safeParams(report: Report, overrides: Record<string, string>): Record<string, import("../../analysis/types.js").Value> {
  try {
    return resolveReportParams(report, overrides);
  } catch {
    return resolveReportParams(report, {});
  }
}

function paramViews(report: Report, values: Record<string, unknown>): ParamView[] {
  return Object.entries(report.params).map(([name, p]) => ({
    name,
    type: p.type,
    value: values[name] === null || values[name] === undefined ? "" : String(values[name]),
    default: p.default === null ? "" : String(p.default),
  }));
}

export { formatError };
