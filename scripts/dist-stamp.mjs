// Whether dist/ (the compiled CLI, scripts/build.mjs) was built from the sources now in src/.
// Used by bin/churnbook.js on every start, so it only stats files: a stamp of every file and
// folder under src/ with its size and modification time, recorded in dist/.source-stamp by the
// build. An edit, an added or a deleted file changes it (a folder's mtime changes on deletion).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../", import.meta.url));
export const srcDir = join(root, "src");
export const distDir = join(root, "dist");
export const stampFile = ".source-stamp";

/** The stamp of the sources under `src`. */
export function sourceStamp(src = srcDir) {
  const lines = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      lines.push(`${relative(src, p)}:${s.isDirectory() ? "dir" : s.size}:${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(src);
  return lines.join("\n");
}

/**
 * "fresh", "missing" (no build) or "stale" (src/ changed since the build). Only a checkout (with
 * .git) can be stale: an installed package has no sources to edit, and npm resets every file's
 * modification time when it packs one.
 */
export function distState(dir = root) {
  let stamp;
  try {
    stamp = readFileSync(join(dir, "dist", stampFile), "utf8");
  } catch {
    return "missing";
  }
  let inCheckout = true;
  try {
    statSync(join(dir, ".git"));
  } catch {
    inCheckout = false;
  }
  return !inCheckout || stamp === sourceStamp(join(dir, "src")) ? "fresh" : "stale";
}
