import { spawn } from "node:child_process";
import { keyValues } from "../flags.js";
import type { Printer } from "../output.js";

export async function previewCommand(args: { report?: string; period?: string; param?: string[]; port?: number; open?: boolean; cache?: boolean; json?: boolean; debug?: boolean }, printer: Printer): Promise<number> {
  const overrides = keyValues(args.param, "param");
  if (args.period) overrides.period = args.period;
  const { startPreview } = await import("../../runner/preview.js");
  const { openCache } = await import("../../runner/cache.js");
  const preview = await startPreview(args.report!, {
    overrides,
    port: args.port,
    debug: args.debug,
    cache: args.cache === false ? null : openCache(),
    // --json: one line per event; cell lines are exactly {"event":"cell","id":…,"ms":…,"cached":…}.
    onEvent: (e) => {
      if (args.json) process.stderr.write(JSON.stringify(e) + "\n");
      else if (e.event === "run") printer.info(`ran in ${e.ms} ms: ${e.ran} cell${e.ran === 1 ? "" : "s"} re-run, ${e.cached} from cache${e.error ? ` · error: ${e.error}` : ""}`);
    },
  });
  printer.info(`previewing ${args.report} at ${preview.url} (127.0.0.1 only; updates on save; Ctrl-C to stop)`);
  if (args.json) process.stderr.write(JSON.stringify({ event: "listening", url: preview.url }) + "\n");
  if (args.open) openBrowser(preview.url, printer);
  await new Promise<void>((done) => {
    process.once("SIGINT", () => void preview.close().then(done));
    process.once("SIGTERM", () => void preview.close().then(done));
  });
  return 0;
}

/** The desktop's browser (xdg-open, open, start); a machine without one only gets a warning. */
function openBrowser(url: string, printer: Printer): void {
  const [cmd, ...rest] = process.platform === "darwin" ? ["open"] : process.platform === "win32" ? ["cmd", "/c", "start", ""] : ["xdg-open"];
  try {
    const child = spawn(cmd!, [...rest, url], { stdio: "ignore", detached: true });
    child.on("error", () => printer.warn(`could not open a browser (${cmd}): open ${url} yourself`));
    child.unref();
  } catch {
    printer.warn(`could not open a browser: open ${url} yourself`);
  }
}
