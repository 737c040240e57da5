// Notebook and cache benchmark on the demo (reports/monthly-churn.yaml, data/acme):
//   1. `churnbook render` (HTML + PDF) in a fresh process: cold (empty cell cache) and again
//      with nothing changed (served from the cache), each BENCH_REPEATS times;
//   2. the preview in headless Chromium: time from saving a one-cell edit (the trend cell's
//      `periods`) to the page showing the re-run cell, without a reload.
// `npm run bench:notebook`; results in bench/notebook-results.json. The cache key includes a
// fingerprint of churnbook's own sources: run it on a tree nobody is editing.

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser } from "../src/print/browser.js";
import { openCache } from "../src/runner/cache.js";
import { startPreview } from "../src/runner/preview.js";
import type { NotebookEvent } from "../src/runner/notebook/session.js";

const root = join(import.meta.dirname, "..");
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const work = mkdtempSync(join(tmpdir(), "churnbook-bench-notebook-"));
mkdirSync(join(work, "reports"));
cpSync(join(root, "data"), join(work, "data"), { recursive: true });
const file = join(work, "reports/monthly-churn.yaml");
cpSync(join(root, "reports/monthly-churn.yaml"), file);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function render(cacheDir: string, extra: string[] = []): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, "bin/churnbook.js"), "render", file, "--period", "2026-10", "--out", join(work, "out"), "--quiet", ...extra], { encoding: "utf8", env: { ...process.env, TZ: "UTC", CHURNBOOK_CACHE_DIR: cacheDir } });
  if (r.status !== 0) throw new Error(`render failed: ${r.stderr}`);
  return performance.now() - t0;
}

const cold: number[] = [];
const cached: number[] = [];
for (let i = 0; i < repeats; i++) {
  const cacheDir = join(work, `cache-${i}`);
  cold.push(render(cacheDir));
  cached.push(render(cacheDir));
  rmSync(cacheDir, { recursive: true, force: true });
  console.log(`render ${i + 1}/${repeats}: cold ${(cold[i]! / 1000).toFixed(1)} s, cached ${(cached[i]! / 1000).toFixed(2)} s`);
}

// The preview: a one-cell edit until the page shows it.
const events: NotebookEvent[] = [];
const preview = await startPreview(file, { port: 0, overrides: { period: "2026-10" }, cache: openCache(join(work, "preview-cache")), onEvent: (e) => events.push(e), log: () => {} });
const browser = await launchBrowser();
const edits: { ms: number; runMs: number; ran: string[] }[] = [];
try {
  const page = await browser.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(preview.url, { waitUntil: "load", timeout: 300_000 });
  let periods = 12;
  for (let i = 0; i < Math.max(3, repeats); i++) {
    const hash = await page.$eval("#nb-cell-trend", (el) => el.getAttribute("data-hash"));
    const mark = events.length;
    const next = periods - 1;
    const text = readFileSync(file, "utf8");
    const t0 = performance.now();
    writeFileSync(file, text.replace(`params: { periods: ${periods} }`, `params: { periods: ${next} }`));
    await page.waitForFunction((h) => document.querySelector("#nb-cell-trend")?.getAttribute("data-hash") !== h, { timeout: 60_000, polling: "raf" }, hash);
    const ms = performance.now() - t0;
    const run = events.slice(mark).find((e) => e.event === "run") as Extract<NotebookEvent, { event: "run" }> | undefined;
    const ran = events.slice(mark).flatMap((e) => (e.event === "cell" && !e.cached ? [e.id] : []));
    edits.push({ ms, runMs: run?.ms ?? NaN, ran });
    console.log(`edit ${i + 1}: visible in ${Math.round(ms)} ms (run ${run?.ms} ms; re-ran ${ran.join(", ")})`);
    periods = next;
  }
} finally {
  await browser.close();
  await preview.close();
}

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  report: "reports/monthly-churn.yaml --period 2026-10 (html + pdf)",
  render: { coldMs: cold.map(Math.round), cachedMs: cached.map(Math.round), medianColdMs: Math.round(median(cold)), medianCachedMs: Math.round(median(cached)), speedup: Number((median(cold) / median(cached)).toFixed(1)) },
  preview: { oneCellEditVisibleMs: edits.map((e) => Math.round(e.ms)), medianMs: Math.round(median(edits.map((e) => e.ms))), runMs: edits.map((e) => e.runMs), reran: edits[0]?.ran },
};
writeFileSync(join(root, "bench/notebook-results.json"), JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));
rmSync(work, { recursive: true, force: true });
