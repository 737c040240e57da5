import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document } from "yaml";
import { describe, expect, it, vi } from "vitest";
import { loadReport, parseReportText } from "../../src/runner/definitions.js";
import { ChurnbookError } from "../../src/util/errors.js";

// "Billion laughs": each level repeats the previous one nine times (9^7 strings once expanded).
const bomb = [
  "title: bomb",
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
  "datasets: []",
  "cells: []",
  "",
].join("\n");

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("YAML the parser refuses", () => {
  it("an alias bomb is a located definition error, not a crash", () => {
    const e = caught(() => parseReportText(bomb, "reports/bomb.yaml"));
    expect(e).toBeInstanceOf(ChurnbookError);
    const err = e as ChurnbookError;
    expect(err.code).toBe("invalid-definition");
    expect(err.exitCode).toBe(2);
    expect(err.location).toEqual({ file: "reports/bomb.yaml", line: 3, column: 8 });
    expect(err.message).toMatch(/aliases expand to too many nodes/);
    expect(err.hint).toMatch(/billion laughs/);
  });

  it("through loadReport as well (the CLI path)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "churnbook-bomb-"));
    const file = join(dir, "bomb.yaml");
    writeFileSync(file, bomb);
    await expect(loadReport(file)).rejects.toMatchObject({ name: "ChurnbookError", code: "invalid-definition", location: { file, line: 3 } });
  });

  it("a few ordinary aliases still work", () => {
    const text = [
      "title: Aliases",
      "locale: en-US",
      "datasets:",
      "  subscriptions: { path: subs.csv }",
      "cells:",
      "  - id: note",
      "    markdown: &text Hello",
      "  - id: again",
      "    markdown: *text",
      "",
    ].join("\n");
    const report = parseReportText(text, "a.yaml");
    expect(report.cells.map((c) => c.id)).toEqual(["note", "again"]);
  });

  it("very deep nesting is a located error", () => {
    const text = `title: x\na: ${"[".repeat(20000)}${"]".repeat(20000)}\n`;
    const e = caught(() => parseReportText(text, "deep.yaml"));
    expect(e).toBeInstanceOf(ChurnbookError);
    expect((e as ChurnbookError).location.file).toBe("deep.yaml");
    expect((e as ChurnbookError).location.line).toBeGreaterThan(0);
  });

  it("any other exception of the yaml library becomes a located definition error", () => {
    const spy = vi.spyOn(Document.prototype, "toJS").mockImplementation(() => {
      throw new TypeError("something the parser did not expect");
    });
    try {
      const e = caught(() => parseReportText("title: x\ndatasets: {}\ncells: []\n", "odd.yaml"));
      expect(e).toBeInstanceOf(ChurnbookError);
      expect(e).toMatchObject({ code: "invalid-definition", location: { file: "odd.yaml", line: 1, column: 1 } });
      expect((e as ChurnbookError).message).toBe("YAML error: something the parser did not expect");
    } finally {
      spy.mockRestore();
    }
  });
});
