// The churnbook command line. Thin: each command lives in cli/commands/, parses its flags and
// calls one library function; heavy modules (DuckDB, Puppeteer) load only when needed.
// User errors print `location message [code]` and a hint; stacks only with --debug.

import yargs from "yargs";
import { createPrinter } from "./output.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";

/** Every command, for the usage line and "did you mean" on a mistyped one. */
const commands = ["render", "batch", "due", "preview", "validate", "analyses", "analyze", "sample-data", "init"];

export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes("--json");
  const printer = createPrinter({ json: wantsJson, quiet: argv.includes("--quiet") });
  let code = 0;
  const run = (fn: () => Promise<number | void>) => async () => {
    try {
      code = (await fn()) ?? 0;
    } catch (e) {
      code = printer.error(e, argv.includes("--debug"));
    }
  };
  const cli = yargs(argv)
    .scriptName("churnbook")
    .usage("$0 <command> [options]")
    .option("json", { type: "boolean", describe: "Machine-readable output (JSON lines on stderr)" })
    .option("quiet", { type: "boolean", describe: "Only errors" })
    .option("debug", { type: "boolean", describe: "Show stack traces" })
    .command(
      "render <report>",
      "Render a report definition to HTML and PDF",
      (y) =>
        y
          .positional("report", { type: "string", demandOption: true, describe: "reports/<name>.yaml" })
          .option("period", { type: "string", describe: "Period: 2026-10, 2026-Q3 or 2026 (default: last complete period in the data)" })
          .option("param", { type: "string", array: true, describe: "Parameter override key=value (repeatable)" })
          .option("format", { type: "string", default: "html,pdf", describe: "Outputs: html, pdf or html,pdf" })
          .option("pdf-name", { choices: ["both", "named", "report"] as const, default: "both" as const, describe: "PDF file names: <client>_<period>_<report>.pdf, report.pdf, or both" })
          .option("out", { type: "string", default: "out", describe: "Output folder" })
          .option("keep-going", { type: "boolean", describe: "Render failed cells as errors in place instead of stopping" })
          .option("cache", { type: "boolean", default: true, describe: "Reuse cached cell results, HTML and PDF (--no-cache: run every cell; the cache folder is .churnbook-cache or $CHURNBOOK_CACHE_DIR, safe to delete)" }),
      (a) => run(async () => (await import("./commands/render.js")).renderCommand(a, printer))(),
    )
    .command(
      "batch <report>",
      "Render a report for every client of a clients file (and several periods), with one browser; writes batch-summary.json and index.html",
      (y) =>
        y
          .positional("report", { type: "string", demandOption: true, describe: "reports/<name>.yaml" })
          .option("clients", { type: "string", demandOption: true, describe: "clients.yaml: ids, names, data, brand and params per client" })
          .option("period", { type: "string", describe: "One period for every client (default: the last complete period in each client's data)" })
          .option("periods", { type: "string", describe: "Several periods: 2026-09,2026-10 or a range 2026-01..2026-10" })
          .option("concurrency", { type: "number", default: 2, describe: "Runs in flight at once (one browser, a page each)" })
          .option("out", { type: "string", default: "out", describe: "Output folder: <out>/<client>/<report>/<period>/, batch-summary.json, index.html" })
          .option("force", { type: "boolean", describe: "Render every run, even those whose inputs are unchanged" })
          .option("format", { type: "string", default: "html,pdf", describe: "Outputs: html, pdf or html,pdf" })
          .option("pdf-name", { choices: ["both", "named", "report"] as const, default: "both" as const, describe: "PDF file names: <client>_<period>_<report>.pdf, report.pdf, or both" })
          .option("keep-going", { type: "boolean", describe: "Render failed cells as errors in place instead of failing the run" }),
      (a) => run(async () => (await import("./commands/batch.js")).batchCommand(a, printer))(),
    )
    .command(
      "due [reports..]",
      "Render every scheduled report (and client) whose period has closed and whose output does not exist yet; safe to run from cron",
      (y) =>
        y
          .positional("reports", { type: "string", array: true, describe: "Definitions (default: every reports/*.yaml with a schedule)" })
          .option("now", { type: "string", describe: "Today's calendar date, yyyy-mm-dd (default: the machine's)" })
          .option("clients", { type: "string", describe: "clients.yaml: render for each client (default: the definitions' own parameters)" })
          .option("out", { type: "string", default: "out", describe: "Output folder" })
          .option("concurrency", { type: "number", default: 2 })
          .option("dry-run", { type: "boolean", describe: "List what is due without rendering" }),
      (a) => run(async () => (await import("./commands/due.js")).dueCommand(a, printer))(),
    )
    .command(
      "preview <report>",
      "Serve the report as a live notebook on 127.0.0.1: every cell with its time or error, re-run when the definition or data change",
      (y) =>
        y
          .positional("report", { type: "string", demandOption: true })
          .option("period", { type: "string", describe: "Period: 2026-10, 2026-Q3 or 2026" })
          .option("param", { type: "string", array: true, describe: "Parameter override key=value (repeatable)" })
          .option("port", { type: "number", default: 4321 })
          .option("open", { type: "boolean", describe: "Open the notebook in the default browser" })
          .option("cache", { type: "boolean", default: true, describe: "Reuse cached cell results (--no-cache: memory only, nothing written)" }),
      (a) => run(async () => (await import("./commands/preview.js")).previewCommand(a, printer))(),
    )
    .command(
      "init [dir]",
      "Start a project: a report definition, sample data, VS Code schema settings and a README",
      (y) =>
        y
          .positional("dir", { type: "string", default: ".", describe: "Folder to create (default: the current one)" })
          .option("locale", { choices: ["zh-CN", "en-US"] as const, default: "en-US" as const, describe: "Language of the report and the sample data" }),
      (a) => run(async () => (await import("./commands/init.js")).initCommand(a, printer))(),
    )
    .command(
      "validate <report>",
      "Check a report definition without running it",
      (y) => y.positional("report", { type: "string", demandOption: true }),
      (a) => run(async () => (await import("./commands/validate.js")).validateCommand(a, printer))(),
    )
    .command(
      "analyses [analysis]",
      "List the analyses (or one) with their params, the data they need and their declared outputs",
      (y) =>
        y
          .positional("analysis", { type: "string", describe: "One analysis id (default: all)" })
          .option("locale", { choices: ["en-US", "zh-CN"] as const, default: "en-US" as const, describe: "Language of titles and output descriptions" }),
      (a) => run(async () => (await import("./commands/analyses.js")).analysesCommand(a, printer))(),
    )
    .command(
      "analyze <analysis>",
      "Run one analysis on files and print its result",
      (y) =>
        y
          .positional("analysis", { type: "string", demandOption: true })
          .option("data", { type: "string", array: true, describe: "role=file (repeatable)" })
          .option("map", { type: "string", array: true, describe: "role.field=column (repeatable)" })
          .option("param", { type: "string", array: true, describe: "key=value (repeatable)" })
          .option("format", { choices: ["json", "csv"] as const, default: "json" as const })
          .option("period", { type: "string", describe: "Period under analysis (default: last complete month in the data)" })
          .option("churn", { type: "string", describe: "Churn basis: subscriptions[:grace days], or inactivity[:days] (default: subscriptions when given, else inactivity:90)" })
          .option("returns", { choices: ["net", "exclude"] as const, default: "net" as const, describe: "Returns and cancellations (amount or quantity < 0): subtracted from spend (net) or left out (exclude); never purchases" })
          .option("date-format", { type: "string", describe: "strptime format for dates, e.g. %d/%m/%Y" })
          .option("encoding", { type: "string", array: true, describe: "role=encoding of a file that is not UTF-8, e.g. subscriptions=gb18030 (repeatable)" })
          .option("locale", { choices: ["en-US", "zh-CN"] as const, default: "en-US" as const })
          .option("currency", { type: "string", default: "USD" }),
      (a) => run(async () => (await import("./commands/analyze.js")).analyzeCommand(a, printer))(),
    )
    .command(
      "sample-data",
      "Generate a synthetic company (customers, subscriptions, transactions, tickets, churn events, usage)",
      (y) =>
        y
          .option("seed", { type: "number", default: 1 })
          .option("customers", { type: "number", default: 2000 })
          .option("out", { type: "string", demandOption: true })
          .option("start", { type: "string", default: "2024-01-01" })
          .option("end", { type: "string", default: "2026-11-01" })
          .option("language", { choices: ["en", "zh"] as const, default: "en" as const, describe: "Language of names and attribute labels" })
          .option("format", { choices: ["csv", "parquet"] as const, default: "csv" as const, describe: "File format (parquet: for large sizes, written through DuckDB in bounded memory)" }),
      (a) => run(async () => (await import("./commands/sample-data.js")).sampleDataCommandCli(a, printer))(),
    )
    .demandCommand(1, `name a command: ${commands.join(", ")}`)
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      const unknown = unknownCommand(argv);
      if (unknown) {
        const near = closeMatches(unknown, commands);
        code = printer.error(new ChurnbookError("unknown-command", `unknown command "${unknown}"${near.length ? `; did you mean "${near[0]}"?` : ""}`, { hint: `commands: ${commands.join(", ")} (churnbook --help)`, exitCode: 2 }));
        return;
      }
      printer.warn(msg);
      code = 2;
    });
  await cli.parseAsync();
  return code;
}

/** The first word of the command line when it names no command (yargs says "Unknown argument"). */
function unknownCommand(argv: string[]): string | null {
  const first = argv.find((a) => !a.startsWith("-"));
  if (first === undefined || argv.indexOf(first) !== 0) return null;
  return commands.includes(first) || first === "help" ? null : first;
}
