// `churnbook preview`: the notebook view while a definition is being written. A local server
// (127.0.0.1 only) renders the report to HTML on each request — failed cells shown in place,
// as --keep-going does — and reuses the last render while neither the definition nor its data
// files have changed. A panel above the report lists every cell with its time or its error.

import { createServer, type Server } from "node:http";
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { loadReport } from "../definition/index.js";
import { renderReport } from "../render/index.js";
import Handlebars from "handlebars";
import { formatError, isChurnbookError } from "../util/errors.js";
import { fillTemplate, resolveReportParams } from "./params.js";
import { runReport } from "./run.js";

const escapeHtml = (s: string) => Handlebars.Utils.escapeExpression(s);

export interface PreviewOptions {
  overrides?: Record<string, string>;
  port?: number;
  now?: () => Date;
}

export interface PreviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startPreview(reportFile: string, options: PreviewOptions = {}): Promise<PreviewServer> {
  let cache: { key: string; html: string } | null = null;
  const render = async (): Promise<string> => {
    const key = await fingerprint(reportFile, options.overrides ?? {});
    if (cache && cache.key === key) return cache.html;
    let html: string;
    try {
      const report = await loadReport(reportFile);
      const started = performance.now();
      const run = await runReport(report, { overrides: options.overrides, keepGoing: true, now: options.now?.() });
      const rendered = renderReport(run.document);
      const total = performance.now() - started;
      const failed = new Map(run.document.cells.filter((c) => c.kind === "error").map((c) => [c.id, (c as { message: string }).message]));
      const rows = report.cells.map((c) => {
        const t = run.timings.find((x) => x.id === c.id);
        const error = failed.get(c.id);
        return `<tr${error ? ' class="failed"' : ""}><td>${c.line}</td><td>${escapeHtml(c.id)}</td><td>${c.kind}${c.kind === "analysis" ? ` · ${escapeHtml(c.analysis)}` : ""}</td><td>${t ? `${Math.round(t.ms)} ms` : ""}</td><td>${error ? escapeHtml(error) : "ok"}</td></tr>`;
      });
      const panel = `<section class="preview-panel"><p><strong>preview</strong> · ${escapeHtml(reportFile)} · ${Math.round(total)} ms${run.warnings.length ? ` · ${run.warnings.length} warning(s): ${escapeHtml(run.warnings.join("; "))}` : ""}</p><table><thead><tr><th>line</th><th>cell</th><th>kind</th><th>time</th><th>status</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
      html = rendered.html.replace(/<body([^>]*)>/, `<body$1><style>${panelCss}</style>${panel}`);
    } catch (e) {
      // A definition error: the located message, in place of the report.
      const message = isChurnbookError(e) ? formatError(e) : String((e as Error)?.stack ?? e);
      html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>churnbook preview</title><style>${panelCss}</style></head><body><section class="preview-panel failed"><p><strong>preview</strong> · ${escapeHtml(reportFile)}</p><pre>${escapeHtml(message)}</pre></section></body></html>`;
    }
    cache = { key, html };
    return html;
  };

  const server = createServer((req, res) => {
    if (req.url !== "/" && req.url !== "/index.html") {
      res.writeHead(404).end();
      return;
    }
    render().then(
      (html) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html),
      (e: unknown) => res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(String(e)),
    );
  });
  await new Promise<void>((ok) => server.listen(options.port ?? 4321, "127.0.0.1", ok));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}/`, server, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Modification times of the definition and of every data file it names (params filled in). */
async function fingerprint(reportFile: string, overrides: Record<string, string>): Promise<string> {
  const parts: string[] = [];
  const mtime = async (f: string) => (await stat(f).catch(() => null))?.mtimeMs ?? "missing";
  parts.push(`${reportFile}:${await mtime(reportFile)}`);
  try {
    const report = await loadReport(reportFile);
    const params = resolveReportParams(report, overrides);
    for (const d of report.datasets) {
      let path: string;
      try {
        path = fillTemplate(d.path, params);
      } catch {
        continue;
      }
      const file = isAbsolute(path) ? path : resolve(report.dir, path);
      parts.push(`${file}:${await mtime(file)}`);
    }
  } catch {
    // An invalid definition: its own mtime decides.
  }
  return parts.join("|");
}

const panelCss = `.preview-panel{font:12px/1.4 system-ui,sans-serif;background:#f5f7fa;border-bottom:1px solid #cbd2d9;padding:8px 16px;margin:0 0 16px}
.preview-panel table{border-collapse:collapse}.preview-panel td,.preview-panel th{padding:2px 10px;text-align:left;border-bottom:1px solid #e4e7eb}
.preview-panel tr.failed td,.preview-panel.failed pre{color:#b42318}.preview-panel pre{white-space:pre-wrap}
@media print{.preview-panel{display:none}}`;
