import { resolve } from "node:path";
import { keyValues } from "../flags.js";
import type { Printer } from "../output.js";
import { ChurnbookError } from "../../util/errors.js";

/** `{"event":"cell","id":…,"ms":…,"cached":true|false}` on stderr. */
export function cellEvent(e: { id: string; ms: number; cached: boolean }): void {
  process.stderr.write(JSON.stringify({ event: "cell", id: e.id, ms: Math.round(e.ms), cached: e.cached }) + "\n");
}

export async function renderCommand(args: { report?: string; period?: string; param?: string[]; format?: string; out?: string; keepGoing?: boolean; pdfName?: string; cache?: boolean; json?: boolean }, printer: Printer): Promise<number> {
  const overrides = keyValues(args.param, "param");
  if (args.period) overrides.period = args.period;
  const formats = (args.format ?? "html,pdf").split(",").map((f) => f.trim()).filter(Boolean);
  for (const f of formats) if (f !== "html" && f !== "pdf") throw new ChurnbookError("bad-flag", `unknown format "${f}"`, { hint: "use html, pdf or html,pdf", exitCode: 2 });
  const { openCache } = await import("../../runner/cache.js");
  const cache = args.cache === false ? undefined : openCache();
  const started = performance.now();
  printer.info(`rendering ${args.report}`);
  // An unchanged render (same definition bytes, data bytes, flags, day and churnbook) is served
  // whole from the cache without loading the analyses, DuckDB, the charts or the browser.
  const now = new Date();
  const request = { reportFile: args.report!, overrides, flags: { formats, out: resolve(args.out ?? "out"), pdfName: args.pdfName ?? "both", keepGoing: Boolean(args.keepGoing) }, now };
  const { servedRender, storeRender } = await import("../../runner/render-cache.js");
  const served = cache ? await servedRender(cache, request) : null;
  if (served) {
    const { keptOutputs, writeAtomically } = await import("../../runner/outputs.js");
    await writeAtomically(served.dir, served.files, { keep: keptOutputs(formats) });
    for (const id of served.cells) {
      if (args.json) cellEvent({ id, ms: 0, cached: true });
      else printer.progress(`cached ${id}`);
    }
    for (const w of served.warnings) printer.warn(w);
    printer.info(`wrote ${served.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s (nothing changed: served from the cache)`);
    for (const f of Object.keys(served.files).sort()) if (!f.startsWith("tables/")) printer.progress(`${served.dir}/${f}`);
    return 0;
  }
  const { renderFiles } = await import("../../runner/render-files.js");
  const result = await renderFiles(args.report!, {
    overrides,
    formats: formats as ("html" | "pdf")[],
    out: args.out,
    keepGoing: args.keepGoing,
    cache,
    now,
    pdfNames: args.pdfName === "named" || args.pdfName === "report" ? args.pdfName : "both",
    onProgress: (e) => {
      if (e.phase === "load") printer.progress(`loaded ${e.dataset}: ${e.rows.toLocaleString("en-US")} rows (${Math.round(e.ms)} ms)`, e);
      else if (e.phase === "cell") {
        // One machine-readable line per cell (the preview prints the same): what re-ran.
        if (args.json) cellEvent(e);
        else printer.progress(`${e.error ? "failed" : e.cached ? "cached" : "ran"} ${e.id} (${Math.round(e.ms)} ms)${e.error ? `: ${e.error}` : ""}`, e);
      }
      else printer.progress(`${e.phase.toUpperCase()} ready (${Math.round(e.ms)} ms)`, e);
    },
  });
  if (cache) {
    await storeRender(cache, request, { dir: result.dir, files: result.files, warnings: result.warnings, inputs: result.run.datasets.map((d) => d.file), cells: result.run.cells.map((c) => c.id) }).catch(() => {
      // a cache that cannot be written only costs the next run its speed
    });
  }
  for (const w of result.warnings) printer.warn(w);
  printer.info(`wrote ${result.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const tables = result.files.filter((f) => f.includes("/tables/"));
  for (const f of result.files) if (!tables.includes(f)) printer.progress(f);
  printer.progress(`tables/: ${tables.length} CSV files`);
  return 0;
}
