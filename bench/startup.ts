// Start-up of the CLI (issue 14: `churnbook validate` of the flagship under 0.4 s): runs
// `node bin/churnbook.js validate reports/monthly-churn.yaml` as a user does (the compiled dist/,
// rebuilt first when stale), BENCH_STARTUP_RUNS times (default 10) after one warm-up, and reports
// the median and best wall time and the CPU time of each process (user + system, read by the
// child itself at exit: on a shared machine steadier than wall time) with the load average.
// `npm run bench:startup`; `npm run bench` prints the same line first. bench/startup-results.json.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildDist } from "../scripts/build.mjs";
import { distState } from "../scripts/dist-stamp.mjs";

const root = resolve(import.meta.dirname, "..");
const report = "reports/monthly-churn.yaml";
/** The target of issue 14, seconds of wall time on a quiet machine. */
export const startupTarget = 0.4;

export interface StartupResult {
  runs: number;
  wallMs: { median: number; min: number; max: number };
  cpuMs: { median: number; min: number; max: number };
  loadAvg: { before: number; after: number };
  target: number;
  met: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const stats = (xs: number[]) => ({ median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)) });

export async function measureStartup(runs = Number(process.env.BENCH_STARTUP_RUNS ?? 10)): Promise<StartupResult> {
  if (!(Number.isInteger(runs) && runs > 0)) throw new Error(`BENCH_STARTUP_RUNS: a positive whole number, not "${process.env.BENCH_STARTUP_RUNS}"`);
  if (distState(root) !== "fresh") await buildDist();
  const dir = mkdtempSync(join(os.tmpdir(), "churnbook-startup-"));
  // Loaded into the child with --import: writes the process's own CPU time when it exits.
  const probe = join(dir, "probe.mjs");
  writeFileSync(probe, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { const u = process.resourceUsage(); writeFileSync(process.env.CHURNBOOK_STARTUP_PROBE, String((u.userCPUTime + u.systemCPUTime) / 1000)); });\n`);
  const once = () => {
    const out = join(dir, "cpu");
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ["--import", pathToFileURL(probe).href, "bin/churnbook.js", "validate", report], { cwd: root, env: { ...process.env, CHURNBOOK_STARTUP_PROBE: out }, encoding: "utf8" });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`churnbook validate ${report} failed (exit ${r.status}): ${r.stderr}`);
    return { wall, cpu: Number(readFileSync(out, "utf8")) };
  };
  try {
    const before = os.loadavg()[0]!;
    once(); // warm-up: the file cache, not start-up
    const measured = Array.from({ length: runs }, once);
    const wallMs = stats(measured.map((m) => m.wall));
    return { runs, wallMs, cpuMs: stats(measured.map((m) => m.cpu)), loadAvg: { before, after: os.loadavg()[0]! }, target: startupTarget, met: wallMs.median <= startupTarget * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function startupLine(r: StartupResult): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  return (
    `start-up: churnbook validate ${report} — wall median ${s(r.wallMs.median)} s (best ${s(r.wallMs.min)}, worst ${s(r.wallMs.max)}), ` +
    `CPU median ${s(r.cpuMs.median)} s (best ${s(r.cpuMs.min)}), ${r.runs} runs, load average ${r.loadAvg.before.toFixed(1)}→${r.loadAvg.after.toFixed(1)} on ${os.cpus().length} cores; ` +
    `target ${r.target} s wall: ${r.met ? "met" : `missed by ${s(r.wallMs.median - r.target * 1000)} s`}`
  );
}

if (import.meta.filename === process.argv[1]) {
  const r = await measureStartup();
  console.log(startupLine(r));
  const file = resolve(process.env.BENCH_STARTUP_OUT ?? join(root, "bench", "startup-results.json"));
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model.trim(), cpus: os.cpus().length, report, ...r }, null, 2) + "\n");
  console.log(`wrote ${file}`);
}
