// Fixture pairs: test/input/definitions/<case>.yaml → test/output/definitions/<case>.json
// (the normal form) or, for `-invalid` cases, <case>.errors.txt (the located messages).
// Missing goldens are written locally, never in CI; a mismatch writes <case>-changed.*.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { formatError, isChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
const input = join(root, "test/input/definitions");
const output = join(root, "test/output/definitions");

function golden(name: string, actual: string): void {
  const path = join(output, name);
  if (!existsSync(path)) {
    if (process.env.CI) throw new Error(`missing golden ${path}`);
    writeFileSync(path, actual);
    return;
  }
  const expected = readFileSync(path, "utf8");
  if (expected !== actual) writeFileSync(path.replace(/(\.[a-z.]+)$/, "-changed$1"), actual);
  expect(actual).toBe(expected);
}

const files = readdirSync(input).filter((f) => f.endsWith(".yaml"));
const only = files.filter((f) => f.startsWith("only."));

describe("definition fixtures", () => {
  for (const file of only.length ? only : files.filter((f) => !f.startsWith("skip."))) {
    const name = file.replace(/^(only|skip)\./, "").replace(/\.yaml$/, "");
    it(name, () => {
      const path = relative(root, join(input, file));
      const text = readFileSync(join(input, file), "utf8");
      if (name.endsWith("-invalid")) {
        let error: unknown;
        try {
          parseReportText(text, path);
        } catch (e) {
          error = e;
        }
        expect(isChurnbookError(error)).toBe(true);
        golden(`${name}.errors.txt`, formatError(error as never) + "\n");
      } else {
        const report = parseReportText(text, path);
        const { file: _f, dir: _d, ...rest } = report;
        golden(`${name}.json`, JSON.stringify(rest, null, 2) + "\n");
      }
    });
  }
});
