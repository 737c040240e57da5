// Writes a sample company as CSV files (RFC 4180: header row, comma separated, fields quoted
// when they contain a comma, quote or line break, `\n` line endings, empty for missing values,
// ISO dates, numbers with at most 2 decimals). Each file is written to a temporary file in the
// target directory and renamed into place only when every file is complete.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createEngine, quoteIdent, quoteLiteral } from "../data/engine.js";
import { ChurnbookError } from "../util/errors.js";
import type { SampleLanguage } from "./catalog.js";
import {
  generateInto,
  sampleTableNames,
  type ChurnEventRow,
  type CustomerRow,
  type SampleCompany,
  type SampleMeta,
  type SampleSink,
  type SampleTableName,
  type SubscriptionRow,
  type TicketRow,
  type TransactionRow,
  type UsageRow,
} from "./generate.js";

export interface WriteSummary {
  dir: string;
  files: { name: string; rows: number }[];
}

type Cell = string | number | null | undefined;

const needsQuote = /[",\r\n]/;

export function csvField(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "";
    const r = Math.round(v * 100) / 100;
    return String(r === 0 ? 0 : r);
  }
  return needsQuote.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const sampleColumns = {
  customers: ["customer_id", "name", "signup_date", "region", "industry", "plan", "channel", "company_size"],
  subscriptions: ["subscription_id", "customer_id", "start_date", "end_date", "mrr", "plan", "cancel_date"],
  transactions: ["transaction_id", "customer_id", "date", "amount", "cost", "quantity"],
  tickets: ["ticket_id", "customer_id", "date", "category", "satisfaction", "resolved_date"],
  churn_events: ["customer_id", "date", "reason", "type", "subtype"],
  usage: ["customer_id", "date", "count"],
} as const satisfies Record<SampleTableName, readonly string[]>;

/** Column types of the Parquet files: the types the rows are generated with (money with at
 * most 2 decimals as DOUBLE, as the CSV writer rounds it; counts as INTEGER). */
export const sampleParquetTypes = {
  customers: { customer_id: "VARCHAR", name: "VARCHAR", signup_date: "DATE", region: "VARCHAR", industry: "VARCHAR", plan: "VARCHAR", channel: "VARCHAR", company_size: "VARCHAR" },
  subscriptions: { subscription_id: "VARCHAR", customer_id: "VARCHAR", start_date: "DATE", end_date: "DATE", mrr: "DOUBLE", plan: "VARCHAR", cancel_date: "DATE" },
  transactions: { transaction_id: "VARCHAR", customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE", cost: "DOUBLE", quantity: "INTEGER" },
  tickets: { ticket_id: "VARCHAR", customer_id: "VARCHAR", date: "DATE", category: "VARCHAR", satisfaction: "INTEGER", resolved_date: "DATE" },
  churn_events: { customer_id: "VARCHAR", date: "DATE", reason: "VARCHAR", type: "VARCHAR", subtype: "VARCHAR" },
  usage: { customer_id: "VARCHAR", date: "DATE", count: "INTEGER" },
} as const satisfies { [T in SampleTableName]: Record<(typeof sampleColumns)[T][number], string> };

function line(row: object, columns: readonly string[]): string {
  const r = row as Record<string, Cell>;
  let s = "";
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) s += ",";
    s += csvField(r[columns[i]!]);
  }
  return s + "\n";
}

/** A CSV file written through a buffer into a temporary file; `commit` renames it into place. */
class CsvFile {
  readonly path: string;
  readonly tmp: string;
  rows = 0;
  private fd: number;
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(
    dir: string,
    readonly name: string,
    readonly columns: readonly string[],
  ) {
    this.path = join(dir, name);
    this.tmp = join(dir, `.${name}.${process.pid}.tmp`);
    this.fd = openSync(this.tmp, "w");
    this.push(columns.map(csvField).join(",") + "\n");
  }

  add(row: object): void {
    this.rows++;
    this.push(line(row, this.columns));
  }

  private push(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.used + s.length * 3 > this.buffer.length) {
      this.flush();
      if (s.length * 3 > this.buffer.length) {
        writeSync(this.fd, s);
        return;
      }
    }
    this.used += this.buffer.write(s, this.used, "utf8");
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buffer, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  commit(): void {
    this.close();
    renameSync(this.tmp, this.path);
  }

  abandon(): void {
    try {
      if (this.fd >= 0) closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }
}

function withFiles<T>(dir: string, body: (files: Record<SampleTableName, CsvFile>) => T): { result: T; summary: WriteSummary } {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ChurnbookError("sample-write", `cannot create the output directory ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const opened: CsvFile[] = [];
  try {
    const files = {} as Record<SampleTableName, CsvFile>;
    for (const t of sampleTableNames) {
      const f = new CsvFile(dir, `${t}.csv`, sampleColumns[t]);
      opened.push(f);
      files[t] = f;
    }
    const result = body(files);
    for (const f of opened) f.close();
    for (const f of opened) f.commit();
    return { result, summary: { dir, files: opened.map((f) => ({ name: f.name, rows: f.rows })) } };
  } catch (e) {
    for (const f of opened) f.abandon();
    if (e instanceof ChurnbookError) throw e;
    throw new ChurnbookError("sample-write", `cannot write sample data to ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

/** Writes customers.csv, subscriptions.csv, transactions.csv, tickets.csv, churn_events.csv and usage.csv to dir. */
export function writeCompany(company: SampleCompany, dir: string): WriteSummary {
  return withFiles(dir, (files) => {
    for (const t of sampleTableNames) {
      const f = files[t];
      for (const row of company[t]) f.add(row);
    }
  }).summary;
}

/** Generates a company and streams it straight to CSV files (no in-memory tables). */
export function generateToDir(options: Parameters<typeof generateInto>[0], dir: string): WriteSummary & { meta: SampleMeta } {
  const { result, summary } = withFiles(dir, (files) => {
    const sink: SampleSink = {
      customer: (r: CustomerRow) => files.customers.add(r),
      subscription: (r: SubscriptionRow) => files.subscriptions.add(r),
      transaction: (r: TransactionRow) => files.transactions.add(r),
      ticket: (r: TicketRow) => files.tickets.add(r),
      churnEvent: (r: ChurnEventRow) => files.churn_events.add(r),
      usage: (r: UsageRow) => files.usage.add(r),
    };
    return generateInto(options, sink);
  });
  return { ...summary, meta: result };
}

/**
 * Generates a company as Parquet files (customers.parquet …, typed by sampleParquetTypes) in
 * bounded memory, for sizes whose rows do not fit in JavaScript (10⁷ customers ≈ 10⁸ events):
 * the rows stream to CSV files in a staging folder inside `dir` (the same bytes as
 * generateToDir, so a seed gives the same rows in both formats), then DuckDB copies each file to
 * Parquet in a streaming COPY, and the staging folder is removed. Needs disk for the CSVs
 * meanwhile (≈ 1.3 GB per 10⁶ customers).
 */
export async function generateParquetToDir(options: Parameters<typeof generateInto>[0], dir: string): Promise<WriteSummary & { meta: SampleMeta }> {
  const staging = join(dir, `.csv-${process.pid}`);
  try {
    const csv = generateToDir(options, staging);
    const files = await sampleCsvToParquet(staging, dir);
    return { dir, files: files.map((f) => ({ name: f, rows: csv.files.find((c) => c.name === f.replace(".parquet", ".csv"))!.rows })), meta: csv.meta };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Copies a sample company's CSV files in `from` (as written by generateToDir) to Parquet files
 * in `to`, typed by sampleParquetTypes, each through a temporary file; returns their names. */
export async function sampleCsvToParquet(from: string, to: string): Promise<string[]> {
  const engine = await createEngine();
  const files: string[] = [];
  try {
    mkdirSync(to, { recursive: true });
    for (const t of sampleTableNames) {
      const name = `${t}.parquet`;
      const tmp = join(to, `.${name}.${process.pid}.tmp`);
      const types = Object.entries(sampleParquetTypes[t]).map(([c, type]) => `${quoteLiteral(c)}: ${quoteLiteral(type)}`);
      const select = sampleColumns[t].map(quoteIdent).join(", ");
      await engine.query(
        `COPY (SELECT ${select} FROM read_csv(${quoteLiteral(join(from, `${t}.csv`))}, header = true, columns = {${types.join(", ")}}, quote = '"', escape = '"')) TO ${quoteLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      renameSync(tmp, join(to, name));
      files.push(name);
    }
    return files;
  } catch (e) {
    for (const t of sampleTableNames) rmSync(join(to, `.${t}.parquet.${process.pid}.tmp`), { force: true });
    if (e instanceof ChurnbookError) throw e;
    throw new ChurnbookError("sample-write", `cannot write Parquet files to ${to}: ${(e as Error).message}`, { cause: e });
  } finally {
    engine.close();
  }
}

export const defaultSampleStart = "2024-01-01";
export const defaultSampleEnd = "2026-11-01";

type SampleDataArgs = {
  seed: number;
  customers: number;
  out: string;
  start?: string;
  end?: string;
  /** Language of the attribute values and company names (default "en"). */
  language?: SampleLanguage;
};

function sampleOptions(args: SampleDataArgs): Parameters<typeof generateInto>[0] {
  return { seed: args.seed, customers: args.customers, start: args.start ?? defaultSampleStart, end: args.end ?? defaultSampleEnd, language: args.language };
}

/** The `churnbook sample-data` command: generate a company and write its CSV files to `out`. */
export function sampleDataCommand(args: SampleDataArgs): WriteSummary {
  const { files, dir } = generateToDir(sampleOptions(args), args.out);
  return { dir, files };
}

/** `churnbook sample-data --format parquet`: the same company as Parquet files in `out`. */
export async function sampleDataParquetCommand(args: SampleDataArgs): Promise<WriteSummary> {
  const { files, dir } = await generateParquetToDir(sampleOptions(args), args.out);
  return { dir, files };
}
