import { sampleDataCommand, sampleDataParquetCommand } from "../../sample/write.js";
import type { Printer } from "../output.js";

export async function sampleDataCommandCli(args: { seed?: number; customers?: number; out?: string; start?: string; end?: string; language?: "en" | "zh"; format?: "csv" | "parquet" }, printer: Printer): Promise<number> {
  const options = { seed: args.seed ?? 1, customers: args.customers ?? 2000, out: args.out!, start: args.start, end: args.end, language: args.language };
  const summary = args.format === "parquet" ? await sampleDataParquetCommand(options) : sampleDataCommand(options);
  printer.info(`wrote ${summary.dir}`);
  for (const f of summary.files) printer.progress(`${f.name}: ${f.rows.toLocaleString("en-US")} rows`);
  return 0;
}
