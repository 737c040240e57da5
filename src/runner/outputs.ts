// Atomic output: everything is written to a temporary sibling folder, then swapped into
// place with renames. A failed run leaves the previous output untouched.

import { mkdir, rename, rm, writeFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Value } from "../analysis/types.js";

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

export async function writeAtomically(target: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const base = target.slice(parent.length + 1);
  const tmp = join(parent, `.${base}.tmp-${tag}`);
  const old = join(parent, `.${base}.old-${tag}`);
  try {
    for (const [name, content] of Object.entries(files)) {
      const path = join(tmp, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    const exists = await stat(target).then(() => true, () => false);
    if (exists) await rename(target, old);
    try {
      await rename(tmp, target);
    } catch (e) {
      if (exists) await rename(old, target);
      throw e;
    }
    if (exists) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
