// `churnbook render`: definition → run → HTML (→ PDF) → atomic write of
// <out>/<report>/<params>/{report.html, report.pdf, tables/*.csv, manifest.json}.

import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { Report } from "../definition/index.js";
import { loadReport } from "./definitions.js";
import type { BrowserSession } from "../print/browser.js";
import type { ReportDocument } from "../render/document.js";
import { renderReport } from "../render/index.js";
import { ChurnbookError } from "../util/errors.js";
import { writeFile } from "node:fs/promises";
import { writeCsv } from "./csv.js";
import { existingOutputs, keptOutputs, paramsFolder, writeAtomically, type OutputFile } from "./outputs.js";
import { runReport, type ProgressEvent, type RunResult } from "./run.js";
import type { CellCache } from "./cache.js";
import { printCached, renderHtmlCached } from "./print-cache.js";
import { writeTablesXlsx, type XlsxTable } from "./xlsx.js";
import { declaredTableFormats } from "../render/output-formats.js";
import { stopwatch, type Timing } from "./timing.js";

export interface RenderFilesOptions {
  overrides?: Record<string, string>;
  formats?: ("html" | "pdf")[];
  out?: string;
  keepGoing?: boolean;
  now?: Date;
  onProgress?: (event: ProgressEvent | { phase: "html" | "pdf"; ms: number; cached?: boolean }) => void;
  /** The cell cache (runner/cache.ts): cells, and the HTML and PDF of an unchanged document. */
  cache?: CellCache;
  /** Print with this browser instead of launching one (batch runs share one, maybe still starting). */
  session?: BrowserSession | Promise<BrowserSession>;
  /** Changes to the loaded definition before it runs (a batch client's locale, currency, data). */
  adjustReport?: (report: Report) => Report;
  /** Changes to the document before rendering (a batch client's brand and name). */
  adjustDocument?: (doc: ReportDocument) => ReportDocument;
  /** The output folder (default: <out>/<report>/<params folder>). */
  dir?: (params: RunResult["params"], report: Report) => string;
  /** report.pdf, <client>_<period>_<report>.pdf, or both (default). */
  pdfNames?: PdfNames;
}

export type PdfNames = "both" | "named" | "report";

export interface RenderFilesResult {
  dir: string;
  files: string[];
  warnings: string[];
  /**
   * Wall and CPU time per phase: the definition, the run's (runner/run.ts), html, pdf, the CSV
   * tables, the workbook, and writing the folder ("write": after manifest.json was made, so only
   * here). prints: how many times the browser printed the PDF (0 from the cache, 1 when the
   * contents' pages were as expected).
   */
  timings: (Timing & { prints?: number })[];
  /** Pages of the PDF (null without one). */
  pages: number | null;
  run: RunResult;
}

/** The PDF name that sorts and travels: <client>_<period>_<report>.pdf (no client: <period>_<report>.pdf). */
export function namedPdf(client: string | undefined, period: string, report: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
  return [client, period, report].filter((s): s is string => Boolean(s)).map(clean).join("_") + ".pdf";
}

const require = createRequire(import.meta.url);
const version = (pkg: string): string => {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
};

export async function renderFiles(reportFile: string, options: RenderFilesOptions = {}): Promise<RenderFilesResult> {
  const formats = options.formats ?? ["html", "pdf"];
  const reading = stopwatch();
  const loaded = await loadReport(reportFile);
  const report = options.adjustReport ? options.adjustReport(loaded) : loaded;
  const definition: Timing = { phase: "definition", ...reading() };
  if (!formats.includes("pdf") || options.session) return renderLoaded(report, formats, options, [definition]);
  // A render that prints starts the browser before the analyses run, so that its start-up
  // overlaps them; a failed launch is reported when the PDF needs the browser.
  const launching = import("../print/browser.js").then((m) => m.launchBrowser());
  launching.catch(() => {});
  try {
    return await renderLoaded(report, formats, { ...options, session: launching }, [definition]);
  } finally {
    await launching.then((s) => s.close(), () => {});
  }
}

async function renderLoaded(report: Report, formats: ("html" | "pdf")[], options: RenderFilesOptions, earlier: Timing[]): Promise<RenderFilesResult> {
  const progress = options.onProgress ?? (() => {});
  const run = await runReport(report, { overrides: options.overrides, keepGoing: options.keepGoing, now: options.now, onProgress: progress, cache: options.cache });
  const timings: RenderFilesResult["timings"] = [...earlier, ...run.timings];
  const warnings = [...run.warnings];
  if (options.adjustDocument) run.document = options.adjustDocument(run.document);

  // HTML first (charts are drawn here); with a PDF, the printer fills in the table of contents'
  // page numbers, and that HTML is the one written, so both outputs agree.
  const drawing = stopwatch();
  const rendered = await renderHtmlCached(run.document, options.cache);
  let html = rendered.html;
  let renderWarnings = rendered.warnings;
  const drawn = drawing();
  timings.push({ phase: "html", ...drawn });
  progress({ phase: "html", ms: drawn.ms, cached: rendered.cached });

  const files: Record<string, OutputFile> = {};
  let pages: number | null = null;
  if (formats.includes("pdf")) {
    const printing = stopwatch();
    const printed = await printCached(run.document, { cache: options.cache, session: options.session, html });
    html = printed.html;
    renderWarnings = [...new Set([...renderWarnings, ...printed.warnings])];
    pages = printed.pageCount;
    const pdfNames = options.pdfNames ?? "both";
    if (pdfNames !== "named") files["report.pdf"] = printed.pdf;
    if (pdfNames !== "report") {
      const client = typeof run.params.client === "string" && run.params.client ? run.params.client : undefined;
      files[namedPdf(client, run.document.period.label, report.name)] = printed.pdf;
    }
    // cpuMs is this process's: the browser prints in its own processes.
    const time = printing();
    timings.push({ phase: "pdf", ...time, prints: printed.prints });
    progress({ phase: "pdf", ms: time.ms, cached: printed.cached });
  }
  warnings.push(...renderWarnings);
  if (/\bNaN\b|Infinity|\bundefined\b/.test(html.replace(/<style[\s\S]*?<\/style>/g, ""))) {
    warnings.push("the rendered HTML contains NaN, Infinity or undefined");
  }
  if (formats.includes("html")) files["report.html"] = html;
  // The tables are formatted as they are written (csv.ts, xlsx.ts: chunk by chunk, never one
  // string per file), so the csv and xlsx phases are timed inside the write.
  const csvTime: Timing = { phase: "csv", ms: 0, cpuMs: 0 };
  const timed = (into: Timing, write: (path: string) => Promise<void>) => async (path: string) => {
    const took = stopwatch();
    try {
      await write(path);
    } finally {
      const t = took();
      into.ms += t.ms;
      into.cpuMs += t.cpuMs;
    }
  };
  const tables: XlsxTable[] = [];
  for (const [id, r] of run.results) {
    for (const [name, head] of Object.entries(r.result.tables)) {
      const table = name === r.analysis.mainTable ? id : `${id}.${name}`;
      // A table left in the engine is written whole, from its spool file (runner/engine-tables.ts).
      const rows = r.streamed?.[name] ?? head;
      files[`tables/${table}.csv`] = timed(csvTime, (path) => writeCsv(path, rows));
      tables.push({ name: table, rows, formats: declaredTableFormats(r.analysis, name) });
    }
  }
  timings.push(csvTime);
  // The same tables as one typed workbook for the client's analysts; a table longer than an Excel
  // sheet continues on further sheets, said in the run log and the manifest.
  const xlsxTime: Timing = { phase: "xlsx", ms: 0, cpuMs: 0 };
  files["tables.xlsx"] = timed(xlsxTime, async (path) => {
    const splits = await writeTablesXlsx(path, tables, { currency: run.document.currency, created: new Date(run.document.generatedAt) });
    for (const s of splits) warnings.push(`tables.xlsx: ${s.table} has ${s.rows.toLocaleString("en-US")} rows, more than an Excel sheet holds: it continues over the sheets ${s.sheets.map((n) => `"${n}"`).join(", ")}`);
  });
  timings.push(xlsxTime);
  const writing = stopwatch();
  const defaults = Object.fromEntries(Object.entries(report.params).map(([k, p]) => [k, p.default]));
  const dir = options.dir ? options.dir(run.params, report) : resolve(options.out ?? "out", report.name, paramsFolder(run.params, defaults));
  // Only the formats rendered are replaced: an earlier render's PDF survives an HTML-only render.
  const keep = keptOutputs(formats);
  const kept = (await existingOutputs(dir, keep)).filter((f) => !(f in files));
  const manifest = () => ({
    report: report.name,
    definition: { file: report.file, sha256: report.hash },
    params: run.params,
    period: run.document.period,
    generatedAt: run.document.generatedAt,
    inputs: run.datasets.map((d) => ({ dataset: d.name, role: d.role, file: d.file, sha256: d.sha256, bytes: d.bytes, rows: d.rows, dropped: d.dropped, droppedReasons: d.droppedReasons, findings: d.findings, minDate: d.minDate, maxDate: d.maxDate })),
    versions: {
      churnbook: version("../.."),
      node: process.version,
      duckdb: version("@duckdb/node-api"),
      plot: version("@observablehq/plot"),
      puppeteer: version("puppeteer-core"),
    },
    timings: timings.map((t) => ({ ...t, ms: Math.round(t.ms), cpuMs: Math.round(t.cpuMs) })),
    warnings,
    // The definition's alerts evaluated on the results (runner/alerts.ts): fired and not evaluable.
    alerts: run.document.alerts ?? { fired: [], unavailable: [] },
    outputs: Object.keys(files).sort(),
    // Files of formats not rendered this time, left from an earlier render (not made from these inputs).
    ...(kept.length ? { kept } : {}),
  });
  // Written last, when the tables' timings and the workbook's sheet splits are known.
  files["manifest.json"] = (path) => writeFile(path, JSON.stringify(manifest(), null, 2) + "\n");
  if (!formats.length) throw new ChurnbookError("bad-flag", "--format needs html, pdf or both", { exitCode: 2 });
  await writeAtomically(dir, files, { keep });
  // The folder's own writing: the tables' formatting inside it is counted as csv and xlsx.
  const total = writing();
  timings.push({ phase: "write", ms: total.ms - csvTime.ms - xlsxTime.ms, cpuMs: total.cpuMs - csvTime.cpuMs - xlsxTime.cpuMs });
  return { dir, files: Object.keys(files).sort().map((f) => join(dir, f)), warnings, timings, pages, run };
}
