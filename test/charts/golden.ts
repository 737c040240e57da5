// Golden outputs, Plot-style: normalise (round numbers to 3 decimals, renumber ids), compare
// with test/output/<dir>/<name>.<ext>; on a mismatch write a gitignored <name>-changed.<ext>.
// A missing golden is created locally, never in CI.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const outputRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "output");

export function normalizeMarkup(markup: string): string {
  const ids = new Map<string, string>();
  const renumber = (id: string) => {
    let n = ids.get(id);
    if (!n) ids.set(id, (n = `id-${ids.size + 1}`));
    return n;
  };
  return markup
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${renumber(id)}"`)
    .replace(/(url\(#|href="#)([^")]+)/g, (_, pre: string, id: string) => `${pre}${ids.get(id) ?? id}`)
    .replace(/-?\d+\.\d+(?:e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 1000) / 1000;
      return String(Object.is(r, -0) ? 0 : r);
    });
}

/** Compares `actual` with the golden; returns null when equal, else a message. */
export function compareGolden(dir: string, name: string, ext: string, actual: string): string | null {
  const folder = join(outputRoot, dir);
  const expectedPath = join(folder, `${name}.${ext}`);
  const changedPath = join(folder, `${name}-changed.${ext}`);
  const normal = normalizeMarkup(actual);
  if (!existsSync(expectedPath)) {
    if (process.env.CI) return `missing golden ${expectedPath} (goldens are not created in CI)`;
    mkdirSync(folder, { recursive: true });
    writeFileSync(expectedPath, normal);
    return null;
  }
  const expected = readFileSync(expectedPath, "utf8");
  if (normalizeMarkup(expected) === normal) {
    rmSync(changedPath, { force: true });
    return null;
  }
  writeFileSync(changedPath, normal);
  return `${name}.${ext} differs from its golden; see ${changedPath}`;
}
