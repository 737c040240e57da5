// One fixture per class of mistake (test/definition/fixtures/mistakes/<class>.yaml): a small
// valid definition with one slip, and in its header what `validate` must say about it —
//   # expect: <line>:<col> <a fragment of the message>
//   # hint: <a fragment of the hint>        (any number: the did-you-mean, the allowed names)
// Each slip is exactly one problem (no cascade), at the token's line and column, found in under
// a second without any data.

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { isChurnbookError, type ChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
const dir = join(import.meta.dirname, "fixtures", "mistakes");
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

interface Expectation {
  line: number;
  column: number;
  message: string;
  hints: string[];
}

function expectation(text: string, file: string): Expectation {
  const m = /^# expect: (\d+):(\d+) (.+)$/m.exec(text);
  if (!m) throw new Error(`${file}: no "# expect: <line>:<col> <message>" header`);
  return { line: Number(m[1]), column: Number(m[2]), message: m[3]!, hints: [...text.matchAll(/^# hint: (.+)$/gm)].map((h) => h[1]!) };
}

function rejection(text: string, file: string): ChurnbookError {
  try {
    parseReportText(text, file);
  } catch (e) {
    if (isChurnbookError(e)) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe("validate: one problem per mistake, at its token", () => {
  beforeAll(() => {
    // The first definition compiles the params schemas of the analyses it uses: not a mistake's cost.
    parseReportText(readFileSync(join(root, "reports/monthly-churn-en.yaml"), "utf8"), "reports/monthly-churn-en.yaml");
  });

  it("has a fixture for every class the issue names", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of fixtures) {
    it(name.replace(/\.yaml$/, ""), () => {
      const file = relative(root, join(dir, name));
      const text = readFileSync(join(dir, name), "utf8");
      const want = expectation(text, file);
      const started = performance.now();
      const e = rejection(text, file);
      const elapsed = performance.now() - started;
      expect(e.code).toBe("invalid-definition");
      expect(e.exitCode).toBe(2);
      // One slip, one problem: no "N problems in the report definition" list.
      expect(e.message).not.toMatch(/^\d+ problems/);
      expect({ line: e.location.line, column: e.location.column }).toEqual({ line: want.line, column: want.column });
      expect(e.message).toContain(want.message);
      for (const h of want.hints) expect(e.hint ?? "").toContain(h);
      // Cells are named by id, or by kind and line, never by an array index ("in 16").
      expect(e.message).not.toMatch(/ in \d+\b/);
      expect(elapsed).toBeLessThan(1000);
    });
  }
});

describe("validate: many problems", () => {
  const base = readFileSync(join(dir, "markdown-ref-typo.yaml"), "utf8");

  it("are reported at once, in file order, capped with the number left", () => {
    // Thirty KPI items, each naming a different scalar that does not exist: thirty slips.
    const items = Array.from({ length: 30 }, (_, i) => `      - { label: K${i}, value: summary.missing_${i} }`).join("\n");
    const text = base.replace(/  - kpi:\n/, `  - kpi:\n${items}\n`);
    const e = rejection(text, "many.yaml");
    expect(e.message).toMatch(/^31 problems in the report definition:/);
    const lines = e.message.split("\n").filter((l) => l.startsWith("  many.yaml:"));
    expect(lines).toHaveLength(20);
    const positions = lines.map((l) => Number(/many\.yaml:(\d+):/.exec(l)![1]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(e.message).toContain("… and 11 more problems");
  });

  it("the same slip at many places is one problem listing the places", () => {
    const refs = Array.from({ length: 12 }, (_, i) => `      - { label: K${i}, value: sumary.churn_rate }`).join("\n");
    const text = base.replace(/  - kpi:\n/, `  - kpi:\n${refs}\n`);
    const e = rejection(text, "same.yaml");
    expect(e.message).toMatch(/^2 problems/); // the twelve references, and the fixture's own typo
    expect(e.message).toContain('KPI refers to unknown analysis cell "sumary" (also at');
    expect(e.message).toContain("and 6 more places");
  });
});

describe("churnbook validate (CLI)", () => {
  it("prints the mistake at file:line:col with the did-you-mean, exit code 2", () => {
    const file = relative(root, join(dir, "markdown-ref-typo.yaml"));
    const want = expectation(readFileSync(join(root, file), "utf8"), file);
    const r = spawnSync(process.execPath, [join(root, "bin/churnbook.js"), "validate", file], { cwd: root, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:${want.line}:${want.column}: ${want.message}`);
    expect(r.stderr).toContain('did you mean "churn_rate"?');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
