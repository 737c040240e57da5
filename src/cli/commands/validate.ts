import { loadReport } from "../../runner/definitions.js";
import type { Printer } from "../output.js";

export async function validateCommand(args: { report?: string }, printer: Printer): Promise<number> {
  const report = await loadReport(args.report!);
  printer.info(`${args.report}: valid (${report.cells.length} cells, ${report.datasets.length} datasets)`);
  return 0;
}
