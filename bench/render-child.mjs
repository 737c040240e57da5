// The render that `npm run bench` measures (bench/run.ts spawns it), run as the churnbook command
// runs: plain Node on the compiled build in dist/. Under tsx's loader the same render paid 2–3 s
// more CPU at start-up (the modules through esbuild's hooks), which the command never pays.
// Usage: node bench/render-child.mjs <report.yaml> <data root> <client> <period> <out dir> <result.json>
// Writes { ok, error?, startup: { ms, cpuMs }, timings, loads, cpuMs, maxRssMB, dir } to result.json.

import { writeFileSync } from "node:fs";

const cpuMs = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1000;
};
const [reportFile, dataRoot, client, period, out, resultFile] = process.argv.slice(2);
const { renderFiles } = await import("../dist/runner/render-files.js");
// Start-up: from the process's start (performance's time origin) to a loaded renderer.
const startup = { ms: performance.now(), cpuMs: cpuMs() };
const loads = [];
let result;
try {
  const r = await renderFiles(reportFile, {
    overrides: { data_root: dataRoot, client, period },
    formats: ["html"],
    out,
    onProgress: (e) => {
      if (e.phase === "load") loads.push({ dataset: e.dataset, rows: e.rows, ms: e.ms });
    },
  });
  result = { ok: true, startup, timings: r.timings, loads, dir: r.dir };
} catch (e) {
  result = { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), startup, timings: [], loads };
}
writeFileSync(resultFile, JSON.stringify({ ...result, cpuMs: cpuMs(), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
