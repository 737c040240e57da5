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
  const { renderFiles } = await import("../../runner/render-files.js");
  const { openCache } = await import("../../runner/cache.js");
  const cache = args.cache === false ? undefined : openCache();
  const started = performance.now();
  printer.info(`rendering ${args.report}`);
  const result = await renderFiles(args.report!, {
    overrides,
    formats: formats as ("html" | "pdf")[],
    out: args.out,
    keepGoing: args.keepGoing,
    cache,
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
  for (const w of result.warnings) printer.warn(w);
  printer.info(`wrote ${result.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const tables = result.files.filter((f) => f.includes("/tables/"));
  for (const f of result.files) if (!tables.includes(f)) printer.progress(f);
  printer.progress(`tables/: ${tables.length} CSV files`);
  return 0;
}
