// CPU time of single analysis cells of the flagship report, for profiling one analysis at a time
// (`npm run bench` times the whole render; this times a cell). Usage:
//   BENCH_DIR=bench/tmp/company-100000 BENCH_CELLS=risk,drivers,why nice -n 19 npx tsx bench/cells.ts
// Loads the report's datasets, then runs only the named analysis cells (in the report's order)
// and prints, per cell, its wall time and its CPU time (user + system of the whole process: Node
// and DuckDB's threads) — on a shared machine the CPU time is the steadier of the two. Add
// `node --cpu-prof` (NODE_OPTIONS=--cpu-prof) to attribute it.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadReport } from "../src/runner/definitions.js";
import { runReport } from "../src/runner/run.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = resolve(process.env.BENCH_DIR ?? "bench/tmp/company-100000");
const wanted = (process.env.BENCH_CELLS ?? "risk,drivers,why").split(",").map((s) => s.trim()).filter(Boolean);

const report = await loadReport(resolve(root, "reports", "monthly-churn.yaml"));
const unknown = wanted.filter((id) => !report.cells.some((c) => c.kind === "analysis" && c.id === id));
if (unknown.length) throw new Error(`no analysis cell ${unknown.join(", ")} in reports/monthly-churn.yaml`);
report.cells = report.cells.filter((c) => c.kind === "analysis" && wanted.includes(c.id));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let last = { cpu: cpu(), wall: performance.now() };
const rows: { what: string; wallS: string; cpuS: string }[] = [];
await runReport(report, {
  overrides: { data_root: dirname(dir), client: dir.slice(dirname(dir).length + 1), period: process.env.BENCH_PERIOD ?? "2026-10" },
  onProgress: (e) => {
    const now = { cpu: cpu(), wall: performance.now() };
    const what = e.phase === "load" ? `load ${e.dataset}` : `cell ${e.id}`;
    rows.push({ what, wallS: ((now.wall - last.wall) / 1000).toFixed(2), cpuS: ((now.cpu - last.cpu) / 1000).toFixed(2) });
    last = now;
  },
});
console.log(`${dir} (load average ${process.env.BENCH_LOAD ?? "see uptime"})`);
for (const r of rows) console.log(`${r.what.padEnd(28)} wall ${r.wallS.padStart(7)} s   cpu ${r.cpuS.padStart(7)} s`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
