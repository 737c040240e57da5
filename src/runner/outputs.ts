// Atomic output: everything is written to a temporary sibling folder, then swapped into
// place with renames. A failed run leaves the previous output untouched. A render replaces
// only the formats it made: `render --format html` keeps the folder's PDFs (linked into the
// new folder before the swap), a PDF-only render keeps report.html.

import { copyFile, link, mkdir, readdir, rename, rm, writeFile, stat } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { randomBytes } from "node:crypto";
import type { Value } from "../analysis/types.js";
import { fsErrorCode, writeError } from "../util/fs-errors.js";

/** The folder name for a parameter set: the period first, then the parameters that differ
 * from the definition's defaults, by name (2026-10, 2026-10_client-globex_currency-USD). */
export function paramsFolder(params: Record<string, Value>, defaults: Record<string, Value> = {}): string {
  const clean = (v: Value) => String(v).replace(/[^A-Za-z0-9_.-]+/g, "-");
  const rest = Object.keys(params)
    .filter((k) => k !== "period" && params[k] !== null && params[k] !== "" && params[k] !== defaults[k])
    .sort()
    .map((k) => `${k}-${clean(params[k]!)}`);
  return [clean(params.period ?? "all"), ...rest].join("_");
}

/** The files of a previous output that a render of `formats` does not make, and so keeps. */
export function keptOutputs(formats: readonly string[]): (name: string) => boolean {
  return (name) => (!formats.includes("pdf") && name.endsWith(".pdf")) || (!formats.includes("html") && name === "report.html");
}

/** The top-level files of an existing output folder that `keep` selects (none when there is no folder). */
export async function existingOutputs(target: string, keep: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(target, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && keep(e.name)).map((e) => e.name).sort();
}

export interface WriteOptions {
  /** Top-level files of the previous output to carry over when `files` does not replace them. */
  keep?: (name: string) => boolean;
}

/**
 * A file's content: text, bytes, or a function that writes the file at the path it is given (a
 * table streamed in chunks, a workbook packed sheet by sheet). Files are written in the order of
 * the record, one at a time, so a function may use what earlier ones found (the manifest last).
 */
export type OutputFile = string | Uint8Array | ((path: string) => Promise<void>);

export async function writeAtomically(target: string, files: Record<string, OutputFile>, options: WriteOptions = {}): Promise<void> {
  const parent = dirname(target);
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const base = target.slice(parent.length + 1);
  const tmp = join(parent, `.${base}.tmp-${tag}`);
  const old = join(parent, `.${base}.old-${tag}`);
  // A read-only, full or blocked disk is the user's to fix: "cannot write to out/…: disk full",
  // naming the file as it will be called (not its temporary path). Anything else is a bug.
  const known = (p: string) => (p === tmp || p.startsWith(tmp + sep) ? target + p.slice(tmp.length) : p === old ? target : p);
  const fail = (e: unknown, path?: string): never => {
    throw writeError(e, { path, rename: known, hint: hintFor(e) }) ?? e;
  };
  await mkdir(parent, { recursive: true }).catch((e: unknown) => fail(e));
  try {
    for (const [name, content] of Object.entries(files)) {
      const path = join(tmp, name);
      await mkdir(dirname(path), { recursive: true }).catch((e: unknown) => fail(e));
      await (typeof content === "function" ? content(path) : writeFile(path, content)).catch((e: unknown) => fail(e, path));
    }
    const exists = await stat(target).then(() => true, () => false);
    if (exists && options.keep) {
      for (const name of await existingOutputs(target, options.keep)) {
        if (name in files) continue;
        const from = join(target, name), to = join(tmp, name);
        // A hard link costs nothing and leaves the previous folder whole until the swap.
        await link(from, to).catch(() => copyFile(from, to)).catch((e: unknown) => fail(e, to));
      }
    }
    if (exists) await rename(target, old).catch((e: unknown) => fail(e, target));
    try {
      await rename(tmp, target);
    } catch (e) {
      if (exists) await rename(old, target);
      fail(e, target);
    }
    // Best effort: the new output is in place; a leftover hidden folder is no reason to fail.
    if (exists) await rm(old, { recursive: true, force: true }).catch(() => {});
  } finally {
    // Never let the clean-up hide the error that brought us here.
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

function hintFor(e: unknown): string | undefined {
  const code = fsErrorCode(e);
  if (code === "ENOSPC" || code === "EDQUOT") return "free some space or choose another disk with --out; the previous output, if any, is unchanged";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "choose another folder with --out, or make this one writable; the previous output, if any, is unchanged";
  return undefined;
}
