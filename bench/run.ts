// `npm run bench`: churnbook against its floor, like for like.
//
// For each size in BENCH_SIZES (customers; default "10000,100000"; "1000000" is opt-in) and
// each format in BENCH_FORMATS (default "csv,parquet"):
//   1. generate a sample company into bench/tmp/company-<n>/ unless it is already there (a
//      cache; .generated.json records how long it took) and write Parquet copies beside the
//      CSVs (typed by DuckDB's read_csv_auto) for the Parquet runs,
//   2. BENCH_REPEATS times (default 3), interleaved — floor, render, floor, render … — each in
//      a fresh child process (cold: its own Node start-up, module loading, DuckDB and page
//      cache as left by the other): the floor (bench/floor.ts: every reduction the report
//      needs, as hand-written DuckDB SQL, results read into JavaScript) and the HTML render of
//      reports/monthly-churn.yaml for 2026-10 (from Parquet: the same report with .parquet paths)
//      on the compiled build, as the churnbook command runs it (bench/render-child.mjs; dist/ is
//      rebuilt first when src/ changed),
//   3. check the floor's numbers against the report's tables (the last render's),
//   4. print the medians and the ratios churnbook ÷ floor per phase — load ÷ the floor's read,
//      analyses ÷ the floor's reductions, whole process ÷ whole process, peak RSS ÷ peak RSS —
//      with the machine's load average around each measurement, and PASS/MISS per target
//      (issue 14: at 10^6 whole ≤ 2×, load ≤ 1.5×, peak RSS ≤ 1.5×; at 10^5 whole ≤ 2.5×),
//   5. print where the render's whole process goes, wall and CPU per phase (start-up, definition,
//      engine, load, period, analyses, presentation cells, document, html, csv, xlsx, write, and
//      "other": the process's total less all of these).
// Writes bench/results.json (or BENCH_OUT) with the machine described and every run.
//
// Whole = wall time of the child process, from spawn to exit (start-up counts: the floor is a
// Node process too). Peak RSS = the child's kernel maxRSS (Node + DuckDB in-process).

import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { addMonths, floorTables, runFloor, type Columns, type FloorResult, type Format } from "./floor.js";
import { buildDist } from "../scripts/build.mjs";
import { distState } from "../scripts/dist-stamp.mjs";
import type { Timing } from "../src/runner/timing.js";
import { measureStartup, startupLine } from "./startup.js";

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = resolve(benchDir, "..");
const tmpDir = join(benchDir, "tmp");
const reportFile = join(rootDir, "reports", "monthly-churn.yaml");
const period = "2026-10";
const seed = 1;
const csvFiles = ["customers", "subscriptions", "transactions", "tickets", "churn_events", "usage"].map((t) => `${t}.csv`);

/** What bench/render-child.mjs reports. */
interface RenderMeasure {
  ok: boolean;
  error?: string;
  /** Process start → renderer loaded (Node, modules). */
  startup: { ms: number; cpuMs: number };
  /** renderFiles' phases (runner/timing.ts). */
  timings: Timing[];
  loads: { dataset: string; rows: number; ms: number }[];
  maxRssMB: number;
  /** CPU time of the process (user + system, all threads: Node and DuckDB), ms — less moved by other load than wall time. */
  cpuMs: number;
  dir?: string;
}

/** The render's phases in the table, each a group of renderFiles' timing phases. */
const phaseGroups: [name: string, phases: string[]][] = [
  ["start-up", []],
  ["definition", ["definition"]],
  ["engine", ["engine"]],
  ["load", ["load"]],
  ["period", ["period"]],
  ["analyses", ["analysis", "transform"]],
  ["cells", ["cell"]],
  ["document", ["document"]],
  ["html", ["html"]],
  ["csv", ["csv"]],
  ["xlsx", ["xlsx"]],
  ["write", ["write"]],
];
type Phases = Record<string, { ms: number; cpuMs: number }>;

/** Wall and CPU per phase of one render; "other" is the process's total (wall from spawn to exit) less them all. */
function renderPhases(run: Run<RenderMeasure>): Phases {
  const out: Phases = {};
  for (const [name, phases] of phaseGroups) {
    const ts = run.m.timings.filter((t) => phases.includes(t.phase));
    out[name] = name === "start-up" ? run.m.startup : { ms: ts.reduce((s, t) => s + t.ms, 0), cpuMs: ts.reduce((s, t) => s + t.cpuMs, 0) };
  }
  const sum = (k: "ms" | "cpuMs") => Object.values(out).reduce((s, p) => s + p[k], 0);
  out.other = { ms: run.wallMs - sum("ms"), cpuMs: run.m.cpuMs - sum("cpuMs") };
  return out;
}
const phaseMs = (m: RenderMeasure, ...phases: string[]) => m.timings.filter((t) => phases.includes(t.phase)).reduce((s, t) => s + t.ms, 0);

type FloorMeasure = Omit<FloorResult, "results"> & { maxRssMB: number; cpuMs: number };

interface Run<T> {
  /** Wall time of the child process, spawn to exit. */
  wallMs: number;
  /** os.loadavg() (1, 5, 15 min) just before the child started. */
  load: number[];
  m: T;
}

interface Target {
  what: string;
  ratio: number | null;
  limit: number;
  pass: boolean;
}

interface CaseResult {
  customers: number;
  format: Format;
  rows: number;
  generation: { ms: number | null; cached: boolean };
  floor: Run<FloorMeasure>[];
  render: Run<RenderMeasure>[];
  median: { renderWall: number; floorWall: number; renderCpu: number; floorCpu: number; load: number; read: number; analyses: number; reductions: number; html: number; renderRss: number; floorRss: number };
  /** The render's phases, the median of each. */
  phases: Phases;
  ratios: { whole: number; cpu: number; load: number; analyses: number; rss: number };
  loadAvg: { min: number; max: number };
  check: { compared: number; mismatches: string[] } | null;
  targets: Target[];
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const mb = (bytes: number) => Math.round(bytes / 1048576);
const cpuMs = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1000;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

// ── children: one measurement each ───────────────────────────────────────────────────────

/** The report reading the Parquet copies: the flagship with .parquet dataset paths. */
function reportFor(format: Format): string {
  if (format === "csv") return reportFile;
  const file = join(tmpDir, "monthly-churn-parquet.yaml");
  const text = readFileSync(reportFile, "utf8").replace(/^# yaml-language-server.*\n/, "");
  const changed = text.replace(/(\{\{client\}\}\/[a-z_]+)\.csv"/g, '$1.parquet"');
  if (changed === text) throw new Error("reports/monthly-churn.yaml: no dataset path ending in .csv to point at the Parquet copies");
  writeFileSync(file, changed);
  return file;
}

async function measureFloor(customers: number, format: Format, outFile: string): Promise<void> {
  const f = await runFloor(join(tmpDir, `company-${customers}`), period, format);
  // The comparison needs who is scored and how many first spells the Cox input holds, not the features.
  const results = { ...f.results, training: {}, scoring: { customer_id: f.results.scoring?.customer_id ?? [] }, cox: { n: f.results.cox?.n ?? [] } };
  writeFileSync(outFile, JSON.stringify({ ...f, results, maxRssMB: mb(process.resourceUsage().maxRSS * 1024), cpuMs: cpuMs() }, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
}

/**
 * Runs the render (bench/render-child.mjs, plain Node on dist/) or the floor (this script as
 * `--child floor <customers> <format> <out.json>`), timing the whole process.
 */
function measureInChild<T>(kind: "render" | "floor", customers: number, format: Format): Run<T> {
  const outFile = join(tmpDir, `${kind}-${customers}-${format}.json`);
  rmSync(outFile, { force: true });
  const args =
    kind === "render"
      ? [join(benchDir, "render-child.mjs"), reportFor(format), tmpDir, `company-${customers}`, period, join(tmpDir, "out"), outFile]
      : [...process.execArgv, fileURLToPath(import.meta.url), "--child", kind, String(customers), format, outFile];
  const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  const wallMs = performance.now() - t0;
  if (run.status !== 0 || !existsSync(outFile)) throw new Error(`the ${kind} measurement of ${customers} customers (${format}) failed (exit ${run.status ?? run.signal})`);
  process.stderr.write(`  ${kind} ${customers} ${format}: ${(wallMs / 1000).toFixed(2)} s (load ${load[0]})\n`);
  return { wallMs, load, m: JSON.parse(readFileSync(outFile, "utf8")) as T };
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

/** Columns → row objects, keyed by `key(row)`. */
function byKey(cols: Columns | undefined, key: (r: Record<string, unknown>) => string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!cols) return out;
  const names = Object.keys(cols);
  const n = cols[names[0]!]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const r = Object.fromEntries(names.map((c) => [c, cols[c]![i]]));
    out.set(key(r), r);
  }
  return out;
}

const countKeys = ["customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end", "mrr_start", "mrr_end"];

function compare(dir: string, floor: FloorResult["results"]): { compared: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let compared = 0;
  const table = (name: string) => {
    const file = join(dir, "tables", `${name}.csv`);
    if (existsSync(file)) return parseCsv(readFileSync(file, "utf8"));
    mismatches.push(`tables/${name}.csv missing`);
    return [];
  };
  const same = (what: string, report: unknown, mine: unknown) => {
    compared++;
    const a = Number(report === "" ? 0 : report), b = Number(mine ?? 0);
    if (!(Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= Math.max(0.005, 1e-9 * Math.abs(b)))) mismatches.push(`${what}: report ${String(report)} vs floor ${String(mine)}`);
  };
  const sameCount = (what: string, report: number, mine: number) => {
    compared++;
    if (report !== mine) mismatches.push(`${what}: ${report} in the report, ${mine} in the floor`);
  };
  const months = byKey(floor.periods, (r) => String(r.period));
  const month = (start: string, k: number) => addMonths(start, k).slice(0, 7);

  // The summary (P, P-1, P-12) and the trend (12 months, each with its previous month and year).
  for (const r of table("summary")) {
    if (!countKeys.includes(r.metric!)) continue;
    same(`summary.${r.metric}`, r.value, months.get(period)?.[r.metric!]);
    same(`summary.${r.metric}.previous`, r.previous, months.get(month(`${period}-01`, -1))?.[r.metric!]);
    same(`summary.${r.metric}.last_year`, r.last_year, months.get(month(`${period}-01`, -12))?.[r.metric!]);
  }
  const trend = table("trend");
  sameCount("trend periods", trend.length, 12);
  for (const r of trend)
    for (const k of countKeys) {
      same(`trend.${r.period}.${k}`, r[k], months.get(r.period!)?.[k]);
      same(`trend.${r.period}.prev_${k}`, r[`prev_${k}`], months.get(month(`${r.period}-01`, -1))?.[k]);
      same(`trend.${r.period}.ly_${k}`, r[`ly_${k}`], months.get(month(`${r.period}-01`, -12))?.[k]);
    }
  // Leaky bucket and MRR bridge of P (outflows are negative in the report).
  for (const r of table("bucket")) same(`bucket.${r.step}`, Math.abs(Number(r.value)), months.get(period)?.[r.step!]);
  const moves = table("mrr");
  sameCount("mrr movements", moves.length, floor.movements?.customer_id?.length ?? 0);
  const mine = byKey(floor.movements, (r) => String(r.customer_id));
  for (const r of moves) {
    compared++;
    if (mine.get(r.customer_id!)?.movement !== r.movement) mismatches.push(`mrr.${r.customer_id}: ${r.movement} in the report, ${String(mine.get(r.customer_id!)?.movement)} in the floor`);
  }
  // Cohorts and early churn (lost within h months = customers − first spell still running at age h).
  const cells = byKey(floor.cohorts, (r) => `${r.cohort}/${r.age}`);
  const cohorts = table("cohorts");
  sameCount("cohort cells", cohorts.length, cells.size);
  for (const r of cohorts) for (const k of ["customers", "active", "mrr"]) same(`cohorts.${r.cohort}/${r.age}.${k}`, r[k], cells.get(`${r.cohort}/${r.age}`)?.[k]);
  for (const r of table("early")) {
    // A cohort too young for the horizon has no lost count.
    same(`early.${r.cohort}/${r.horizon}.customers`, r.customers, cells.get(`${r.cohort}/0`)?.customers);
    const c = cells.get(`${r.cohort}/${r.horizon}`);
    if (r.lost !== "") same(`early.${r.cohort}/${r.horizon}.lost`, r.lost, c ? Number(c.customers) - Number(c.survivors) : null);
  }
  // Reasons of P.
  const reasons = new Map<string, { events: number; lost_mrr: number }>();
  const rc = floor.reasons;
  for (let i = 0; i < (rc?.period?.length ?? 0); i++) {
    if (rc!.period![i] !== period) continue;
    const k = String(rc!.reason![i]), x = reasons.get(k) ?? { events: 0, lost_mrr: 0 };
    x.events += Number(rc!.events![i]);
    x.lost_mrr += Number(rc!.lost_mrr![i]);
    reasons.set(k, x);
  }
  const rr = table("reasons");
  sameCount("reasons", rr.length, reasons.size);
  for (const r of rr) {
    same(`reasons.${r.reason}.events`, r.events, reasons.get(r.reason!)?.events);
    same(`reasons.${r.reason}.lost_mrr`, r.lost_mrr, reasons.get(r.reason!)?.lost_mrr);
  }
  // Churned value: 6 months of tiers, and P's most valuable churned customers in order.
  const lost = byKey(floor.lost, (r) => String(r.period));
  for (const r of table("lost.trend")) for (const k of ["base_customers", "churned_customers", "lost_mrr", "high_value_churned"]) same(`lost.${r.period}.${k}`, r[k], lost.get(r.period!)?.[k]);
  const top = table("lost.lost_customers");
  for (const [i, r] of top.entries()) {
    compared++;
    if (floor.lost_customers?.customer_id?.[i] !== r.customer_id) mismatches.push(`lost customer #${i + 1}: ${r.customer_id} in the report, ${String(floor.lost_customers?.customer_id?.[i])} in the floor`);
  }
  // Survival by plan (customers and events per group) and the Cox input (same spells).
  const groups = new Map<string, { customers: number; events: number }>();
  const sv = floor.survival;
  for (let i = 0; i < (sv?.grp?.length ?? 0); i++) {
    const g = groups.get(String(sv!.grp![i])) ?? { customers: 0, events: 0 };
    g.customers += Number(sv!.events![i]) + Number(sv!.censored![i]);
    g.events += Number(sv!.events![i]);
    groups.set(String(sv!.grp![i]), g);
  }
  for (const r of table("survival.groups")) for (const k of ["customers", "events"] as const) same(`survival.${r.group}.${k}`, r[k], groups.get(r.group!)?.[k]);
  const coxN = (floor.cox?.n ?? []).reduce((s: number, x) => s + Number(x), 0);
  sameCount("cox input rows (first spells)", coxN, [...groups.values()].reduce((s, g) => s + g.customers, 0));
  // Churn-drivers' history: customers at start and churned per month and plan.
  const hist = byKey(floor.churn_by_plan, (r) => `${r.period}/${r.segment}`);
  for (const r of table("why.history")) for (const k of ["customers_start", "churned"]) same(`why.${r.period}/${r.segment}.${k}`, r[k], hist.get(`${r.period}/${r.segment}`)?.[k]);
  // The risk list scores every customer active at the period's end.
  sameCount("risk list (customers scored)", table("risk").length, floor.scoring?.customer_id?.length ?? 0);
  return { compared, mismatches };
}

// ── parent: generate, measure, report ────────────────────────────────────────────────────

async function ensureCompany(customers: number): Promise<CaseResult["generation"]> {
  const dir = join(tmpDir, `company-${customers}`);
  const record = join(dir, ".generated.json");
  let generation: CaseResult["generation"];
  if (csvFiles.every((f) => existsSync(join(dir, f)))) {
    let ms: number | null = null;
    try {
      ms = (JSON.parse(readFileSync(record, "utf8")) as { ms: number }).ms;
    } catch {
      // generated outside the bench: time unknown
    }
    generation = { ms, cached: true };
  } else {
    const { generateToDir, defaultSampleStart, defaultSampleEnd } = await import("../src/sample/write.js");
    process.stderr.write(`generating ${customers} customers into ${dir} …\n`);
    const t0 = performance.now();
    generateToDir({ seed, customers, start: defaultSampleStart, end: defaultSampleEnd }, dir);
    const ms = performance.now() - t0;
    writeFileSync(record, JSON.stringify({ ms: Math.round(ms), seed, customers, date: new Date().toISOString() }) + "\n");
    generation = { ms, cached: false };
  }
  return generation;
}

/** Parquet copies of the report's CSVs, typed as read_csv_auto reads them. */
async function ensureParquet(customers: number): Promise<void> {
  const dir = join(tmpDir, `company-${customers}`);
  if (floorTables.every((t) => existsSync(join(dir, `${t}.parquet`)))) return;
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  const connection = await instance.connect();
  process.stderr.write(`writing Parquet copies in ${dir} …\n`);
  for (const t of floorTables) {
    const tmp = join(dir, `.${t}.parquet.tmp`);
    await connection.run(`COPY (SELECT * FROM read_csv_auto(${sqlString(join(dir, `${t}.csv`))})) TO ${sqlString(tmp)} (FORMAT parquet)`);
    renameSync(tmp, join(dir, `${t}.parquet`));
  }
  connection.closeSync();
  instance.closeSync();
}

async function machine() {
  const require = createRequire(import.meta.url);
  const nodeApi = (require("@duckdb/node-api/package.json") as { version: string }).version;
  let library = "unknown";
  try {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const c = await (await DuckDBInstance.create(":memory:")).connect();
    library = String((await c.runAndReadAll("SELECT version() AS v")).getRowsJS()[0]?.[0]);
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
  };
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const x1 = (r: number) => `${r.toFixed(1)}×`;

/** Issue 14's targets: at 10^6 whole ≤ 2×, load ≤ 1.5×, peak RSS ≤ 1.5×; at 10^5 whole ≤ 2.5× (start-up weighs more). Smaller sizes: none. */
function targetsFor(customers: number, ratios: CaseResult["ratios"]): Target[] {
  const t = (what: string, ratio: number, limit: number): Target => ({ what, ratio, limit, pass: ratio <= limit });
  if (customers >= 1_000_000) return [t("whole", ratios.whole, 2), t("load", ratios.load, 1.5), t("peak RSS", ratios.rss, 1.5)];
  if (customers >= 100_000) return [t("whole", ratios.whole, 2.5), t("load", ratios.load, 1.5), t("peak RSS", ratios.rss, 1.5)];
  return [];
}

function printTable(results: CaseResult[]): void {
  const head = ["customers", "format", "rows", "render s", "floor s", "whole ×", "CPU s", "floor CPU s", "CPU ×", "load s", "read s", "load ×", "analyses s", "reductions s", "analyses ×", "html s", "RSS MB", "floor MB", "RSS ×", "load avg", "check", "targets"];
  const body = results.map((r) => [
    r.customers.toLocaleString("en-US"),
    r.format,
    r.rows.toLocaleString("en-US"),
    sec(r.median.renderWall),
    sec(r.median.floorWall),
    x1(r.ratios.whole),
    sec(r.median.renderCpu),
    sec(r.median.floorCpu),
    x1(r.ratios.cpu),
    sec(r.median.load),
    sec(r.median.read),
    x1(r.ratios.load),
    sec(r.median.analyses),
    sec(r.median.reductions),
    x1(r.ratios.analyses),
    sec(r.median.html),
    String(r.median.renderRss),
    String(r.median.floorRss),
    x1(r.ratios.rss),
    `${r.loadAvg.min.toFixed(1)}–${r.loadAvg.max.toFixed(1)}`,
    r.check ? (r.check.mismatches.length ? `${r.check.mismatches.length} differ` : `ok (${r.check.compared})`) : "—",
    r.targets.length ? r.targets.map((t) => `${t.what} ${t.pass ? "PASS" : "MISS"}`).join(", ") : "—",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 || i >= 20 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}

/** Where each render's whole process goes: one row per phase, wall and CPU seconds per case. */
function printPhases(results: CaseResult[]): void {
  const names = Object.keys(results[0]?.phases ?? {});
  const head = ["phase", ...results.map((r) => `${r.customers.toLocaleString("en-US")} ${r.format}: wall s / CPU s (CPU %)`)];
  const total = (r: CaseResult) => Object.values(r.phases).reduce((s, p) => s + p.cpuMs, 0);
  const body = [...names, "total"].map((n) => [
    n,
    ...results.map((r) => {
      const p = n === "total" ? { ms: r.median.renderWall, cpuMs: total(r) } : r.phases[n]!;
      return `${sec(p.ms)} / ${sec(p.cpuMs)} (${Math.round((100 * p.cpuMs) / total(r))} %)`;
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const list = (v: string | undefined, dflt: string) => (v ?? dflt).split(",").map((s) => s.trim()).filter(Boolean);
  const sizes = list(process.env.BENCH_SIZES, "10000,100000").map((s) => Number(s.replaceAll("_", ""))).filter((n) => Number.isInteger(n) && n > 0);
  const formats = list(process.env.BENCH_FORMATS, "csv,parquet") as Format[];
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  if (!sizes.length) throw new Error(`BENCH_SIZES: no valid size in "${process.env.BENCH_SIZES}"`);
  if (formats.some((f) => f !== "csv" && f !== "parquet")) throw new Error(`BENCH_FORMATS: csv and/or parquet, not "${process.env.BENCH_FORMATS}"`);
  if (!(Number.isInteger(repeats) && repeats > 0)) throw new Error(`BENCH_REPEATS: a positive whole number, not "${process.env.BENCH_REPEATS}"`);
  mkdirSync(tmpDir, { recursive: true });
  // The render runs the compiled build, as the churnbook command does.
  if (distState() !== "fresh") await buildDist();
  const info = await machine();
  process.stderr.write("measuring the start-up of churnbook validate …\n");
  const startup = await measureStartup();
  const results: CaseResult[] = [];
  for (const customers of sizes) {
    const generation = await ensureCompany(customers);
    if (formats.includes("parquet")) await ensureParquet(customers);
    for (const format of formats) {
      process.stderr.write(`measuring ${customers} customers from ${format} (${repeats}× floor, render) …\n`);
      const floor: Run<FloorMeasure & { results?: FloorResult["results"] }>[] = [];
      const render: Run<RenderMeasure>[] = [];
      for (let i = 0; i < repeats; i++) {
        floor.push(measureInChild("floor", customers, format));
        render.push(measureInChild("render", customers, format));
      }
      const failed = render.find((r) => !r.m.ok);
      if (failed) throw new Error(`the render of ${customers} customers (${format}) failed: ${failed.m.error}`);
      const lastRender = render.at(-1)!.m, lastFloor = floor.at(-1)!.m;
      const check = lastRender.dir && lastFloor.results ? compare(lastRender.dir, lastFloor.results) : null;
      for (const f of floor) delete f.m.results;
      const med = {
        renderWall: median(render.map((r) => r.wallMs)),
        floorWall: median(floor.map((r) => r.wallMs)),
        renderCpu: median(render.map((r) => r.m.cpuMs)),
        floorCpu: median(floor.map((r) => r.m.cpuMs)),
        load: median(render.map((r) => phaseMs(r.m, "load"))),
        read: median(floor.map((r) => r.m.readMs)),
        analyses: median(render.map((r) => phaseMs(r.m, "analysis", "transform"))),
        reductions: median(floor.map((r) => r.m.reductionsMs)),
        html: median(render.map((r) => phaseMs(r.m, "html"))),
        renderRss: median(render.map((r) => r.m.maxRssMB)),
        floorRss: median(floor.map((r) => r.m.maxRssMB)),
      };
      const each = render.map(renderPhases);
      const phases = Object.fromEntries(Object.keys(each[0]!).map((k) => [k, { ms: median(each.map((p) => p[k]!.ms)), cpuMs: median(each.map((p) => p[k]!.cpuMs)) }]));
      const ratios = { whole: med.renderWall / med.floorWall, cpu: med.renderCpu / med.floorCpu, load: med.load / med.read, analyses: med.analyses / med.reductions, rss: med.renderRss / med.floorRss };
      const loads = [...floor, ...render].map((r) => r.load[0]!);
      results.push({
        customers,
        format,
        rows: Object.values(lastFloor.readByTable).reduce((s, t) => s + t.rows, 0),
        generation,
        floor,
        render,
        median: med,
        phases,
        ratios,
        loadAvg: { min: Math.min(...loads), max: Math.max(...loads) },
        check,
        targets: targetsFor(customers, ratios),
      });
    }
  }

  console.log(
    `\nchurnbook bench — reports/monthly-churn.yaml, period ${period}, HTML; median of ${repeats}, floor and render interleaved, each a fresh process; ` +
      `${info.cpus}× ${info.cpu}, ${info.memoryGB} GB, ${info.os}, Node ${info.node}, DuckDB ${info.duckdb.library} (node-api ${info.duckdb.nodeApi}, 2 threads)\n`,
  );
  printTable(results);
  console.log(`\n${startupLine(startup)}`);
  console.log(
    "\nrows: rows of the five datasets the report loads · render/floor s: wall time of the whole process (start-up included) · CPU s: its CPU time (user + system, Node and DuckDB threads; on a shared machine steadier than wall time) · load: churnbook's dataset loading; read: the floor's CREATE TABLE … read_csv_auto/read_parquet · " +
      "analyses: churnbook's analysis cells; reductions: the floor's hand-written SQL for every cell (bench/floor.ts) with results read into JavaScript · html: charts + HTML · RSS: kernel maxRSS of the process (Node + DuckDB) · " +
      "load avg: 1-minute load average before each measurement (2 cores) · check: the floor's numbers equal to the report's tables · targets (issue 14): 10^6 whole ≤ 2×, load ≤ 1.5×, RSS ≤ 1.5×; 10^5 whole ≤ 2.5×, load ≤ 1.5×, RSS ≤ 1.5×",
  );
  console.log("\nwhere the render's time goes (medians; CPU: the process's user + system time in the phase, every thread; other: the process's total less the phases — exit, untimed steps):\n");
  printPhases(results);
  for (const r of results) {
    const miss = r.targets.filter((t) => !t.pass);
    if (miss.length) console.log(`\n${r.customers} ${r.format}: MISS ${miss.map((t) => `${t.what} ${x1(t.ratio!)} > ${t.limit}×`).join(", ")}`);
    if (r.check?.mismatches.length) console.log(`\n${r.customers} ${r.format}: floor ≠ report:\n  ${r.check.mismatches.slice(0, 10).join("\n  ")}`);
    const slow = r.render.at(-1)!.m.timings.filter((t) => t.phase === "analysis").sort((a, b) => b.ms - a.ms).slice(0, 5).map((t) => ({ id: t.id ?? "?", ms: t.ms }));
    console.log(`\n${r.customers} ${r.format}: slowest cells (last run) ${slow.map((a) => `${a.id} ${sec(a.ms)} s`).join(", ")}; floor reductions (last run) ${Object.entries(r.floor.at(-1)!.m.reductions).map(([k, v]) => `${k} ${sec(v)}`).join(", ")}`);
  }

  const round = (v: unknown): unknown =>
    typeof v === "number" ? Math.round(v * 100) / 100 : Array.isArray(v) ? v.map(round) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v;
  const file = resolve(process.env.BENCH_OUT ?? join(benchDir, "results.json"));
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), machine: info, report: "reports/monthly-churn.yaml", period, formats: ["html"], seed, repeats, units: "times in ms, memory in MB; ratios churnbook ÷ floor", startup, cases: round(results) }, null, 2) + "\n",
  );
  console.log(`\nwrote ${file}`);
}

if (process.argv[2] === "--child") {
  const [, customers, format, outFile] = process.argv.slice(3);
  await measureFloor(Number(customers), format as Format, outFile!);
  process.exit(0);
} else {
  await main();
}
