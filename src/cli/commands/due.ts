// `churnbook due [report.yaml…] [--now 2026-11-05] [--clients clients.yaml] [--out DIR]`: renders,
// for every scheduled definition (default: reports/*.yaml with a `schedule:`) and client, the
// latest period whose due day has come, unless its output folder already exists. Idempotent: a
// second call renders nothing. Meant for cron (see the README), e.g. daily at 06:00:
//   0 6 * * *  cd /srv/churnbook && npx churnbook due --clients clients.yaml --out /srv/reports

import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Printer } from "../output.js";
import { ChurnbookError } from "../../util/errors.js";
import type { BatchRun } from "../../runner/batch.js";
import { batchReporter, finish } from "./batch.js";

export interface DueArgs {
  reports?: string[];
  now?: string;
  clients?: string;
  out?: string;
  concurrency?: number;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export async function dueCommand(args: DueArgs, printer: Printer): Promise<number> {
  const { loadReport } = await import("../../runner/definitions.js");
  const { duePeriod, parseCalendarDate, today } = await import("../../runner/schedule.js");
  const { runBatch, writeSummary } = await import("../../runner/batch.js");
  const { loadClients } = await import("../../definition/clients.js");
  const date = args.now ?? today();
  parseCalendarDate(date);
  const explicit = Boolean(args.reports?.length);
  let files: string[];
  if (explicit) files = args.reports!;
  else {
    try {
      files = readdirSync("reports").filter((f) => f.endsWith(".yaml")).sort().map((f) => join("reports", f));
    } catch {
      throw new ChurnbookError("missing-file", "no reports/ folder here to look for scheduled definitions", { hint: "run from the project folder, or name the definitions: churnbook due reports/monthly-churn.yaml", exitCode: 2 });
    }
  }
  const clients = args.clients ? await loadClients(args.clients) : null;
  const runs: BatchRun[] = [];
  let launches = 0;
  let scheduled = 0;
  for (const file of files) {
    const report = await loadReport(file);
    if (!report.schedule) {
      if (explicit) throw new ChurnbookError("no-schedule", `${file} has no schedule`, { hint: "add e.g. schedule: { monthly: { day: 3 } } to the definition", location: { file }, exitCode: 2 });
      continue;
    }
    scheduled++;
    const period = duePeriod(report.schedule, date);
    printer.info(`${report.name}: ${period.fiscalLabel === period.label ? period.label : `${period.label} (${period.fiscalLabel})`} is due since ${period.due}`);
    if (args.dryRun) continue;
    const reporter = batchReporter(args, printer);
    try {
      const result = await runBatch(file, { clients, periods: [period.label], out: args.out, concurrency: args.concurrency, skipExisting: true, onEvent: reporter.onEvent });
      runs.push(...result.runs);
      launches += result.browserLaunches;
    } finally {
      reporter.stop();
    }
  }
  if (!scheduled) {
    printer.info("no definition declares a schedule");
    return 0;
  }
  if (args.dryRun) return 0;
  // One summary and index for everything this call saw (each report's batch wrote its own).
  const written = await writeSummary(args.out ?? "out", `Due on ${date}`, runs);
  const rendered = runs.filter((r) => r.status !== "skipped").length;
  if (!rendered && !args.json) printer.info(`nothing due on ${date}: every output exists`);
  return finish({ runs, ...written, browserLaunches: launches }, args, printer);
}
