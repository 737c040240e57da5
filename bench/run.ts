// `npm run bench`: the first benchmark — a baseline, not a target.
//
// For each size in BENCH_SIZES (customers; default "10000,100000", "1000000" is opt-in):
//   1. generate a sample company into bench/tmp/company-<n>/ unless it is already there
//      (a cache; the generation time is recorded when it runs, in .generated.json beside
//      the CSVs, and reported again — marked cached — when the data is reused),
//   2. in a fresh child process (so each measurement's peak memory is its own), render the
//      flagship report reports/monthly-churn.yaml for 2026-10 to HTML and PDF, timing each
//      phase; in another, run the floor (bench/floor.ts: the same reductions as hand-written
//      DuckDB SQL),
//   3. check that the floor's numbers agree with the report's tables (the floor computes
//      the same thing, so the ratios compare like with like).
// Prints a table and writes bench/results.json with the machine described.
//
// Phases: load = Σ dataset loads; analyses = Σ analysis cells; cells = Σ presentation cells
// (markdown, KPI, table and chart specs); html = charts drawn + HTML rendered; pdf = the
// printer (a second render with page numbers + Chromium). Peak RSS of the Node process, which
// holds DuckDB (in-process): sampled every 20 ms, and the kernel's maxRSS — the sampler misses
// peaks inside synchronous code, maxRSS does not. Chromium runs in its own processes and is
// not counted.

import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { floorQueryNames, runFloor, type FloorQueryName, type FloorResult } from "./floor.js";

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = resolve(benchDir, "..");
const tmpDir = join(benchDir, "tmp");
const reportFile = join(rootDir, "reports", "monthly-churn.yaml");
const period = "2026-10";
const seed = 1;
const datasetFiles = ["customers", "subscriptions", "transactions", "tickets", "churn_events", "usage"].map((t) => `${t}.csv`);

interface RenderMeasure {
  ok: boolean;
  error?: string;
  totalMs: number;
  loadMs: number;
  analysesMs: number;
  cellsMs: number;
  htmlMs: number;
  pdfMs: number;
  /** Wall time not in the phases above: reading the definition, choosing the period, writing the outputs. */
  otherMs: number;
  loads: { dataset: string; rows: number; ms: number }[];
  analyses: { id: string; ms: number }[];
  warnings: number;
  peakRssSampledMB: number;
  maxRssMB: number;
  dir?: string;
}

type FloorMeasure = Omit<FloorResult, "results"> & { peakRssSampledMB: number; maxRssMB: number };

interface SizeResult {
  customers: number;
  render: RenderMeasure;
  floor: FloorMeasure;
  check: { compared: number; mismatches: string[] } | null;
  /** How long generating the data took (null: unknown), and whether this run reused it. */
  generation: { ms: number | null; cached: boolean };
  rows: Record<string, number>;
  events: number;
  ratios: { load: number | null; analyses: number | null; sameReductions: number | null };
}

/** The report's analysis cells that compute what the floor computes. */
const sameAs: Record<FloorQueryName, string> = { summary: "summary", trend: "trend", cohorts: "cohorts", reasons: "reasons" };

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** The max of process.memoryUsage().rss, sampled every 20 ms. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    reset() {
      peak = process.memoryUsage().rss;
    },
    peak() {
      return Math.max(peak, process.memoryUsage().rss);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

// ── children: one measurement each ───────────────────────────────────────────────────────

async function measureRender(customers: number, outFile: string): Promise<void> {
  const { renderFiles } = await import("../src/runner/render-files.js");
  const client = `company-${customers}`;
  const sampler = rssSampler();
  const loads: RenderMeasure["loads"] = [];
  const log = (s: string) => process.stderr.write(`  [${customers}] ${s}\n`);
  const t0 = performance.now();
  let render: RenderMeasure;
  try {
    const r = await renderFiles(reportFile, {
      overrides: { data_root: tmpDir, client, period },
      formats: ["html", "pdf"],
      out: join(tmpDir, "out"),
      onProgress: (e) => {
        if (e.phase === "load") {
          loads.push({ dataset: e.dataset, rows: e.rows, ms: e.ms });
          log(`load ${e.dataset} ${e.rows} rows ${(e.ms / 1000).toFixed(2)} s`);
        } else if (e.phase === "cell") log(`analysis ${e.id} ${(e.ms / 1000).toFixed(2)} s${e.error ? ` (error: ${e.error})` : ""}`);
        else log(`${e.phase} ${(e.ms / 1000).toFixed(2)} s`);
      },
    });
    const totalMs = performance.now() - t0;
    const sum = (phase: string) => r.timings.filter((t) => t.phase === phase).reduce((s, t) => s + t.ms, 0);
    const m = { loadMs: sum("load"), analysesMs: sum("analysis"), cellsMs: sum("cell"), htmlMs: sum("html"), pdfMs: sum("pdf") };
    render = {
      ok: true,
      totalMs,
      ...m,
      otherMs: totalMs - (m.loadMs + m.analysesMs + m.cellsMs + m.htmlMs + m.pdfMs),
      loads,
      analyses: r.timings.filter((t) => t.phase === "analysis").map((t) => ({ id: t.id ?? "?", ms: t.ms })),
      warnings: r.warnings.length,
      peakRssSampledMB: mb(sampler.peak()),
      maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
      dir: r.dir,
    };
  } catch (e) {
    const totalMs = performance.now() - t0;
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(`render failed: ${error}`);
    render = {
      ok: false, error, totalMs, loadMs: 0, analysesMs: 0, cellsMs: 0, htmlMs: 0, pdfMs: 0, otherMs: 0, loads, analyses: [], warnings: 0,
      peakRssSampledMB: mb(sampler.peak()), maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
    };
  }

  sampler.stop();
  writeFileSync(outFile, JSON.stringify(render));
}

async function measureFloor(customers: number, outFile: string): Promise<void> {
  const sampler = rssSampler();
  process.stderr.write(`  [${customers}] floor\n`);
  const f = await runFloor(join(tmpDir, `company-${customers}`), period);
  const out: FloorResult & FloorMeasure = { ...f, peakRssSampledMB: mb(sampler.peak()), maxRssMB: mb(process.resourceUsage().maxRSS * 1024) };
  sampler.stop();
  writeFileSync(outFile, JSON.stringify(out));
}

// ── the floor agrees with the report ─────────────────────────────────────────────────────

function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else if (c !== "\r") field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ""])));
}

const countKeys = ["customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end", "mrr_start", "mrr_end"];

function compare(dir: string, floor: FloorResult["results"]): { compared: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let compared = 0;
  const table = (name: string) => {
    const file = join(dir, "tables", `${name}.csv`);
    return existsSync(file) ? parseCsv(readFileSync(file, "utf8")) : null;
  };
  const same = (what: string, report: unknown, mine: unknown) => {
    compared++;
    const a = Number(report), b = Number(mine);
    if (!(Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= Math.max(0.005, 1e-9 * Math.abs(b)))) mismatches.push(`${what}: report ${String(report)} vs floor ${String(mine)}`);
  };
  const summary = table("summary");
  if (summary) {
    const byMetric = new Map(summary.map((r) => [r.metric, r.value]));
    for (const k of countKeys) same(`summary.${k}`, byMetric.get(k), floor.summary[0]?.[k]);
  } else mismatches.push("tables/summary.csv missing");
  const trend = table("trend");
  if (trend) {
    const mine = new Map(floor.trend.map((r) => [String(r.period), r]));
    if (trend.length !== mine.size) mismatches.push(`trend: ${trend.length} periods in the report, ${mine.size} in the floor`);
    for (const r of trend) for (const k of countKeys) same(`trend.${r.period}.${k}`, r[k], mine.get(r.period!)?.[k]);
  } else mismatches.push("tables/trend.csv missing");
  const cohorts = table("cohorts");
  if (cohorts) {
    const mine = new Map(floor.cohorts.map((r) => [`${r.cohort}/${r.age}`, r]));
    if (cohorts.length !== mine.size) mismatches.push(`cohorts: ${cohorts.length} cells in the report, ${mine.size} in the floor`);
    for (const r of cohorts) for (const k of ["customers", "active"]) same(`cohorts.${r.cohort}/${r.age}.${k}`, r[k], mine.get(`${r.cohort}/${r.age}`)?.[k]);
  } else mismatches.push("tables/cohorts.csv missing");
  const reasons = table("reasons");
  if (reasons) {
    const mine = new Map(floor.reasons.map((r) => [String(r.reason), r.events]));
    for (const r of reasons) same(`reasons.${r.reason}.events`, r.events, mine.get(r.reason!));
    if (reasons.length !== mine.size) mismatches.push(`reasons: ${reasons.length} reasons in the report, ${mine.size} in the floor`);
  } else mismatches.push("tables/reasons.csv missing");
  return { compared, mismatches };
}

// ── parent: generate, measure each size in a child, report ───────────────────────────────

/** Runs this script as `--child render|floor <customers> <out.json>` and reads its result. */
function measureInChild<T>(kind: "render" | "floor", customers: number): T {
  const outFile = join(tmpDir, `${kind}-${customers}.json`);
  rmSync(outFile, { force: true });
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", kind, String(customers), outFile], {
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  if (run.status !== 0 || !existsSync(outFile)) throw new Error(`the ${kind} measurement of ${customers} customers failed (exit ${run.status ?? run.signal})`);
  return JSON.parse(readFileSync(outFile, "utf8")) as T;
}

async function ensureCompany(customers: number): Promise<SizeResult["generation"]> {
  const dir = join(tmpDir, `company-${customers}`);
  const record = join(dir, ".generated.json");
  if (datasetFiles.every((f) => existsSync(join(dir, f)))) {
    let ms: number | null = null;
    try {
      ms = (JSON.parse(readFileSync(record, "utf8")) as { ms: number }).ms;
    } catch {
      // generated outside the bench: time unknown
    }
    return { ms, cached: true };
  }
  const { generateToDir, defaultSampleStart, defaultSampleEnd } = await import("../src/sample/write.js");
  process.stderr.write(`generating ${customers} customers into ${dir} …\n`);
  const t0 = performance.now();
  generateToDir({ seed, customers, start: defaultSampleStart, end: defaultSampleEnd }, dir);
  const ms = performance.now() - t0;
  writeFileSync(record, JSON.stringify({ ms: Math.round(ms), seed, customers, date: new Date().toISOString() }) + "\n");
  return { ms, cached: false };
}

function csvRows(file: string): number {
  // Newlines minus the header; sample CSVs hold no quoted line breaks.
  const buf = readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n - 1;
}

async function machine() {
  const require = createRequire(import.meta.url);
  const nodeApi = (require("@duckdb/node-api/package.json") as { version: string }).version;
  let library = "unknown";
  try {
    const { createEngine } = await import("../src/data/engine.js");
    const e = await createEngine();
    library = String((await e.query("SELECT version() AS v"))[0]?.v);
    e.close();
  } catch {
    // keep "unknown"
  }
  let chromium = "unknown";
  try {
    const { resolveBrowser } = await import("../src/print/browser.js");
    chromium = execFileSync(resolveBrowser(), ["--version"], { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // keep "unknown"
  }
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cpus: cpus.length,
    memoryGB: Math.round((os.totalmem() / 1073741824) * 10) / 10,
    node: process.version,
    duckdb: { nodeApi, library, threads: 2 },
    chromium,
  };
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const ratio = (a: number, b: number) => (b > 0 && a > 0 ? Math.round((a / b) * 10) / 10 : null);

function printTable(results: SizeResult[]): void {
  const head = ["customers", "rows", "gen s", "load s", "analyses s", "html s", "pdf s", "total s", "peak MB", "maxRSS MB", "floor load s", "floor sql s", "floor MB", "load ×", "analyses ×", "same 4 ×", "check"];
  const body = results.map((r) => {
    const ok = r.render.ok;
    const dash = (s: string) => (ok ? s : "—");
    return [
      r.customers.toLocaleString("en-US"),
      r.events.toLocaleString("en-US"),
      `${r.generation.ms === null ? "?" : sec(r.generation.ms)}${r.generation.cached ? "*" : ""}`,
      dash(sec(r.render.loadMs)),
      dash(sec(r.render.analysesMs)),
      dash(sec(r.render.htmlMs)),
      dash(sec(r.render.pdfMs)),
      dash(sec(r.render.totalMs)),
      dash(String(r.render.peakRssSampledMB)),
      dash(String(r.render.maxRssMB)),
      sec(r.floor.loadMs),
      sec(r.floor.queriesMs),
      String(r.floor.maxRssMB),
      r.ratios.load === null ? "—" : `${r.ratios.load}`,
      r.ratios.analyses === null ? "—" : `${r.ratios.analyses}`,
      r.ratios.sameReductions === null ? "—" : `${r.ratios.sameReductions}`,
      r.check ? (r.check.mismatches.length ? `${r.check.mismatches.length} differ` : `ok (${r.check.compared})`) : "—",
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? "10000,100000")
    .split(",")
    .map((s) => Number(s.trim().replaceAll("_", "")))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (!sizes.length) throw new Error(`BENCH_SIZES: no valid size in "${process.env.BENCH_SIZES}"`);
  mkdirSync(tmpDir, { recursive: true });
  const info = await machine();
  const results: SizeResult[] = [];
  for (const customers of sizes) {
    const generation = await ensureCompany(customers);
    const dir = join(tmpDir, `company-${customers}`);
    const rows = Object.fromEntries(datasetFiles.map((f) => [f.replace(/\.csv$/, ""), csvRows(join(dir, f))]));
    process.stderr.write(`measuring ${customers} customers …\n`);
    const render = measureInChild<RenderMeasure>("render", customers);
    const { results: floorResults, ...floor } = measureInChild<FloorResult & FloorMeasure>("floor", customers);
    const c = { customers, render, floor, check: render.ok && render.dir ? compare(render.dir, floorResults) : null };
    const same = floorQueryNames.reduce((s, q) => s + (c.render.analyses.find((a) => a.id === sameAs[q])?.ms ?? 0), 0);
    results.push({
      ...c,
      generation,
      rows,
      // The rows the report reads (usage.csv is not one of its datasets).
      events: c.render.loads.length ? c.render.loads.reduce((s, l) => s + l.rows, 0) : Object.values(c.floor.loadByTable).reduce((s, t) => s + t.rows, 0),
      ratios: c.render.ok
        ? { load: ratio(c.render.loadMs, c.floor.loadMs), analyses: ratio(c.render.analysesMs, c.floor.queriesMs), sameReductions: ratio(same, c.floor.queriesMs) }
        : { load: null, analyses: null, sameReductions: null },
    });
  }

  console.log(`\nchurnbook bench — reports/monthly-churn.yaml, period ${period}, html+pdf; ${info.cpus}× ${info.cpu}, ${info.memoryGB} GB, ${info.os}, Node ${info.node}, DuckDB ${info.duckdb.library} (node-api ${info.duckdb.nodeApi}, 2 threads)\n`);
  printTable(results);
  console.log(
    "\nrows: rows of the five datasets the report loads · gen: sample generation (* = cached from an earlier run) · load/analyses/html/pdf: churnbook phases (html = charts + HTML) · peak MB: RSS sampled every 20 ms · maxRSS: kernel peak (Node + DuckDB; Chromium not counted)\n" +
      "floor: read_csv_auto + hand-written SQL for the summary, 12-month trend, cohort matrix and reasons (queries best of 3; floor MB: its maxRSS, own process) · load ×: churnbook load ÷ floor load · analyses ×: all 10 analysis cells ÷ floor SQL · same 4 ×: the summary, trend, cohorts and reasons cells ÷ floor SQL · check: floor numbers equal to the report's tables",
  );
  for (const r of results) {
    if (!r.render.ok) console.log(`\n${r.customers}: render failed — ${r.render.error}`);
    if (r.check?.mismatches.length) console.log(`\n${r.customers}: floor ≠ report:\n  ${r.check.mismatches.slice(0, 10).join("\n  ")}`);
  }

  // Whole milliseconds and MB (the ratios, with one decimal, are put back unrounded).
  const round = (v: unknown): unknown =>
    typeof v === "number" ? Math.round(v) : Array.isArray(v) ? v.map(round) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v;
  const file = join(benchDir, "results.json");
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: info,
        report: "reports/monthly-churn.yaml",
        period,
        formats: ["html", "pdf"],
        seed,
        units: "times in ms, memory in MB; ratios churnbook ÷ floor",
        sizes: results.map((r) => ({ ...(round(r) as object), ratios: r.ratios })),
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`\nwrote ${file}`);
}

if (process.argv[2] === "--child") {
  const [kind, customers, outFile] = process.argv.slice(3);
  await (kind === "floor" ? measureFloor : measureRender)(Number(customers), outFile!);
  process.exit(0);
} else {
  await main();
}
