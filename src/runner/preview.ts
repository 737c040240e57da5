// `churnbook preview`: the notebook view while a definition is being written. A local server
// (127.0.0.1 only) renders the report to HTML on each request — failed cells shown in place,
// as --keep-going does — and reuses the last render while neither the definition nor its data
// files have changed. A panel above the report lists every cell with its time or its error.
// Only GET and HEAD are answered, and only for a loopback Host header (127.0.0.1, localhost,
// [::1]): a page elsewhere cannot read the report through DNS rebinding. A bug while rendering
// shows a short "internal error" page; the stack goes to the terminal (and the page with debug).

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
  /** Show the stack of an internal error on the page too (the CLI's --debug). */
  debug?: boolean;
  /** Where internal errors are logged (default: stderr). */
  log?: (message: string) => void;
}

export interface PreviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startPreview(reportFile: string, options: PreviewOptions = {}): Promise<PreviewServer> {
  let cache: { key: string; html: string } | null = null;
  const log = options.log ?? ((m: string) => void process.stderr.write(m + "\n"));
  /** A ChurnbookError's located message; for anything else (a bug) a short notice, the stack logged. */
  const describe = (e: unknown): string => {
    if (isChurnbookError(e)) return formatError(e);
    const stack = String((e as Error)?.stack ?? e);
    log(`churnbook preview: internal error: ${stack}`);
    return `internal error: this is a bug in churnbook, not in the report; the details are in the terminal running "churnbook preview"${options.debug ? `\n\n${stack}` : ""}`;
  };
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
      html = errorPage(reportFile, describe(e));
    }
    cache = { key, html };
    return html;
  };

  const server = createServer((req, res) => {
    const text = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers }).end(body + "\n");
    // DNS rebinding: a hostile page whose name resolves to 127.0.0.1 sends its own Host.
    if (!isLoopbackHost(req.headers.host)) return text(403, "forbidden: the preview answers only requests to 127.0.0.1, localhost or [::1]");
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, "method not allowed", { allow: "GET, HEAD" });
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/" && path !== "/index.html") return text(404, "not found");
    render().then(
      (html) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" }).end(html),
      (e: unknown) => res.writeHead(500, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(errorPage(reportFile, describe(e))),
    );
  });
  await new Promise<void>((ok) => server.listen(options.port ?? 4321, "127.0.0.1", ok));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}/`, server, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Host header of a request to this machine's loopback interface: 127.0.0.1, localhost or [::1], any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  return ["127.0.0.1", "localhost", "[::1]"].includes(m[1]!.replace(/\.$/, ""));
}

function errorPage(reportFile: string, message: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>churnbook preview</title><style>${panelCss}</style></head><body><section class="preview-panel failed"><p><strong>preview</strong> · ${escapeHtml(reportFile)}</p><pre>${escapeHtml(message)}</pre></section></body></html>`;
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
