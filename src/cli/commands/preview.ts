import { keyValues } from "../flags.js";
import type { Printer } from "../output.js";

export async function previewCommand(args: { report?: string; period?: string; param?: string[]; port?: number }, printer: Printer): Promise<number> {
  const overrides = keyValues(args.param, "param");
  if (args.period) overrides.period = args.period;
  const { startPreview } = await import("../../runner/preview.js");
  const preview = await startPreview(args.report!, { overrides, port: args.port });
  printer.info(`previewing ${args.report} at ${preview.url} (127.0.0.1 only; reload the page after editing; Ctrl-C to stop)`);
  await new Promise<void>((done) => {
    process.once("SIGINT", () => void preview.close().then(done));
    process.once("SIGTERM", () => void preview.close().then(done));
  });
  return 0;
}
