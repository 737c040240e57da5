// Text files before and after DuckDB reads them. Before: a declared encoding is decoded to a
// temporary UTF-8 copy (DuckDB reads only UTF-8); without one, the first megabyte is checked
// (empty, binary, not UTF-8). After a DuckDB CSV error (and only then, the happy path stays one
// read), a streaming scan of the file finds the first bad line with its true line number: bytes
// that are not UTF-8, a line with more fields than the header, a line too long to read.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { ChurnbookError } from "../util/errors.js";
import type { Encoding } from "./roles.js";

/** DuckDB's longest CSV line (max_line_size default, 2 MiB). */
export const maxLineBytes = 2_097_152;
const headBytes = 1 << 20;

export interface PreparedFile {
  /** The file DuckDB reads: the original, or a temporary UTF-8 copy. */
  path: string;
  /** The header line's fields (CSV only, as far as the first megabyte shows). */
  header: string[] | null;
  /** The delimiter used to count fields: declared, or guessed from the header line. */
  delimiter: string;
  cleanup(): Promise<void>;
}

interface Where {
  dataset: string;
  file: string;
  role: string;
}

const encodingHint = (w: Where) => `if the file comes from Excel or a Chinese system it is probably GB18030/GBK: add \`encoding: gb18030\` to the dataset in the report definition, or pass \`--encoding ${w.role}=gb18030\` to churnbook analyze`;

/** Makes a text file ready for DuckDB (see the file's comment). */
export async function prepareTextFile(w: Where, options: { csv: boolean; encoding?: Encoding; delimiter?: string }): Promise<PreparedFile> {
  const enc = options.encoding && options.encoding !== "utf-8" ? options.encoding : undefined;
  let path = w.file;
  let dir: string | null = null;
  if (enc) {
    dir = await mkdtemp(join(tmpdir(), "churnbook-decode-"));
    path = join(dir, "utf8.txt");
    try {
      await transcode(w.file, path, enc);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const cleanup = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const head = await readHead(path);
    const text = head.subarray(head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0);
    if (options.csv && !/[^\s]/.test(text.toString("latin1"))) {
      throw new ChurnbookError("empty-file", "the file is empty", { location: { dataset: w.dataset, file: w.file }, hint: "export the data again; a CSV file needs a header line and one line per row" });
    }
    if (!enc) {
      const bad = firstInvalidUtf8(head, head.length < headBytes);
      if (bad >= 0) throw notUtf8(w, lineAt(head, bad), options.encoding === "utf-8");
    }
    if (options.csv && head.subarray(0, 8192).includes(0)) {
      throw new ChurnbookError("not-a-table", "the file is not a CSV file: it holds binary data", { location: { dataset: w.dataset, file: w.file }, hint: "check the dataset's path; set format: parquet or json for those files" });
    }
    const delimiter = options.delimiter ?? guessDelimiter(text);
    const header = options.csv ? headerFields(text, delimiter) : null;
    return { path, header, delimiter, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

export function notUtf8(w: Where, line: number, declared: boolean): ChurnbookError {
  return new ChurnbookError("not-utf8", `the file is not UTF-8 text: line ${line} holds bytes that are not UTF-8${declared ? " (the dataset says encoding: utf-8)" : ""}`, {
    location: { dataset: w.dataset, file: w.file, line },
    hint: encodingHint(w),
  });
}

async function transcode(from: string, to: string, encoding: Encoding): Promise<void> {
  const decoder = new TextDecoder(encoding);
  const decode = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), "utf8"));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), "utf8"));
    },
  });
  await pipeline(createReadStream(from), decode, createWriteStream(to));
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(headBytes);
    const { bytesRead } = await fh.read(buf, 0, headBytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Offset of the first byte that is not valid UTF-8, or -1. A sequence cut by the end of the
 * buffer counts as invalid only when the buffer is the whole file. */
export function firstInvalidUtf8(b: Uint8Array, complete: boolean): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (i + n >= b.length) return complete ? i : -1;
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    const d = b[i + 1]!;
    if ((c === 0xe0 && d < 0xa0) || (c === 0xed && d > 0x9f) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

function lineAt(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) line++;
  return line;
}

const candidates = [",", ";", "\t", "|"];

/** The delimiter most frequent in the first line (outside quotes); "," when none is. */
export function guessDelimiter(head: Uint8Array): string {
  const counts = new Map(candidates.map((c) => [c, 0]));
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const ch = String.fromCharCode(head[i]!);
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const c of candidates) if (counts.get(c)! > counts.get(best)!) best = c;
  return best;
}

function headerFields(head: Uint8Array, delimiter: string): string[] {
  const fields: string[] = [];
  let cur: number[] = [];
  let quoted = false;
  const d = delimiter.charCodeAt(0);
  // Trim only blanks: a byte-order mark inside the header must stay visible to the loader.
  const push = () => fields.push(Buffer.from(cur).toString("utf8").replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "").replace(/^"|"$/g, ""));
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (c === 0x22) {
      if (quoted && head[i + 1] === 0x22) {
        cur.push(c);
        i++;
      } else quoted = !quoted;
    } else if (!quoted && (c === 0x0a || c === 0x0d)) break;
    else if (!quoted && c === d) {
      push();
      cur = [];
    } else cur.push(c);
  }
  push();
  return fields;
}

export type CsvProblem =
  | { kind: "not-utf8"; line: number }
  | { kind: "too-many-fields"; line: number; fields: number; expected: number }
  | { kind: "too-long"; line: number; bytes: number }
  | { kind: "unclosed-quote"; line: number };

/**
 * Scans a CSV file for the first line DuckDB cannot read. Quotes follow RFC 4180 (a field
 * that starts with " runs to the closing ", "" inside is a quote); line numbers count every
 * line of the file, the header being line 1.
 */
export async function diagnoseCsv(path: string, delimiter: string, expected: number | null): Promise<CsvProblem | null> {
  const d = delimiter.charCodeAt(0);
  let line = 1;
  let recordLine = 1;
  let recordBytes = 0;
  let fields = 1;
  let fieldStart = true;
  let quoted = false;
  let quoteSeen = false; // a " inside a quoted field: either the closing quote or the first of ""
  let nonEmpty = false;
  let header = expected;
  let utfNeed = 0;
  let tooLong: CsvProblem | null = null;
  const endRecord = (): CsvProblem | null => {
    if (header === null) header = fields;
    else if (nonEmpty && fields > header) return { kind: "too-many-fields", line: recordLine, fields, expected: header };
    fields = 1;
    fieldStart = true;
    nonEmpty = false;
    recordBytes = 0;
    recordLine = line;
    return null;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      // UTF-8 well-formedness, byte by byte.
      if (utfNeed > 0) {
        if ((c & 0xc0) !== 0x80) return { kind: "not-utf8", line };
        utfNeed--;
      } else if (c >= 0x80) {
        utfNeed = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
        if (utfNeed < 0) return { kind: "not-utf8", line };
      }
      recordBytes++;
      if (!tooLong && recordBytes > maxLineBytes) tooLong = { kind: "too-long", line: recordLine, bytes: 0 };
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === 0x22) continue; // "" inside quotes
          quoted = false; // the closing quote was the previous byte; this byte is read below
        } else {
          if (c === 0x22) quoteSeen = true;
          else if (c === 0x0a) line++;
          continue;
        }
      }
      if (c === 0x0a) {
        line++;
        if (tooLong) return withLength(tooLong, recordBytes);
        const p = endRecord();
        if (p) return p;
      } else if (c === 0x0d) {
        // part of a CRLF line end (or a lone CR): not data
      } else if (c === d) {
        fields++;
        fieldStart = true;
        nonEmpty = true;
      } else if (c === 0x22 && fieldStart) {
        quoted = true;
        fieldStart = false;
        nonEmpty = true;
      } else {
        fieldStart = false;
        nonEmpty = true;
      }
    }
  }
  if (utfNeed > 0) return { kind: "not-utf8", line };
  if (quoted && !quoteSeen) return { kind: "unclosed-quote", line: recordLine };
  if (tooLong) return withLength(tooLong, recordBytes);
  return endRecord();
}

function withLength(p: CsvProblem, bytes: number): CsvProblem {
  return p.kind === "too-long" ? { ...p, bytes } : p;
}

/** The located error for a problem the scan found. */
export function csvProblemError(w: Where, p: CsvProblem, header: string[] | null): ChurnbookError {
  const location = { dataset: w.dataset, file: w.file, line: p.line };
  switch (p.kind) {
    case "not-utf8":
      return notUtf8(w, p.line, false);
    case "too-many-fields": {
      // A "header" of one field is the first line of a file that is not a table: never echo it.
      if (!header || header.length <= 1) {
        return new ChurnbookError("not-a-table", "the file does not look like a CSV table: its first line has no delimiter (comma, semicolon, tab or |)", {
          location,
          hint: "check the dataset's path points at the data export; set the dataset's delimiter if the file uses another separator",
        });
      }
      const names = looksLikeHeader(header) ? header.slice(0, 12).join(", ") + (header.length > 12 ? ", …" : "") : "";
      return new ChurnbookError("bad-csv-line", `line ${p.line} has ${p.fields} fields, expected ${p.expected}${names ? ` (header: ${names})` : ""}`, {
        location,
        hint: "a value probably contains the delimiter: quote it (\"Acme, Inc.\") in the export, or set the dataset's delimiter",
      });
    }
    case "too-long":
      return new ChurnbookError("bad-csv-line", `line ${p.line} is ${p.bytes.toLocaleString("en-US")} bytes long; a CSV line may hold at most ${maxLineBytes.toLocaleString("en-US")} bytes`, {
        location,
        hint: "a quote is probably left open in an earlier field, or the file is not a CSV export; check that line",
      });
    case "unclosed-quote":
      return new ChurnbookError("bad-csv-line", `line ${p.line} opens a quoted value that is never closed`, { location, hint: 'close the quote, or write a quote inside a value as ""' });
  }
}

/** Whether column names look like a header (so a hint may list them) rather than the first
 * line of some other text, which a hint must not echo. */
export function looksLikeHeader(columns: string[]): boolean {
  return columns.every((c) => c.length <= 48 && c.trim().split(/\s+/).length <= 5 && /^[\p{L}\p{N}_#%&()./ -]*$/u.test(c));
}

/** DuckDB's own words on a CSV error, without the echo of the offending line or its settings dump. */
export function duckdbReason(e: unknown): string {
  const lines = String((e as Error)?.message ?? e).split("\n").map((l) => l.trim());
  const reason = lines.slice(1).find((l) => l && !/^(Original Line|Possible|\*|file =|LINE \d)/.test(l) && !/^[a-z_]+ = /.test(l));
  const head = (lines[0] ?? "").replace(/^Invalid Input Error:\s*/, "").replace(/CSV Error on Line: \d+\s*/, "").trim();
  return [head, reason].filter(Boolean).join(": ") || "unreadable";
}
