// `churnbook batch <report.yaml> --clients clients.yaml [--period P | --periods A..B]`: one report
// for many clients, one browser. On a terminal a progress bar (clients done, current step, ETA);
// plain lines when stderr is not a terminal; JSON lines with --json. Ends with the summary table
// (stdout), batch-summary.json and index.html; exit 1 when any run failed.

import cliProgress from "cli-progress";
import type { Printer } from "../output.js";
import { ChurnbookError } from "../../util/errors.js";
import type { BatchEvent, BatchResult, BatchRun } from "../../runner/batch.js";
import type { PdfNames } from "../../runner/render-files.js";

export interface BatchArgs {
  report?: string;
  clients?: string;
  period?: string;
  periods?: string;
  concurrency?: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  format?: string;
  pdfName?: string;
  keepGoing?: boolean;
}

export function parseFormats(text: string | undefined): ("html" | "pdf")[] {
  const formats = (text ?? "html,pdf").split(",").map((f) => f.trim()).filter(Boolean);
  for (const f of formats) if (f !== "html" && f !== "pdf") throw new ChurnbookError("bad-flag", `unknown format "${f}"`, { hint: "use html, pdf or html,pdf", exitCode: 2 });
  if (!formats.length) throw new ChurnbookError("bad-flag", "--format needs html, pdf or both", { exitCode: 2 });
  return formats as ("html" | "pdf")[];
}

export function parsePdfNames(text: string | undefined): PdfNames {
  const v = text ?? "both";
  if (v !== "both" && v !== "named" && v !== "report") throw new ChurnbookError("bad-flag", `--pdf-name ${v}: expected both, named or report`, { hint: "named: <client>_<period>_<report>.pdf only; report: report.pdf only; both (default)", exitCode: 2 });
  return v;
}

export async function batchCommand(args: BatchArgs, printer: Printer): Promise<number> {
  if (args.period && args.periods) throw new ChurnbookError("bad-flag", "give --period or --periods, not both", { exitCode: 2 });
  if (args.concurrency !== undefined && (!Number.isInteger(args.concurrency) || args.concurrency < 1)) throw new ChurnbookError("bad-flag", `--concurrency must be a whole number ≥ 1, got ${args.concurrency}`, { exitCode: 2 });
  const { runBatch, parsePeriods } = await import("../../runner/batch.js");
  const { loadClients } = await import("../../definition/clients.js");
  const periods = args.periods ? parsePeriods(args.periods) : args.period ? parsePeriods(args.period) : [null];
  const clients = await loadClients(args.clients!);
  const reporter = batchReporter(args, printer);
  let result: BatchResult;
  try {
    result = await runBatch(args.report!, {
      clients,
      periods,
      concurrency: args.concurrency,
      out: args.out,
      force: args.force,
      formats: parseFormats(args.format),
      pdfNames: parsePdfNames(args.pdfName),
      keepGoing: args.keepGoing,
      onEvent: reporter.onEvent,
    });
  } finally {
    reporter.stop();
  }
  return finish(result, args, printer);
}

/** Progress on stderr: a bar on a terminal, plain lines otherwise, JSON lines with --json. */
export function batchReporter(args: { json?: boolean; quiet?: boolean }, printer: Printer): { onEvent: (e: BatchEvent) => void; stop: () => void } {
  const tty = Boolean(process.stderr.isTTY) && !args.json && !args.quiet;
  let bar: cliProgress.SingleBar | null = null;
  const current = new Map<string, string>();
  const stepText = () => [...current.entries()].map(([k, v]) => `${k}: ${v}`).join(" | ").slice(0, 60);
  return {
    onEvent(e) {
      if (args.json) {
        process.stderr.write(JSON.stringify(e.event === "run" ? { event: "run", done: e.done, total: e.total, ...e.run } : e.event === "step" ? { event: "step", client: e.client, period: e.period, step: e.step } : e) + "\n");
        return;
      }
      if (e.event === "batch") {
        if (tty) {
          bar = new cliProgress.SingleBar(
            { stream: process.stderr, format: `${e.report} |{bar}| {value}/{total} runs | ETA {eta_formatted} | {step}`, hideCursor: true, clearOnComplete: false, etaBuffer: 4, fps: 5 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(e.total, 0, { step: "starting" });
        } else printer.info(`batch ${e.report}: ${e.total} run${e.total === 1 ? "" : "s"}`);
      } else if (e.event === "start") {
        current.set(`${e.client} ${e.period}`, "starting");
        bar?.update({ step: stepText() });
      } else if (e.event === "step") {
        current.set(`${e.client} ${e.period}`, e.step);
        bar?.update({ step: stepText() });
      } else if (e.event === "run") {
        current.delete(`${e.run.client} ${e.requested}`);
        if (bar) bar.update(e.done, { step: stepText() || "done" });
        else printer.progress(`[${e.done}/${e.total}] ${e.run.client} ${e.run.period}: ${statusText(e.run)}${e.run.status === "failed" ? ` — ${e.run.error}` : ""}`);
        if (!bar) for (const m of e.run.messages ?? []) printer.warn(`${e.run.client}: ${m}`);
      }
    },
    stop() {
      const b = bar as cliProgress.SingleBar | null;
      b?.stop();
    },
  };
}

function statusText(r: BatchRun): string {
  if (r.status === "skipped") return `skipped (${r.reason === "exists" ? "output exists" : "unchanged"})`;
  if (r.status === "failed") return "FAILED";
  return `ok, ${r.pages ?? "–"} pages, ${(r.ms / 1000).toFixed(1)} s`;
}

/** The summary table: client, period, status, pages, headline KPIs, alerts, time, error. */
export function summaryTable(runs: BatchRun[]): string {
  const head = ["client", "period", "status", "pages", "headline", "alerts", "time", "error"];
  const rows = runs.map((r) => [
    r.client,
    r.period,
    r.status === "skipped" ? `skipped (${r.reason === "exists" ? "exists" : "unchanged"})` : r.status,
    r.pages === null ? "" : String(r.pages),
    r.kpis.slice(0, 2).map((k) => `${k.label} ${k.value}`).join("; "),
    r.alerts.join(", ") || (r.warnings ? `${r.warnings} warning${r.warnings === 1 ? "" : "s"}` : ""),
    `${(r.ms / 1000).toFixed(1)} s`,
    (r.error ?? "").split("\n")[0]!,
  ]);
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((h, i) => Math.min(i === 7 ? 200 : 48, Math.max(width(h), ...rows.map((r) => width(r[i]!)))));
  const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - width(s)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function finish(result: BatchResult, args: { json?: boolean; quiet?: boolean }, printer: Printer): number {
  const failed = result.runs.filter((r) => r.status === "failed").length;
  if (!args.json && !args.quiet) printer.data(summaryTable(result.runs));
  if (args.json) process.stderr.write(JSON.stringify({ event: "summary", ok: result.runs.filter((r) => r.status === "ok").length, failed, skipped: result.runs.filter((r) => r.status === "skipped").length, summary: result.summaryFile, index: result.indexFile, browserLaunches: result.browserLaunches }) + "\n");
  else {
    printer.info(`wrote ${result.summaryFile}`);
    printer.info(`wrote ${result.indexFile}`);
  }
  if (failed) printer.warn(`${failed} of ${result.runs.length} run${result.runs.length === 1 ? "" : "s"} failed (see the summary)`);
  // A run that failed on a bug (not on its data or definition) makes the batch exit 70, like render.
  if (result.runs.some((r) => r.code === "internal-error")) {
    printer.warn("a run failed on an internal error: this is a bug in churnbook; run that client alone with churnbook render --debug for the stack trace");
    return 70;
  }
  return failed ? 1 : 0;
}
