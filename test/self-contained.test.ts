// The repository stands alone: no test reads files outside it (reference data lives in
// test/fixtures/reference with its sources and licenses).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === "fixtures" || f === "input" || f === "output" ? [] : files(p)) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("tests are self-contained", () => {
  it("no test file refers to ../shared or another folder above the repository", () => {
    const offenders = files("test").filter((f) => /["'`]\.\.["'`],\s*["'`]shared|(\.\.\/){2,}shared\/|\.\.\/shared\b/.test(readFileSync(f, "utf8")) && !f.endsWith("self-contained.test.ts"));
    expect(offenders).toEqual([]);
  });
});
