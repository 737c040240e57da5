// Engine tables (analysis/types.ts EngineTable): a table an analysis leaves in the engine is
// streamed, right after the analysis ran and while the engine still holds the data, into a spool
// file — one JSON line of column names, then one JSON array of plain values per row — and the
// outputs (tables/*.csv, tables.xlsx) are written from that file in batches. The file outlives
// the engine (closed at the end of the run) and serves a cached result: it lives in the cache
// folder under the analysis's cache key (content-addressed, so it is never stale), or, without a
// cache folder, in a temporary folder of this process that goes when the process exits. A cached
// result whose spool file is gone is not used: the analysis runs again.

import { createReadStream, createWriteStream, rmSync } from "node:fs";
import { access, mkdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Engine } from "../data/engine.js";
import type { AnalysisResult, Row } from "../analysis/types.js";
import type { CellCache } from "./cache.js";
import { batchRows, type StreamedTable } from "./table-rows.js";

let processDir: string | null = null;

/** Where the spool files go: the cache folder's, else this process's temporary one. */
function spoolDir(cache: CellCache): string {
  if (cache.dir) return join(cache.dir, "v1", "table");
  if (!processDir) {
    processDir = join(tmpdir(), `churnbook-tables-${process.pid}`);
    const dir = processDir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return processDir;
}

const spoolFile = (cache: CellCache, key: string, name: string) => join(spoolDir(cache), key.slice(0, 2), `${key}.${encodeURIComponent(name)}.jsonl`);

/**
 * Streams each engine table of the result from the engine into its spool file (written to a
 * temporary name and renamed: a failed run leaves no half file behind).
 */
export async function spoolEngineTables(engine: Engine, result: AnalysisResult, key: string, cache: CellCache): Promise<void> {
  for (const [name, table] of Object.entries(result.engineTables ?? {})) {
    const file = spoolFile(cache, key, name);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const columns = Object.keys(result.tables[name]?.[0] ?? {});
    let rows = 0;
    async function* lines() {
      let header = false;
      for await (const batch of engine.stream(table.sql, batchRows)) {
        if (!header) {
          yield JSON.stringify(batch.length ? Object.keys(batch[0]!) : columns) + "\n";
          header = true;
        }
        rows += batch.length;
        const keys = Object.keys(batch[0] ?? {});
        yield batch.map((r) => JSON.stringify(keys.map((k) => r[k] ?? null))).join("\n") + "\n";
      }
      if (!header) yield JSON.stringify(columns) + "\n";
    }
    try {
      await pipeline(Readable.from(lines()), createWriteStream(tmp));
      // The analysis counted the rows with another query: the two must agree, or the outputs would not be the table the report describes.
      if (rows !== table.rowCount) throw new Error(`engine table "${name}": its query gave ${rows} rows, its count ${table.rowCount}`);
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

/** The result's engine tables, read from their spool files; null when one is missing (run again). */
export async function spooledTables(result: AnalysisResult, key: string, cache: CellCache): Promise<Record<string, StreamedTable> | null> {
  const out: Record<string, StreamedTable> = {};
  for (const [name, table] of Object.entries(result.engineTables ?? {})) {
    const file = spoolFile(cache, key, name);
    if (!(await access(file).then(() => true, () => false))) return null;
    const columns = await firstLine(file);
    out[name] = { columns, rowCount: table.rowCount, batches: () => readSpool(file) };
  }
  return out;
}

async function firstLine(file: string): Promise<string[]> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const line of lines) return JSON.parse(line) as string[];
  } finally {
    lines.close();
  }
  return [];
}

async function* readSpool(file: string): AsyncIterable<Row[]> {
  const input = createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    let columns: string[] | null = null;
    let batch: Row[] = [];
    for await (const line of lines) {
      if (!columns) {
        columns = JSON.parse(line) as string[];
        continue;
      }
      const values = JSON.parse(line) as Row[string][];
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i]!;
      batch.push(row);
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    lines.close();
    input.destroy();
  }
}
