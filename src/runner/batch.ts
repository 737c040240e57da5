// `churnbook batch` and `churnbook due`: one report for many clients and periods.
//
// - One browser for the whole batch (launched when the first PDF is printed, closed at the end);
//   each client × period prints in its own page, runs in its own DuckDB engine and writes its
//   own output folder (atomically, through a private temporary folder), so no run can pick up
//   another's data or assets. A browser that dies fails the runs printing in it; the next run
//   starts another.
// - A failure is the run's, not the batch's: it is recorded (message with its location: the
//   dataset, row and value as `render` prints them) and the next run goes on.
// - Re-running skips a run whose inputs are unchanged — the definition, the templates, the
//   brand's files, the data files' bytes, the parameters and churnbook's version — unless forced
//   (the ledger is <out>/.churnbook-batch.json). `due` skips a run whose output folder exists.
// - The batch ends with <out>/batch-summary.json ({ runs: [...] }) and <out>/index.html.

import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Value } from "../analysis/types.js";
import type { Report } from "../definition/index.js";
import { loadReport } from "./definitions.js";
import type { Client, ClientsFile } from "../definition/clients.js";
import { checkClientsAgainst } from "../definition/clients.js";
import type { BrowserSession } from "../print/browser.js";
import type { ReportDocument } from "../render/document.js";
import { ChurnbookError, formatLocation, isChurnbookError } from "../util/errors.js";
import { formatValue } from "../util/format.js";
import { isPeriodLabel, parsePeriod, shiftPeriod } from "../util/period.js";
import { writeError } from "../util/fs-errors.js";
import { paramsFolder } from "./outputs.js";
import { fillTemplate, resolveReportParams } from "./params.js";
import { renderFiles, type PdfNames, type RenderFilesResult } from "./render-files.js";
import { today } from "./schedule.js";

export type RunStatus = "ok" | "failed" | "skipped";

export interface BatchRun {
  client: string;
  /** The definition's name (reports/<report>.yaml). */
  report: string;
  /** Display name. */
  name: string;
  period: string;
  status: RunStatus;
  pages: number | null;
  ms: number;
  error: string | null;
  /** Why a run was skipped: "unchanged" (same inputs) or "exists" (due: the output is there). */
  reason?: "unchanged" | "exists";
  code?: string;
  hint?: string;
  /** Headline KPIs (the report's first KPI cell), formatted in the report's language. */
  kpis: { label: string; value: string }[];
  /** Alarms raised by analyses (e.g. churned-value.high_value_alarm) and the count of run warnings. */
  alerts: string[];
  warnings: number;
  /** Warnings worth a look (brand fonts missing); the run's own warnings are in its manifest. */
  messages?: string[];
  /** Output folder and PDF, relative to the batch's output folder. */
  dir: string | null;
  pdf: string | null;
}

export type BatchEvent =
  | { event: "batch"; report: string; total: number }
  | { event: "start"; client: string; period: string; index: number; total: number }
  | { event: "step"; client: string; period: string; step: string }
  | { event: "run"; run: BatchRun; done: number; total: number; requested: string }
  | { event: "browser"; launches: number };

export interface BatchOptions {
  /** Clients; null: one run with the definition's own parameters (as `render`). */
  clients?: ClientsFile | null;
  /** Periods to render; null in the list: the default period (the last complete one in the data). */
  periods?: (string | null)[];
  concurrency?: number;
  out?: string;
  force?: boolean;
  /** `due`: skip a run whose output folder already holds a manifest (no fingerprints). */
  skipExisting?: boolean;
  pdfNames?: PdfNames;
  formats?: ("html" | "pdf")[];
  now?: Date;
  keepGoing?: boolean;
  onEvent?: (e: BatchEvent) => void;
  /** How to start the shared browser (default print/browser.ts launchBrowser). */
  launch?: () => Promise<BrowserSession>;
}

export interface BatchResult {
  runs: BatchRun[];
  summaryFile: string;
  indexFile: string;
  browserLaunches: number;
}

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const churnbookVersion = (() => {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
})();

/** Parses --periods: a list (2026-09,2026-10) or a range of one grain (2026-01..2026-10, 2025-Q1..2026-Q2). */
export function parsePeriods(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const range = /^(.+?)\.\.(.+)$/.exec(part);
    if (!range) {
      if (!isPeriodLabel(part.toUpperCase())) throw badPeriods(part);
      out.push(parsePeriod(part).label);
      continue;
    }
    const [a, b] = [range[1]!.trim(), range[2]!.trim()];
    if (!isPeriodLabel(a.toUpperCase()) || !isPeriodLabel(b.toUpperCase())) throw badPeriods(part);
    const from = parsePeriod(a);
    const to = parsePeriod(b);
    if (from.grain !== to.grain) throw new ChurnbookError("bad-flag", `--periods ${part}: both ends must be months, quarters or years`, { exitCode: 2 });
    if (from.start > to.start) throw new ChurnbookError("bad-flag", `--periods ${part}: the range runs backwards`, { hint: `write ${b}..${a}`, exitCode: 2 });
    for (let p = from; p.start <= to.start; p = shiftPeriod(p, 1)) {
      out.push(p.label);
      if (out.length > 240) throw new ChurnbookError("bad-flag", `--periods ${part}: more than 240 periods`, { exitCode: 2 });
    }
  }
  if (!out.length) throw badPeriods(text);
  return [...new Set(out)];
}

function badPeriods(part: string): ChurnbookError {
  return new ChurnbookError("bad-flag", `--periods: invalid period "${part}"`, { hint: "write periods (2026-09,2026-10) or a range (2026-01..2026-10, 2026-Q1..2026-Q3)", exitCode: 2 });
}

// ---------------------------------------------------------------- fingerprints

const fileHashes = new Map<string, { mtimeMs: number; size: number; sha256: string }>();

async function sha256File(file: string): Promise<string | null> {
  let st;
  try {
    st = statSync(file);
  } catch {
    return null;
  }
  const cached = fileHashes.get(file);
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.sha256;
  const hash = createHash("sha256");
  await new Promise<void>((ok, fail) => createReadStream(file).on("data", (c) => hash.update(c)).on("end", ok).on("error", fail));
  const sha256 = hash.digest("hex");
  fileHashes.set(file, { mtimeMs: st.mtimeMs, size: st.size, sha256 });
  return sha256;
}

/** sha256 over every file of the templates folder (layout, partials, themes). */
function templatesHash(dir = join(packageRoot, "templates")): string {
  const hash = createHash("sha256");
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(relative(dir, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(dir);
  return hash.digest("hex");
}

/** What a run's outputs are a function of; null when it cannot be known before running (the run then always renders). */
async function inputsFingerprint(report: Report, overrides: Record<string, string>, client: Client | null, period: string | null, extra: Record<string, unknown>): Promise<string | null> {
  let params: Record<string, Value>;
  try {
    params = resolveReportParams(report, overrides);
  } catch {
    return null;
  }
  const data: { name: string; file: string; sha256: string }[] = [];
  for (const d of report.datasets) {
    // A database table has no fingerprint here: the report always runs.
    if (d.path === undefined) return null;
    let path: string;
    try {
      path = fillTemplate(d.path, params);
    } catch {
      return null;
    }
    const file = isAbsolute(path) ? path : resolve(report.dir, path);
    const sha256 = await sha256File(file);
    if (!sha256) return null;
    data.push({ name: d.name, file, sha256 });
  }
  const brandFiles: string[] = [];
  for (const f of client?.brand?.files ?? []) brandFiles.push(`${f}:${(await sha256File(f)) ?? "missing"}`);
  const brand = client?.brand ? { ...client.brand, logo: client.brand.logo ? createHash("sha256").update(client.brand.logo.dataUri).digest("hex") : undefined, fontFaceCss: client.brand.fontFaceCss ? createHash("sha256").update(client.brand.fontFaceCss).digest("hex") : undefined, files: brandFiles } : null;
  const doc = {
    churnbook: churnbookVersion,
    definition: report.hash,
    locale: report.locale,
    currency: report.currency,
    templates: templatesHash(),
    brand,
    client: client ? { id: client.id, name: client.name } : null,
    data,
    params: Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))),
    // The default period is the last complete one up to the run date: it moves with the date.
    period: period ?? `default as of ${extra.today}`,
    ...extra,
  };
  return createHash("sha256").update(JSON.stringify(doc)).digest("hex");
}

// ---------------------------------------------------------------- ledger

interface LedgerEntry {
  fingerprint: string;
  dir: string;
  period: string;
  pages: number | null;
  pdf: string | null;
  kpis: BatchRun["kpis"];
  alerts: string[];
  warnings: number;
}

interface Ledger {
  version: 1;
  entries: Record<string, LedgerEntry>;
}

const ledgerName = ".churnbook-batch.json";

async function readLedger(out: string): Promise<Ledger> {
  try {
    const l = JSON.parse(await readFile(join(out, ledgerName), "utf8")) as Ledger;
    if (l && l.version === 1 && typeof l.entries === "object") return l;
  } catch {
    // none yet, or unreadable: every run renders
  }
  return { version: 1, entries: {} };
}

async function writeFileAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, content);
    await rename(tmp, file);
  } catch (e) {
    throw writeError(e, { path: file, rename: (p) => (p === tmp ? file : p) }) ?? e;
  }
}

// ---------------------------------------------------------------- runs

/** Parameter overrides for a client: its params, then its name, id and currency for the parameters the report declares. */
export function clientOverrides(report: Report, client: Client | null, period: string | null): Record<string, string> {
  const o: Record<string, string> = { ...(client?.params ?? {}) };
  if (client) {
    if (report.params.client_name && o.client_name === undefined) o.client_name = client.name;
    if (report.params.client && o.client === undefined) o.client = client.id;
    if (report.params.currency && client.currency && o.currency === undefined) o.currency = client.currency;
  }
  if (period) o.period = period;
  return o;
}

/** The definition as a client runs it: its locale, its currency (when not a parameter), its data. */
export function adjustForClient(report: Report, client: Client | null): Report {
  if (!client) return report;
  const r: Report = { ...report };
  if (client.locale) r.locale = client.locale;
  if (client.currency && !report.params.currency) r.currency = client.currency;
  const data = client.data;
  if (data) {
    r.datasets = report.datasets.map((d) => {
      if (d.path === undefined) return d; // a database source: not a file of the client's folder
      if ("folder" in data) return { ...d, path: join(data.folder, basename(d.path)) };
      return data.files[d.name] ? { ...d, path: data.files[d.name]! } : d;
    });
  }
  return r;
}

function headline(doc: ReportDocument): BatchRun["kpis"] {
  // Page one's headline figures when the report has an executive summary, else its first KPI cell.
  if (doc.summary?.headline.length) return doc.summary.headline.slice(0, 4).map((h) => ({ label: h.label, value: h.value }));
  const cell = doc.cells.find((c) => c.kind === "kpi");
  if (!cell || cell.kind !== "kpi") return [];
  return cell.items.slice(0, 4).map((i) => ({ label: i.label, value: formatValue(i.value, i.format, doc.locale, doc.currency, { compact: i.format === "currency" }) }));
}

function alarms(result: RenderFilesResult): string[] {
  // The definition's alerts that fired (alerts: in the definition, runner/alerts.ts), in the
  // report's language, then alarms analyses raise themselves (churned-value.high_value_alarm).
  const out: string[] = (result.run.document.alerts?.fired ?? []).map((a) => a.text);
  for (const [id, r] of result.run.results) {
    for (const [k, v] of Object.entries(r.result.scalars)) if (/(alarm|alert)/.test(k) && v === true) out.push(`${id}.${k}`);
  }
  return out;
}

function errorText(e: unknown): { error: string; code?: string; hint?: string } {
  if (isChurnbookError(e)) {
    const where = formatLocation(e.location);
    return { error: `${where ? where + ": " : ""}${e.message}`, code: e.code, hint: e.hint };
  }
  const w = writeError(e, {});
  if (w) return { error: w.message, code: w.code, hint: w.hint };
  return { error: `internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, code: "internal-error" };
}

/** Runs one report for every client × period. Never throws for a run's failure; throws for the batch's own (bad definition, clients file, output folder). */
export async function runBatch(reportFile: string, options: BatchOptions = {}): Promise<BatchResult> {
  const out = resolve(options.out ?? "out");
  const emit = options.onEvent ?? (() => {});
  const report = await loadReport(reportFile);
  if (options.clients) checkClientsAgainst(options.clients, report);
  const clients: (Client | null)[] = options.clients ? options.clients.clients : [null];
  const periods = options.periods?.length ? options.periods : [null];
  const specs = clients.flatMap((client) => periods.map((period) => ({ client, period })));
  const now = options.now ?? new Date();
  const formats = options.formats ?? ["html", "pdf"];
  const pdfNames = options.pdfNames ?? "both";
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, 16));
  const ledger = await readLedger(out);
  emit({ event: "batch", report: report.name, total: specs.length });

  // The shared browser: launched once, when the first run that prints starts (its analyses overlap the start-up).
  let launches = 0;
  let session: Promise<BrowserSession> | null = null;
  let live: BrowserSession | null = null;
  const browser = () => {
    // A browser that died (crashed, killed) fails the runs that were printing in it; the next run starts another.
    if (session && live && !live.browser.connected) {
      void live.close().catch(() => undefined);
      session = null;
      live = null;
    }
    if (!session) {
      launches++;
      emit({ event: "browser", launches });
      const launching = (options.launch ?? (async () => (await import("../print/browser.js")).launchBrowser()))();
      session = launching;
      // A failed launch is every printing run's failure; the next run tries again.
      launching.then(
        (s) => (live = s),
        () => {
          if (session === launching) session = null;
        },
      );
    }
    return session;
  };

  const dirFor = (client: Client | null, params: Record<string, Value>, r: Report): string => {
    const period = String(params.period ?? "all");
    if (client) return join(out, client.id, r.name, period.replace(/[^A-Za-z0-9_.-]+/g, "-"));
    const defaults = Object.fromEntries(Object.entries(r.params).map(([k, p]) => [k, p.default]));
    return join(out, r.name, paramsFolder(params, defaults));
  };

  const runs: BatchRun[] = new Array(specs.length);
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      const { client, period } = specs[index]!;
      const id = client?.id ?? (report.params.client?.default as string | undefined) ?? report.name;
      const name = client?.name ?? id;
      const started = performance.now();
      const label = period ?? "latest";
      emit({ event: "start", client: id, period: label, index, total: specs.length });
      const base: BatchRun = { client: id, report: report.name, name, period: label, status: "failed", pages: null, ms: 0, error: null, kpis: [], alerts: [], warnings: 0, dir: null, pdf: null };
      let run: BatchRun;
      try {
        const adjusted = adjustForClient(report, client);
        const overrides = clientOverrides(adjusted, client, period);
        const key = `${report.name}|${client?.id ?? "-"}|${period ?? "default"}`;
        const todayText = today(now);
        const fingerprint = await inputsFingerprint(adjusted, overrides, client, period, { formats, pdfNames, today: todayText });
        const previous = ledger.entries[key];
        if (options.skipExisting && period) {
          const params = resolveReportParams(adjusted, overrides);
          params.period = parsePeriod(period).label;
          const dir = dirFor(client, params, adjusted);
          if (existsSync(join(dir, "manifest.json"))) {
            const pdf = readdirSync(dir).find((f) => f.endsWith(".pdf") && f !== "report.pdf") ?? (existsSync(join(dir, "report.pdf")) ? "report.pdf" : null);
            run = { ...base, status: "skipped", reason: "exists", period: params.period as string, dir: relative(out, dir), pdf: pdf ? relative(out, join(dir, pdf)) : null, pages: previous?.pages ?? null, kpis: previous?.kpis ?? [], alerts: previous?.alerts ?? [] };
            runs[index] = run;
            emit({ event: "run", run, done: ++done, total: specs.length, requested: label });
            continue;
          }
        }
        if (!options.force && !options.skipExisting && fingerprint && previous?.fingerprint === fingerprint && existsSync(join(out, previous.dir, "manifest.json"))) {
          run = { ...base, status: "skipped", reason: "unchanged", period: previous.period, pages: previous.pages, dir: previous.dir, pdf: previous.pdf, kpis: previous.kpis, alerts: previous.alerts, warnings: previous.warnings };
        } else {
          const needsPdf = formats.includes("pdf");
          const { brandFontWarnings } = await import("../print/fonts.js");
          const fontWarnings = client?.brand ? brandFontWarnings(client.brand.fonts, client.brand.fontFaceCss ? client.brand.fonts[0] : undefined) : [];
          const result = await renderFiles(reportFile, {
            overrides,
            formats,
            now,
            keepGoing: options.keepGoing,
            pdfNames,
            // Not awaited: the first run's analyses overlap the browser's start-up.
            session: needsPdf ? browser() : undefined,
            adjustReport: (r) => adjustForClient(r, client),
            adjustDocument: client ? (doc) => ({ ...doc, client: client.name, ...(client.brand ? { brand: client.brand } : {}) }) : undefined,
            dir: (params, r) => dirFor(client, params, r),
            onProgress: (e) => emit({ event: "step", client: id, period: label, step: e.phase === "load" ? `load ${e.dataset}` : e.phase === "cell" ? `analysis ${e.id}` : e.phase }),
          });
          const pdfFile = result.files.find((f) => f.endsWith(".pdf") && basename(f) !== "report.pdf") ?? result.files.find((f) => basename(f) === "report.pdf") ?? null;
          run = {
            ...base,
            status: "ok",
            period: result.run.document.period.label,
            pages: result.pages,
            dir: relative(out, result.dir),
            pdf: pdfFile ? relative(out, pdfFile) : null,
            kpis: headline(result.run.document),
            alerts: alarms(result),
            warnings: result.warnings.length + fontWarnings.length,
            ...(fontWarnings.length ? { messages: fontWarnings } : {}),
          };
          if (fingerprint) ledger.entries[key] = { fingerprint, dir: run.dir!, period: run.period, pages: run.pages, pdf: run.pdf, kpis: run.kpis, alerts: run.alerts, warnings: run.warnings };
        }
      } catch (e) {
        run = { ...base, ...errorText(e) };
      }
      run.ms = Math.round(performance.now() - started);
      runs[index] = run;
      emit({ event: "run", run, done: ++done, total: specs.length, requested: label });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  } finally {
    const s = session as Promise<BrowserSession> | null;
    if (s) await s.then((b) => b.close()).catch(() => undefined);
  }

  await writeFileAtomically(join(out, ledgerName), JSON.stringify(ledger, null, 2) + "\n");
  const { summaryFile, indexFile } = await writeSummary(out, report.title.replace(/\{\{[^}]*\}\}/g, "").trim() || report.name, runs, now);
  return { runs, summaryFile, indexFile, browserLaunches: launches };
}

/** <out>/batch-summary.json ({ runs }) and <out>/index.html. */
export async function writeSummary(out: string, title: string, runs: BatchRun[], now: Date = new Date()): Promise<{ summaryFile: string; indexFile: string }> {
  const summaryFile = join(resolve(out), "batch-summary.json");
  const indexFile = join(resolve(out), "index.html");
  await writeFileAtomically(summaryFile, JSON.stringify({ runs }, null, 2) + "\n");
  await writeFileAtomically(indexFile, indexHtml(title, runs, now));
  return { summaryFile, indexFile };
}

// ---------------------------------------------------------------- index page

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const href = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** DIR/index.html: every run with its status, headline KPIs and links (self-contained, offline). */
export function indexHtml(title: string, runs: BatchRun[], now: Date): string {
  const rows = runs
    .map((r) => {
      const status = r.status === "skipped" ? `skipped (${r.reason === "exists" ? "exists" : "unchanged"})` : r.status;
      const links = [r.pdf ? `<a href="${esc(href(r.pdf))}">PDF</a>` : "", r.dir && r.status !== "failed" ? `<a href="${esc(href(`${r.dir}/report.html`))}">HTML</a>` : "", r.dir && r.status !== "failed" ? `<a href="${esc(href(`${r.dir}/tables.xlsx`))}">Excel</a>` : ""].filter(Boolean).join(" · ");
      const kpis = r.kpis.map((k) => `<span class="kpi">${esc(k.label)}: <b>${esc(k.value)}</b></span>`).join("<br>");
      return `<tr class="${esc(r.status)}"><td>${esc(r.name)}<div class="id">${esc(r.client)}</div></td><td>${esc(r.report)}</td><td>${esc(r.period)}</td><td><span class="badge ${esc(r.status)}">${esc(status)}</span></td><td class="num">${r.pages ?? ""}</td><td>${kpis}</td><td>${esc(r.alerts.join(", "))}</td><td class="num">${(r.ms / 1000).toFixed(1)} s</td><td>${links}${r.error ? `<div class="error">${esc(r.error)}</div>` : ""}</td></tr>`;
    })
    .join("\n");
  const counts = (["ok", "failed", "skipped"] as const).map((s) => `${runs.filter((r) => r.status === s).length} ${s}`).join(" · ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="churnbook">
<title>${esc(title)} · churnbook</title>
<style>
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", system-ui, sans-serif; margin: 24px; color: #1f2933; font-size: 14px; }
h1 { font-size: 20px; margin: 0 0 4px; } .meta { color: #616e7c; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #d9dee4; vertical-align: top; }
th { border-bottom: 2px solid #1f2933; } .num { text-align: right; white-space: nowrap; } .id { color: #616e7c; font-size: 12px; }
.badge { padding: 1px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; } .badge.ok { background: #e3f5ec; color: #1e7b4c; }
.badge.failed { background: #fde8e7; color: #b42318; } .badge.skipped { background: #eef1f4; color: #616e7c; }
.error { color: #b42318; font-size: 12px; white-space: pre-wrap; margin-top: 4px; } .kpi { white-space: nowrap; font-size: 12px; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<div class="meta">${esc([...new Set(runs.map((r) => r.report))].join(", "))} · ${esc(counts)} · ${esc(now.toISOString().slice(0, 16).replace("T", " "))} UTC</div>
<table>
<thead><tr><th>Client</th><th>Report</th><th>Period</th><th>Status</th><th>Pages</th><th>Headline</th><th>Alerts</th><th>Time</th><th>Files</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
