// `npm run bench:batch`: a batch of 20 small clients against one `render` process per client.
//
// 1. generates 20 sample companies (400 customers each, seeds 1–20) into bench/tmp/batch-clients/
//    unless they are there, and a clients file for them;
// 2. renders bench/client-review.yaml for 2026-10 to HTML + PDF for every client
//    a. with `churnbook batch` (one process, one browser) at --concurrency 1, --force;
//    b. with one `churnbook render` process per client, one after the other;
//    c. batch at --concurrency 1 again (the machine is shared: a and c bracket b), then at 2;
// 3. reports wall time, time per PDF after the first (batch: the time from the first finished
//    run to the last, over N − 1; processes: the mean of processes 2..N), and peak memory of
//    the whole process tree (Node + DuckDB + Chromium: the sum of VmRSS over the tree, sampled
//    every 100 ms from /proc) and the Node process's own maxRSS where known.
// Writes bench/batch-results.json. BENCH_CLIENTS changes the number of clients.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, "..");
const cli = join(root, "bin/churnbook.js");
const report = join(benchDir, "client-review.yaml");
const dataRoot = join(benchDir, "tmp/batch-clients");
const outRoot = join(benchDir, "tmp/batch-out");
const n = Number(process.env.BENCH_CLIENTS ?? 20);
const period = "2026-10";
const ids = Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(2, "0")}`);

/** Sum of VmRSS (bytes) over a process and its descendants. */
function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(d));
    } catch {
      // gone
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

interface Measured {
  ms: number;
  code: number | null;
  peakTreeMB: number;
  stderr: string;
  stdout: string;
  /** ms since start at which each JSON "run" event arrived. */
  runsAt: number[];
}

function measure(args: string[]): Promise<Measured> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, TZ: "UTC" } });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 100);
    let stderr = "";
    let stdout = "";
    const runsAt: number[] = [];
    child.stderr.on("data", (c: Buffer) => {
      const text = c.toString();
      stderr += text;
      for (const line of text.split("\n")) if (line.includes('"event":"run"')) runsAt.push(performance.now() - t0);
    });
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.on("close", (code) => {
      clearInterval(timer);
      done({ ms: performance.now() - t0, code, peakTreeMB: Math.round(peak / 1048576), stderr, stdout, runsAt });
    });
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  mkdirSync(dataRoot, { recursive: true });
  for (const [i, id] of ids.entries()) {
    if (existsSync(join(dataRoot, id, "subscriptions.csv"))) continue;
    const r = await measure(["sample-data", "--seed", String(i + 1), "--customers", "400", "--out", join(dataRoot, id)]);
    if (r.code !== 0) throw new Error(`sample-data failed: ${r.stderr}`);
  }
  const clientsFile = join(benchDir, "tmp/batch-clients.yaml");
  writeFileSync(clientsFile, "clients:\n" + ids.map((id) => `  - id: ${id}\n    name: Client ${id.slice(1)}\n    params: { client: ${id}, data_root: ${JSON.stringify(dataRoot)} }\n`).join(""));
  rmSync(outRoot, { recursive: true, force: true });

  const results: Record<string, unknown> = {};
  const batch = async (concurrency: number, name: string) => {
    const load = os.loadavg()[0]!;
    const r = await measure(["batch", report, "--clients", clientsFile, "--period", period, "--out", join(outRoot, name), "--force", "--json", "--concurrency", String(concurrency)]);
    if (r.code !== 0) throw new Error(`batch failed (${r.code}): ${r.stderr.slice(-2000)}`);
    const summary = JSON.parse(readFileSync(join(outRoot, name, "batch-summary.json"), "utf8")) as { runs: { status: string; ms: number; pages: number }[] };
    const ok = summary.runs.filter((x) => x.status === "ok").length;
    const first = r.runsAt[0]!;
    const afterFirst = (r.runsAt[r.runsAt.length - 1]! - first) / (n - 1);
    const launches = (JSON.parse(r.stderr.trim().split("\n").filter((l) => l.includes('"event":"summary"')).pop()!) as { browserLaunches: number }).browserLaunches;
    results[name] = { wallMs: Math.round(r.ms), ok, firstPdfMs: Math.round(first), perPdfAfterFirstMs: Math.round(afterFirst), meanRunMs: Math.round(mean(summary.runs.map((x) => x.ms))), peakTreeMB: r.peakTreeMB, browserLaunches: launches, pages: summary.runs[0]?.pages, loadAvgBefore: +load.toFixed(1), loadAvgAfter: +os.loadavg()[0]!.toFixed(1) };
    console.error(`${name} (--concurrency ${concurrency}): ${s(r.ms)} for ${n} (${ok} ok), first PDF ${s(first)}, then ${s(afterFirst)} per PDF; peak ${r.peakTreeMB} MB (process tree); load ${load.toFixed(1)}`);
    return afterFirst;
  };
  // Batch, processes, batch again (the machine is shared: bracketing evens out load drift).
  const c1a = await batch(1, "batch_concurrency_1");

  const perProcess: Measured[] = [];
  const loadBefore = os.loadavg()[0]!;
  for (const id of ids) {
    const r = await measure(["render", report, "--period", period, "--param", `client=${id}`, "--param", `client_name=Client ${id.slice(1)}`, "--param", `data_root=${dataRoot}`, "--out", join(outRoot, "render"), "--quiet"]);
    if (r.code !== 0) throw new Error(`render ${id} failed (${r.code}): ${r.stderr.slice(-2000)}`);
    perProcess.push(r);
  }
  const total = perProcess.reduce((a, r) => a + r.ms, 0);
  const after = mean(perProcess.slice(1).map((r) => r.ms));
  const sorted = perProcess.map((r) => r.ms).sort((a, b) => a - b);
  results.render_per_process = { wallMs: Math.round(total), firstPdfMs: Math.round(perProcess[0]!.ms), perPdfAfterFirstMs: Math.round(after), medianMs: Math.round(sorted[Math.floor(n / 2)]!), minMs: Math.round(sorted[0]!), peakTreeMB: Math.max(...perProcess.map((r) => r.peakTreeMB)), browserLaunches: n, loadAvgBefore: +loadBefore.toFixed(1), loadAvgAfter: +os.loadavg()[0]!.toFixed(1) };
  console.error(`render × ${n} processes: ${s(total)}, first ${s(perProcess[0]!.ms)}, then ${s(after)} per PDF (median ${s(sorted[Math.floor(n / 2)]!)}, fastest ${s(sorted[0]!)}); peak ${Math.max(...perProcess.map((r) => r.peakTreeMB))} MB per process tree; load ${loadBefore.toFixed(1)}`);

  const c1b = await batch(1, "batch_concurrency_1_again");
  const c2 = await batch(2, "batch_concurrency_2");
  const c1 = (c1a + c1b) / 2;
  const b2 = results.batch_concurrency_2 as { perPdfAfterFirstMs: number; wallMs: number };
  const speedup = { concurrency_1: +(after / c1).toFixed(2), concurrency_1_vs_fastest_process: +(sorted[0]! / c1).toFixed(2), concurrency_2: +(after / c2).toFixed(2), wall_concurrency_2: +(total / b2.wallMs).toFixed(2) };
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version },
    clients: n,
    customersPerClient: 400,
    report: "bench/client-review.yaml (3 KPIs, trend + leaky-bucket charts, reasons table; 4 analyses)",
    period,
    ...results,
    speedupPerPdfAfterFirst: speedup,
  };
  writeFileSync(join(benchDir, "batch-results.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(JSON.stringify(out, null, 2));
  console.error(`time per PDF after the first: batch ${s(c1)} (concurrency 1, mean of two), ${s(c2)} (concurrency 2) vs ${s(after)} per render process: ${speedup.concurrency_1}× / ${speedup.concurrency_2}× (${speedup.concurrency_1_vs_fastest_process}× against the fastest process)`);
}

await main();
