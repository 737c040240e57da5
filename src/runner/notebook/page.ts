// The notebook page: server-rendered HTML (it works without JavaScript; notebook.js adds live
// updates, paging and sorting, and the print view). Every value is escaped; the only markup
// inserted as is comes from the report's own templates (cell outputs) and its theme CSS.

import { createHash } from "node:crypto";
import Handlebars from "handlebars";
import type { NotebookCell, NotebookError, Snapshot } from "./session.js";
import { excerpt, sourceLines } from "./source.js";

const esc = (s: unknown) => Handlebars.Utils.escapeExpression(String(s ?? ""));

export interface PagePart {
  /** DOM id of the cell's element. */
  dom: string;
  hash: string;
  html: string;
}

export interface PageModel {
  version: number;
  run: number;
  parts: Record<string, string>;
  cells: PagePart[];
}

export function domId(cellId: string): string {
  return `nb-cell-${cellId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

function errorBlock(error: NotebookError, text: string): string {
  const ex = error.line ? excerpt(text, error.line, error.column ?? 1) : "";
  return `<div class="nb-error" role="alert"><div class="nb-where">${esc(error.where)}</div><pre class="nb-message">${esc(error.message)} [${esc(error.code)}]</pre>${error.hint ? `<div class="nb-hint">hint: ${esc(error.hint)}</div>` : ""}${ex ? `<pre class="nb-excerpt">${esc(ex)}</pre>` : ""}</div>`;
}

export function cellHtml(cell: NotebookCell, text: string): PagePart {
  const dom = domId(cell.id);
  const lines = sourceLines(text, cell.range);
  const hit = cell.error?.line;
  const source = `<pre class="nb-source" aria-label="source"><ol>${lines.map((l) => `<li data-line="${l.n}"${l.n === hit ? ' class="hit"' : ""}><span class="ln">${l.n}</span><code>${esc(l.text)}</code></li>`).join("")}</ol></pre>`;
  const state = cell.status === "error" ? "error" : cell.status === "stale" ? "stale" : "ok";
  const time = cell.ms === null ? "" : `${Math.round(cell.ms)} ms`;
  const from = cell.cached === null ? "" : cell.cached ? "cached" : "ran";
  const output =
    cell.output === null
      ? `<p class="nb-empty">no output yet</p>`
      : cell.output === ""
        ? `<p class="nb-empty">${cell.kind === "pagebreak" ? "page break" : "no output (this cell is used by the cells below)"}</p>`
        : cell.output;
  const body = `${source}${cell.error ? errorBlock(cell.error, text) : ""}<div class="nb-output">${output}</div>`;
  const hash = createHash("sha256").update(`${state}\u0000${from}\u0000${body}`).digest("hex").slice(0, 16);
  const html = `<section class="nb-cell ${state}" id="${dom}" data-cell="${esc(cell.id)}" data-status="${state}" data-cached="${cell.cached === null ? "" : String(cell.cached)}" data-hash="${hash}"><div class="nb-head" role="button" aria-expanded="true" title="show or hide the source"><span class="nb-kind">${esc(cell.kind)}</span><span class="nb-id">${esc(cell.id)}</span><span class="nb-detail">${esc(cell.detail)}</span><span class="nb-meta"><span class="nb-state ${state}">${state === "ok" ? "ok" : state === "error" ? "error" : "not re-run"}</span><span class="nb-time">${esc(time)}</span><span class="nb-from">${from}</span><span>line ${cell.range.start}</span></span></div>${body}</section>`;
  return { dom, hash, html };
}

function statusHtml(s: Snapshot): string {
  const failed = s.cells.filter((c) => c.status === "error").length + (s.banner ? 1 : 0);
  return `${esc(s.file)} · run in ${Math.round(s.ms)} ms · ${s.ran} cell${s.ran === 1 ? "" : "s"} re-run, ${s.cachedCells} from cache${failed ? ` · <strong class="nb-failed">${failed} error${failed === 1 ? "" : "s"}</strong>` : ""}`;
}

function outlineHtml(s: Snapshot): string {
  return `<ul class="nb-outline">${s.cells.map((c) => `<li class="${c.status}"><a href="#${domId(c.id)}"><span class="nb-dot"></span><span>${esc(c.id)}</span><span class="nb-hint">${esc(c.kind)}</span></a></li>`).join("")}</ul>`;
}

function coverageHtml(s: Snapshot): string {
  if (!s.datasets.length) return `<p class="nb-empty">no datasets loaded</p>`;
  return s.datasets
    .map(
      (d) =>
        `<table><tbody><tr><th colspan="2">${esc(d.name)} <span class="nb-hint">(${esc(d.role)})</span></th></tr><tr><td>rows</td><td>${d.rows.toLocaleString("en-US")}</td></tr><tr><td>dropped</td><td>${d.dropped.toLocaleString("en-US")}</td></tr><tr><td>dates</td><td>${esc(d.minDate ?? "–")} – ${esc(d.maxDate ?? "–")}</td></tr><tr><td>file</td><td>${esc(d.path.split("/").slice(-2).join("/"))}</td></tr></tbody></table>${d.findings.length ? `<ul class="nb-findings">${d.findings.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>` : ""}`,
    )
    .join("");
}

function bannerHtml(s: Snapshot): string {
  return s.banner ? `<div class="nb-banner" role="alert">${errorBlock(s.banner, s.text)}<p>The cells below show their last good output.</p></div>` : "";
}

function warningsHtml(s: Snapshot): string {
  return s.warnings.length ? `<details><summary>${s.warnings.length} warning${s.warnings.length === 1 ? "" : "s"}</summary><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul></details>` : "";
}

export function pageModel(s: Snapshot, run: number): PageModel {
  return {
    version: s.version,
    run,
    parts: { "nb-status": statusHtml(s), "nb-banner": bannerHtml(s), "nb-warnings": warningsHtml(s), "nb-outline": outlineHtml(s), "nb-coverage": coverageHtml(s), "nb-title": esc(s.title) },
    cells: s.cells.map((c) => cellHtml(c, s.text)),
  };
}

function paramsForm(s: Snapshot): string {
  const inputs = s.params.map((p) => {
    const common = `name="${esc(p.name)}" data-default="${esc(p.default)}"`;
    if (p.type === "boolean") return `<label>${esc(p.name)}<input type="checkbox" ${common} ${p.value === "true" ? "checked" : ""}></label>`;
    const type = p.type === "number" || p.type === "integer" ? "number" : "text";
    return `<label>${esc(p.name)}<input type="${type}" ${common} value="${esc(p.value)}"${p.type === "period" ? ' placeholder="2026-10" pattern="\\d{4}(-\\d{2}|-Q[1-4])?"' : ""}${p.type === "integer" ? ' step="1"' : p.type === "number" ? ' step="any"' : ""}></label>`;
  });
  return `<form id="nb-params" class="nb-params" method="get" action="/">${inputs.join("")}<button type="submit">Run</button></form>`;
}

export function notebookPage(s: Snapshot, run: number, query: string): string {
  const m = pageModel(s, run);
  return `<!DOCTYPE html>
<html lang="${esc(s.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(s.title)} · churnbook preview</title>
<style>${s.css.replace(/<\/style/gi, "<\\/style")}</style>
<link rel="stylesheet" href="/assets/notebook.css">
</head>
<body class="nb locale-${esc(s.locale)}" style="--accent: ${esc(s.accent)}" data-version="${m.version}" data-run="${run}">
<aside class="nb-side">
<h2>Cells</h2><nav id="nb-outline">${m.parts["nb-outline"]}</nav>
<h2>Data coverage</h2><div id="nb-coverage" class="nb-coverage">${m.parts["nb-coverage"]}</div>
</aside>
<div class="nb-main">
<header class="nb-bar">
<h1 id="nb-title">${m.parts["nb-title"]}</h1>
${paramsForm(s)}
<div class="nb-actions"><button type="button" id="nb-print-toggle" class="nb-button" aria-pressed="false">Print view</button><a id="nb-export" class="nb-button" href="/export.pdf${esc(query)}" download>Export PDF</a></div>
<div id="nb-status" class="nb-status">${m.parts["nb-status"]}</div>
</header>
<div id="nb-banner">${m.parts["nb-banner"]}</div>
<div id="nb-warnings" class="nb-warnings">${m.parts["nb-warnings"]}</div>
<div id="nb-cells">
${m.cells.map((c) => c.html).join("\n")}
</div>
<div id="nb-print"></div>
</div>
<script src="/assets/notebook.js"></script>
</body>
</html>`;
}

/** A page for an error before any notebook exists (the server could not even start a session). */
export function errorOnlyPage(file: string, message: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>churnbook preview</title><link rel="stylesheet" href="/assets/notebook.css"></head><body class="nb"><div class="nb-main"><div class="nb-banner" role="alert"><p><strong>preview</strong> · ${esc(file)}</p><pre>${esc(message)}</pre></div></div></body></html>`;
}
