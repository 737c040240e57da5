// The fuzz harness (issue 9): builds a case from a seed, runs the CLI in-process through
// `main(argv)` with stdout/stderr captured, and checks the invariant:
//   exit 0, or a clean user error (exit 1 or 2) whose message names a location
//   (file:line:col, dataset/column/row, or a file path); never exit 70, never a stack trace
//   ("    at …") without --debug, never a partial output (render: the output folder holds the
//   complete previous or new report, no temp folders; analyze: exit 0 prints whole JSON).
// Shared by test/fuzz/fuzz.test.ts (bounded, CI) and scripts/fuzz.ts (`npm run fuzz`).

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { mutateData, mutateDefinition, Rng } from "./mutate.js";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// ── workspace ────────────────────────────────────────────────────────────────────────────────

/** Seed definitions, with where they sit relative to the data (their dataset paths are relative). */
export const definitionSeeds = [
  { name: "monthly-churn", from: "reports/monthly-churn.yaml", dir: "reports" },
  { name: "monthly-churn-en", from: "reports/monthly-churn-en.yaml", dir: "reports" },
  { name: "customer-value", from: "reports/customer-value.yaml", dir: "reports" },
  ...readdirSync(join(repoRoot, "test/input/definitions"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ""), from: `test/input/definitions/${f}`, dir: "test/input/definitions" })),
];

/** analyze targets: the role whose file is corrupted, the seed file, and the rest of the argv. */
export const dataTargets = [
  { analysis: "churn-summary", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: [] as string[] },
  { analysis: "churn-summary", role: "subscriptions", seed: "data/acme/subscriptions.csv", extra: ["--param", "convention=stripe", "--locale", "zh-CN", "--currency", "CNY"] },
  { analysis: "churn-trend", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: ["--param", "periods=6"] },
  { analysis: "cohort-retention", role: "subscriptions", seed: "data/acme/subscriptions.csv", extra: [] },
  { analysis: "mrr-movements", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: [] },
  { analysis: "rfm", role: "transactions", seed: "data/globex/transactions.csv", extra: [] },
  { analysis: "deciles", role: "transactions", seed: "data/acme/transactions.csv", extra: [] },
  { analysis: "cpm", role: "transactions", seed: "data/globex/transactions.csv", extra: [] },
  { analysis: "customer-value", role: "transactions", seed: "data/acme/transactions.csv", extra: ["--data", "customers=@data/acme/customers.csv"] },
  { analysis: "survival", role: "lifetimes", seed: "lifetimes/waltons.csv", extra: ["--map", "lifetimes.duration=T", "--map", "lifetimes.event=E"] },
  { analysis: "hazard", role: "lifetimes", seed: "lifetimes/waltons.csv", extra: ["--map", "lifetimes.duration=T", "--map", "lifetimes.event=E", "--format", "csv"] },
  { analysis: "cox", role: "lifetimes", seed: "lifetimes/rossi.csv", extra: ["--map", "lifetimes.duration=week", "--map", "lifetimes.event=arrest"] },
  { analysis: "churn-reasons", role: "churn_events", seed: "data/globex/churn_events.csv", extra: ["--data", "subscriptions=@data/globex/subscriptions.csv"] },
  { analysis: "churn-reasons", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: ["--data", "churn_events=@data/globex/churn_events.csv"] },
  { analysis: "segments", role: "customers", seed: "data/acme/customers.csv", extra: ["--data", "subscriptions=@data/acme/subscriptions.csv"] },
  { analysis: "early-churn", role: "subscriptions", seed: "data/acme/subscriptions.csv", extra: [] },
  { analysis: "leaky-bucket", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: [] },
  { analysis: "cohort-projection", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: [] },
  { analysis: "clv", role: "transactions", seed: "data/globex/transactions.csv", extra: [] },
  { analysis: "clv-contractual", role: "subscriptions", seed: "data/acme/subscriptions.csv", extra: [] },
  { analysis: "churned-value", role: "subscriptions", seed: "data/globex/subscriptions.csv", extra: ["--data", "transactions=@data/globex/transactions.csv"] },
  { analysis: "cohort-revenue", role: "transactions", seed: "data/acme/transactions.csv", extra: ["--data", "subscriptions=@data/acme/subscriptions.csv"] },
  { analysis: "customer-card", role: "tickets", seed: "data/globex/tickets.csv", extra: ["--data", "subscriptions=@data/globex/subscriptions.csv", "--data", "customers=@data/globex/customers.csv", "--param", "customer_id=C00002"] },
];

/** Flags added to some analyze runs: periods out of the data, odd churn bases, wrong formats. */
const flagNoise: ((role: string) => string[])[] = [
  () => ["--period", "1990-01"],
  () => ["--period", "2030-01"],
  () => ["--period", "2026-Q3"],
  () => ["--period", "2026"],
  () => ["--period", "2024-01"],
  () => ["--period", "2026-12"],
  () => ["--churn", "inactivity:1"],
  () => ["--churn", "subscriptions:400"],
  () => ["--returns", "exclude"],
  () => ["--date-format", "%d/%m/%Y"],
  () => ["--date-format", "%Y%m%d"],
  (role) => ["--encoding", `${role}=gb18030`],
  (role) => ["--encoding", `${role}=latin1`],
  (role) => ["--encoding", `${role}=shift_jis`],
  () => ["--locale", "zh-CN", "--currency", "CNY"],
];

/** Param values at the edges, by param name (only names the analysis has are used). */
const paramNoise: Record<string, string[]> = {
  periods: ["0", "1", "500", "-1"],
  cohorts: ["0", "1", "200"],
  bins: ["1", "2", "20"],
  top: ["0", "1", "100000"],
  folds: ["1", "2", "50"],
  horizons: ["0", "999", "1,1,1", "-1", ""],
  conf_level: ["0", "1", "0.999999"],
  top_share: ["0", "1", "0.0001"],
  bottom_share: ["0", "1"],
  target_share: ["0", "1", "0.01"],
  lapse_days: ["0", "1", "100000"],
  as_of: ["1900-01-01", "2999-12-31", "2026-02-30"],
  previous_as_of: ["2999-12-31", "1900-01-01"],
  by: ["plan", "customer_id", "nope", "region,plan", "group"],
  covariates: ["fin", "nope", "age,age", "fin,age,race,wexp,mar,paro,prio"],
  grain: ["year", "quarter", "month"],
  cohort_grain: ["quarter", "year"],
  unit: ["day", "month", "week"],
  discount_rate: ["0", "-0.5", "10"],
  reason_map: ["price=price", "x=y=z", ",,,", "a=nope"],
  horizon_days: ["1", "3650"],
  max_lifetime_months: ["0", "1"],
  convention: ["rolling30", "stripe"],
  period: ["1990-01", "2026-Q4", "2026"],
};

/**
 * The fuzz workspace: small sample companies under <root>/data/{acme,globex} (same file names
 * as the shipped data, so the shipped definitions' relative paths resolve, but ~10× fewer
 * customers so a render takes seconds), and lifetimes files. Each worker process gets its own
 * folder <root>/w<k> (definitions, cases, outputs) with links to the shared data.
 */
export async function prepareWorkspace(root: string): Promise<void> {
  mkdirSync(root, { recursive: true });
  for (const [client, language, seed] of [["acme", "zh", 7], ["globex", "en", 11]] as const) {
    const dir = join(root, "data", client);
    if (existsSync(join(dir, "usage.csv"))) continue;
    const r = await runCli(["sample-data", "--seed", String(seed), "--customers", "150", "--language", language, "--out", dir, "--quiet"]);
    if (r.code !== 0) throw new Error(`fuzz workspace: sample-data failed: ${r.stderr}`);
  }
  mkdirSync(join(root, "lifetimes"), { recursive: true });
  copyFileSync(join(repoRoot, "test/fixtures/reference/lifelines/waltons_dataset.csv"), join(root, "lifetimes/waltons.csv"));
  copyFileSync(join(repoRoot, "test/fixtures/reference/lifelines/rossi.csv"), join(root, "lifetimes/rossi.csv"));
}

/** A worker's folder <root>/w<k>: definitions at the shipped depths, cases, outputs; emptied. */
export function prepareWorkerDir(root: string, k: number): string {
  const dir = join(root, `w${k}`);
  rmSync(dir, { recursive: true, force: true });
  for (const d of ["reports", "test/input/definitions", "cases", "out"]) mkdirSync(join(dir, d), { recursive: true });
  symlinkSync(join(root, "data"), join(dir, "data"));
  symlinkSync(join(root, "lifetimes"), join(dir, "lifetimes"));
  return dir;
}

// ── running the CLI in-process ───────────────────────────────────────────────────────────────

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** An exception or rejection that escaped main() (thrown, uncaught, unhandled). */
  uncaught?: string;
  timedOut?: boolean;
}

let busy = false;

/** Runs `churnbook <argv>` in this process, capturing what it writes. One at a time. */
export async function runCli(argv: string[], timeoutMs = 120_000): Promise<CliRun> {
  if (busy) throw new Error("runCli: one case at a time (stdout/stderr are intercepted)");
  busy = true;
  const out: string[] = [], err: string[] = [];
  const origOut = process.stdout.write, origErr = process.stderr.write;
  const capture = (sink: string[]) =>
    function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (cb) queueMicrotask(cb);
      return true;
    };
  let uncaught: string | undefined;
  const onUncaught = (e: unknown) => {
    uncaught ??= e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
  };
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let code = -1, timedOut = false;
  try {
    code = await Promise.race([
      main(argv),
      new Promise<number>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve(-1);
        }, timeoutMs);
      }),
    ]);
    // let stray rejections of this case surface while we still listen
    await new Promise((r) => setTimeout(r, 0));
  } catch (e) {
    onUncaught(e);
  } finally {
    clearTimeout(timer);
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
    busy = false;
  }
  return { code, stdout: out.join(""), stderr: err.join(""), ms: performance.now() - started, uncaught, timedOut };
}

// ── cases ────────────────────────────────────────────────────────────────────────────────────

export type CaseKind = "def" | "data";

export interface FuzzCase {
  kind: CaseKind;
  seed: number;
  /** what was done to which seed file */
  label: string;
  /** the input file written for this case (absolute) */
  input: string;
  inputBytes: Buffer;
  /** one or two CLI runs: validate then (sometimes) render; or analyze */
  runs: { argv: string[]; render?: { out: string } }[];
}

export interface CaseOptions {
  /** share of definition cases that are also rendered (--format html); default 0.3 */
  renderRate?: number;
  /** the params of each analysis (from the registry), for edge values in analyze runs */
  paramNames?: Record<string, string[]>;
}

/** The registry's param names per analysis (for CaseOptions.paramNames). */
export async function analysisParamNames(): Promise<Record<string, string[]>> {
  const { registry } = await import("../../src/analysis/registry.js");
  return Object.fromEntries([...registry.values()].map((a) => [a.id, Object.keys(a.params.properties)]));
}

/** Builds a case from its seed alone (deterministic), writing its input file into the workspace. */
export function buildCase(root: string, kind: CaseKind, seed: number, options: CaseOptions = {}): FuzzCase {
  const rng = new Rng(seed * 2654435761 + (kind === "def" ? 1 : 2));
  if (kind === "def") {
    // the valid seeds (shipped reports, minimal.yaml) most of the time: the *-invalid fixtures fail validation before anything runs
    const valid = definitionSeeds.filter((d) => !d.name.endsWith("-invalid"));
    const s = rng.chance(0.7) ? rng.pick(valid) : rng.pick(definitionSeeds);
    const m = mutateDefinition(readFileSync(join(repoRoot, s.from), "utf8"), rng);
    // the definition keeps its name and folder depth, so `../data` resolves to the workspace data
    const input = join(root, s.dir, `${s.name}.yaml`);
    const bytes = m.kind === "text" ? Buffer.from(m.text, "utf8") : m.bytes;
    writeFileSync(input, bytes);
    const runs: FuzzCase["runs"] = [{ argv: ["validate", input] }];
    // semantic mutations (valid YAML asking odd things) are rendered more often: their bugs show at run time
    const semantic = m.ops.some((o) => ["insertCell", "cellParamEdge", "moveCell", "handlebars", "hugeNumber"].includes(o));
    if (rng.chance(Math.min(1, (options.renderRate ?? 0.3) * (semantic ? 4 : 1)))) {
      const out = join(root, "out", s.name);
      const argv = ["render", input, "--format", "html", "--out", out];
      if (rng.chance(0.3)) argv.push("--period", rng.pick(["1990-01", "2030-01", "2026-Q3", "2026", "2024-01", "2026-09", "2025-10"]));
      if (rng.chance(0.3)) argv.push("--keep-going");
      runs.push({ argv, render: { out } });
    }
    return { kind, seed, label: `${s.from} ← ${m.ops.join("+")}`, input, inputBytes: bytes, runs };
  }
  const t = rng.pick(dataTargets);
  const m = mutateData(readFileSync(join(root, t.seed), "utf8"), rng);
  const input = join(root, "cases", `data-${seed}-${t.role}.csv`);
  writeFileSync(input, m.bytes);
  const extra = t.extra.map((a) => (a.includes("=@") ? a.replace(/=@(.*)$/, (_, p: string) => `=${join(root, p)}`) : a));
  if (rng.chance(0.35)) extra.push(...rng.pick(flagNoise)(t.role));
  if (rng.chance(0.35)) {
    const names = (options.paramNames?.[t.analysis] ?? []).filter((n) => paramNoise[n] && !extra.some((e) => e.startsWith(`${n}=`)));
    if (names.length) {
      const n = rng.pick(names);
      extra.push("--param", `${n}=${rng.pick(paramNoise[n]!)}`);
    }
  }
  return { kind, seed, label: `${t.analysis} ${t.role}=${t.seed} ← ${m.ops.join("+")}`, input, inputBytes: m.bytes, runs: [{ argv: ["analyze", t.analysis, "--data", `${t.role}=${input}`, ...extra] }] };
}

// ── the invariant ────────────────────────────────────────────────────────────────────────────

export type FailureClass = "crash" | "stack" | "unlocated" | "partial" | "hang" | "bad-exit";

export interface RunOutcome {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  failures: { cls: FailureClass; detail: string }[];
}

export interface CaseResult {
  c: FuzzCase;
  outcomes: RunOutcome[];
  failed: boolean;
}

const stackLine = /^[ \t]+at [^\n]{0,500}?(\(|:\d+:\d+)/m;

/** The error lines of a failed run: `error: <location>: <message> [code]`. */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("error: "));
}

/** Does the user error say where? file:line:col, dataset/column/row, or a file path. */
export function hasLocation(fullLine: string, inputs: string[]): boolean {
  const line = fullLine.slice(0, 2000); // values can be megabytes long; the location comes first
  if (/\.(ya?ml|csv|tsv|txt|json|parquet):\d+/.test(line)) return true; // file:line[:col]
  if (/\bdataset "[^"]*"|\bcolumn "[^"]*"|\brow \d+|\bin the [\w-]+ (\(or [\w-]+\) )?dataset\b|\bneeds an? "[\w-]+" dataset\b/.test(line)) return true; // dataset/column/row
  if (inputs.some((p) => line.includes(p) || line.includes(relative(process.cwd(), p)))) return true; // the file's path
  return /(^|[\s"'(])\.{0,2}\/[^\s"']{0,500}\.(ya?ml|csv|tsv|json|parquet)\b/.test(line);
}

/**
 * An error about a command-line flag is located by the flag: it names the flag (--period,
 * --churn …) or the `--param` it rejects, and that flag is on the command line.
 */
export function namesFlag(fullLine: string, argv: string[]): boolean {
  const line = fullLine.slice(0, 2000);
  const flags = argv.filter((a) => a.startsWith("--"));
  if (flags.some((f) => line.includes(f))) return true;
  const params = argv.flatMap((a, i) => (argv[i - 1] === "--param" ? [a] : []));
  for (const kv of params) {
    const [name, value = ""] = kv.split(/=(.*)/s);
    if (line.includes(`param "${name}"`) || line.includes(`parameter "${name}"`) || line.includes(`${name}=`) || (value.length >= 3 && line.includes(value))) return true;
  }
  const period = argv[argv.indexOf("--period") + 1];
  return argv.includes("--period") && !!period && line.includes(`period ${period}`);
}

type Snapshot = Map<string, string>;

function snapshot(dir: string): Snapshot {
  const map: Snapshot = new Map();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const st = statSync(p);
      if (st.isDirectory()) {
        map.set(p + "/", "dir");
        walk(p);
      } else map.set(p, `${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return map;
}

/** Report folders (those holding report.html or manifest.json) that are not complete. */
function incompleteReports(snap: Snapshot): string[] {
  const dirs = new Set([...snap.keys()].filter((p) => /\/(report\.html|manifest\.json)$/.test(p)).map((p) => dirname(p)));
  const bad: string[] = [];
  for (const d of dirs) {
    const html = join(d, "report.html"), manifest = join(d, "manifest.json");
    if (!existsSync(html) || !existsSync(manifest)) {
      bad.push(`${d}: ${existsSync(html) ? "manifest.json" : "report.html"} missing`);
      continue;
    }
    if (!/<\/html>\s*$/i.test(readFileSync(html, "utf8").slice(-200))) bad.push(`${html}: truncated (no </html>)`);
    try {
      JSON.parse(readFileSync(manifest, "utf8"));
    } catch {
      bad.push(`${manifest}: not valid JSON`);
    }
  }
  return bad;
}

function check(run: CliRun, argv: string[], inputs: string[], analyzeJson: boolean): RunOutcome["failures"] {
  const f: RunOutcome["failures"] = [];
  if (run.timedOut) f.push({ cls: "hang", detail: `no exit after ${Math.round(run.ms / 1000)} s` });
  if (run.uncaught) f.push({ cls: "crash", detail: `escaped main(): ${run.uncaught.split("\n")[0]}` });
  if (run.code === 70 || /^internal error:/m.test(run.stderr)) f.push({ cls: "crash", detail: (run.stderr.match(/^internal error:.*$/m)?.[0] ?? `exit ${run.code}`).slice(0, 300) });
  else if (!run.timedOut && ![0, 1, 2].includes(run.code)) f.push({ cls: "bad-exit", detail: `exit ${run.code}` });
  if (stackLine.test(run.stderr) || stackLine.test(run.stdout.slice(0, 200_000))) f.push({ cls: "stack", detail: ((run.stderr.match(stackLine) ?? run.stdout.match(stackLine))?.[0] ?? "").trim() });
  if (run.code === 1 || run.code === 2) {
    const lines = errorLines(run.stderr);
    if (!lines.length) f.push({ cls: "unlocated", detail: `exit ${run.code} without an "error:" line: ${run.stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 300)}` });
    else if (!lines.some((l) => hasLocation(l, inputs) || namesFlag(l, argv))) f.push({ cls: "unlocated", detail: lines[0]!.slice(0, 300) });
  }
  if (analyzeJson && run.code === 0) {
    try {
      JSON.parse(run.stdout);
    } catch {
      f.push({ cls: "partial", detail: `exit 0 but stdout is not whole JSON (${run.stdout.length} chars)` });
    }
  }
  if (analyzeJson && run.code !== 0 && run.stdout.trim()) f.push({ cls: "partial", detail: `exit ${run.code} but stdout has ${run.stdout.length} chars` });
  return f;
}

/** Runs a case's CLI invocations and checks the invariant on each. */
export async function runCase(c: FuzzCase, timeoutMs = 120_000): Promise<CaseResult> {
  const outcomes: RunOutcome[] = [];
  for (const r of c.runs) {
    const before = r.render ? snapshot(r.render.out) : undefined;
    const run = await runCli(r.argv, timeoutMs);
    const isAnalyze = r.argv[0] === "analyze";
    const failures = check(run, r.argv, [c.input, ...r.argv.filter((a) => a.startsWith("/"))], isAnalyze && !r.argv.includes("csv"));
    if (r.render && before && !run.timedOut) {
      const after = snapshot(r.render.out);
      const temps = [...after.keys()].filter((p) => /\/\.[^/]*\.(tmp|old)-[^/]*\/?$/.test(p));
      if (temps.length) failures.push({ cls: "partial", detail: `temp folder left behind: ${temps[0]}` });
      const incomplete = incompleteReports(after);
      if (incomplete.length) failures.push({ cls: "partial", detail: incomplete[0]! });
      if (run.code !== 0) {
        const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k) && !temps.includes(k));
        if (changed.length) failures.push({ cls: "partial", detail: `exit ${run.code} but the output folder changed: ${changed[0]}` });
      } else {
        const wrote = run.stderr.match(/^wrote (\S+) in /m)?.[1];
        if (!wrote) failures.push({ cls: "partial", detail: "exit 0 without a 'wrote <dir>' line" });
        else if (!existsSync(join(wrote, "report.html"))) failures.push({ cls: "partial", detail: `exit 0 but ${wrote}/report.html is missing` });
      }
    }
    outcomes.push({ argv: r.argv, code: run.code, stdout: run.stdout, stderr: run.stderr, ms: run.ms, failures });
    if (run.timedOut) break;
  }
  return { c, outcomes, failed: outcomes.some((o) => o.failures.length > 0) };
}

// ── reporting ────────────────────────────────────────────────────────────────────────────────

/** The shell command that reproduces one run (the workspace must exist; see reproHint). */
export function reproCommand(argv: string[]): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return `TZ=UTC node bin/churnbook.js ${argv.map(q).join(" ")}`;
}

export function reproHint(c: FuzzCase): string {
  return `npm run fuzz -- --only ${c.kind}:${c.seed}`;
}

export function describeFailure(r: CaseResult): string {
  const lines = [`${r.c.kind}:${r.c.seed}  ${r.c.label}`];
  for (const o of r.outcomes)
    for (const f of o.failures) lines.push(`  [${f.cls}] ${f.detail}`, `    exit ${o.code}; repro: ${reproCommand(o.argv)}`);
  lines.push(`  regenerate: ${reproHint(r.c)}`);
  return lines.join("\n");
}

/** Writes a failing case (input, argv, outputs) to <dir>/<kind>-<seed>/. */
export function saveFailure(dir: string, r: CaseResult): string {
  const d = join(dir, `${r.c.kind}-${r.c.seed}`);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  const name = r.c.input.split("/").pop()!;
  writeFileSync(join(d, name), r.c.inputBytes);
  const repro = r.outcomes.map((o) => reproCommand(o.argv)).join("\n");
  writeFileSync(join(d, "case.txt"), `${describeFailure(r)}\n\ninput: ${r.c.input} (copy: ./${name})\n\n${repro}\n`);
  r.outcomes.forEach((o, i) => {
    writeFileSync(join(d, `run${i}.stdout.txt`), o.stdout);
    writeFileSync(join(d, `run${i}.stderr.txt`), o.stderr);
  });
  return d;
}

export interface Tally {
  cases: number;
  runs: number;
  exit0: number;
  userErrors: number;
  crashes: number;
  stacks: number;
  unlocated: number;
  partial: number;
  hangs: number;
  badExit: number;
  failedCases: number;
}

export function newTally(): Tally {
  return { cases: 0, runs: 0, exit0: 0, userErrors: 0, crashes: 0, stacks: 0, unlocated: 0, partial: 0, hangs: 0, badExit: 0, failedCases: 0 };
}

export function addToTally(t: Tally, r: CaseResult): void {
  t.cases++;
  if (r.failed) t.failedCases++;
  for (const o of r.outcomes) {
    t.runs++;
    if (o.code === 0) t.exit0++;
    else if (o.code === 1 || o.code === 2) t.userErrors++;
    const has = (cls: FailureClass) => o.failures.some((f) => f.cls === cls);
    if (has("crash")) t.crashes++;
    if (has("stack")) t.stacks++;
    if (has("unlocated")) t.unlocated++;
    if (has("partial")) t.partial++;
    if (has("hang")) t.hangs++;
    if (has("bad-exit")) t.badExit++;
  }
}
