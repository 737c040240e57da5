// An unchanged `render` served whole from the cell cache. After a render, the written files are
// stored under a key made of everything the command's outputs are a function of: the definition
// (its path and bytes), the parameter overrides and output flags, the run date, and the churnbook
// version (with its sources and templates); the input data files are recorded with their sha256.
// The next render with the same key checks every recorded input (its bytes' sha256) and, when
// nothing changed, writes the stored files again (atomically) without loading the definition's
// analyses, DuckDB, the chart libraries or the browser. Anything different — a data file, a
// template, the code, a flag, another day — is a miss and renders normally (cell by cell from the
// cache). This module imports nothing heavy on purpose.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { cacheKey, churnbookVersion, fileSha256, type CellCache } from "./cache.js";

export interface RenderRequest {
  reportFile: string;
  overrides: Record<string, string>;
  /** Output flags that change what is written or where (formats, out, pdf names, keep-going). */
  flags: Record<string, unknown>;
  now: Date;
}

interface StoredRender {
  dir: string;
  /** Relative file names, their cache keys. */
  files: { name: string; key: string }[];
  inputs: { file: string; sha256: string }[];
  warnings: string[];
  /** The cells of the run, for the event lines. */
  cells: string[];
}

export interface ServedRender {
  dir: string;
  files: Record<string, Uint8Array>;
  warnings: string[];
  cells: string[];
}

async function requestKey(req: RenderRequest): Promise<string | null> {
  const file = resolve(req.reportFile);
  const text = await readFile(file).catch(() => null);
  if (!text) return null;
  return cacheKey("render", churnbookVersion(), file, cacheKey(text.toString("base64")), req.overrides, req.flags, req.now.toISOString().slice(0, 10));
}

/** The stored outputs of the same render, when every input is byte for byte the same; else null. */
export async function servedRender(cache: CellCache, req: RenderRequest): Promise<ServedRender | null> {
  const key = await requestKey(req);
  if (!key) return null;
  const stored = await cache.get<StoredRender>("render", key);
  if (!stored) return null;
  for (const input of stored.inputs) {
    const sha = await fileSha256(input.file).catch(() => null);
    if (sha !== input.sha256) return null;
  }
  const files: Record<string, Uint8Array> = {};
  for (const f of stored.files) {
    const bytes = await cache.getBytes("render", f.key);
    if (!bytes) return null;
    files[f.name] = bytes;
  }
  return { dir: stored.dir, files, warnings: stored.warnings, cells: stored.cells };
}

/** Stores a finished render: the files written to `dir`, read back, and its inputs' fingerprints. */
export async function storeRender(cache: CellCache, req: RenderRequest, done: { dir: string; files: string[]; warnings: string[]; inputs: string[]; cells: string[] }): Promise<void> {
  const key = await requestKey(req);
  if (!key) return;
  const files: StoredRender["files"] = [];
  for (const path of done.files) {
    const bytes = new Uint8Array(await readFile(path));
    const fileKey = cacheKey("render-file", key, path);
    await cache.putBytes("render", fileKey, bytes);
    files.push({ name: path.slice(done.dir.length + 1), key: fileKey });
  }
  const inputs = await Promise.all([resolve(req.reportFile), ...done.inputs].map(async (file) => ({ file, sha256: await fileSha256(file) })));
  await cache.put("render", key, { dir: done.dir, files, inputs, warnings: done.warnings, cells: done.cells } satisfies StoredRender);
}
