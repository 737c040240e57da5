// `churnbook render`: definition → run → HTML (→ PDF) → atomic write of
// <out>/<report>/<params>/{report.html, report.pdf, tables/*.csv, manifest.json}.

import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { loadReport } from "../definition/index.js";
import { renderReport } from "../render/index.js";
import { ChurnbookError } from "../util/errors.js";
import { toCsv } from "./csv.js";
import { paramsFolder, writeAtomically } from "./outputs.js";
import { runReport, type ProgressEvent } from "./run.js";

export interface RenderFilesOptions {
  overrides?: Record<string, string>;
  formats?: ("html" | "pdf")[];
  out?: string;
  keepGoing?: boolean;
  now?: Date;
  onProgress?: (event: ProgressEvent | { phase: "html" | "pdf"; ms: number }) => void;
}

export interface RenderFilesResult {
  dir: string;
  files: string[];
  warnings: string[];
  timings: { phase: string; id?: string; ms: number }[];
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
  const progress = options.onProgress ?? (() => {});
  const report = await loadReport(reportFile);
  const run = await runReport(report, { overrides: options.overrides, keepGoing: options.keepGoing, now: options.now, onProgress: progress });
  const timings = [...run.timings];
  const warnings = [...run.warnings];

  // HTML first (charts are drawn here); with a PDF, the printer renders again with the table
  // of contents' page numbers, and that HTML is the one written, so both outputs agree.
  let t0 = performance.now();
  const rendered = renderReport(run.document);
  let html = rendered.html;
  let renderWarnings = rendered.warnings;
  const htmlMs = performance.now() - t0;
  timings.push({ phase: "html", ms: htmlMs });
  progress({ phase: "html", ms: htmlMs });

  const files: Record<string, string | Uint8Array> = {};
  if (formats.includes("pdf")) {
    t0 = performance.now();
    const { printReport } = await import("../print/index.js");
    const printed = await printReport(run.document);
    html = printed.html;
    renderWarnings = printed.warnings;
    files["report.pdf"] = printed.pdf;
    const ms = performance.now() - t0;
    timings.push({ phase: "pdf", ms });
    progress({ phase: "pdf", ms });
  }
  warnings.push(...renderWarnings);
  if (/\bNaN\b|Infinity|\bundefined\b/.test(html.replace(/<style[\s\S]*?<\/style>/g, ""))) {
    warnings.push("the rendered HTML contains NaN, Infinity or undefined");
  }
  if (formats.includes("html")) files["report.html"] = html;
  for (const [id, r] of run.results) {
    for (const [name, rows] of Object.entries(r.result.tables)) {
      files[`tables/${name === r.analysis.mainTable ? id : `${id}.${name}`}.csv`] = toCsv(rows);
    }
  }
  const manifest = {
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
    timings: timings.map((t) => ({ ...t, ms: Math.round(t.ms) })),
    warnings,
    outputs: [...Object.keys(files), "manifest.json"].sort(),
  };
  files["manifest.json"] = JSON.stringify(manifest, null, 2) + "\n";
  const defaults = Object.fromEntries(Object.entries(report.params).map(([k, p]) => [k, p.default]));
  const dir = resolve(options.out ?? "out", report.name, paramsFolder(run.params, defaults));
  if (!formats.length) throw new ChurnbookError("bad-flag", "--format needs html, pdf or both", { exitCode: 2 });
  await writeAtomically(dir, files);
  return { dir, files: Object.keys(files).sort().map((f) => join(dir, f)), warnings, timings };
}
