// The README's definition examples are definitions `validate` accepts: the full example as it
// stands, the report-level snippets (schedule, page one) merged into it, and the cell snippets
// (transform) added to its cells after the analysis cell they read.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseReportText, vocabulary } from "../../src/runner/definitions.js";
import { cellKinds, definitionSchemas } from "../../src/definition/spec.js";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => ({ text: m[1]!, line: readme.slice(0, m.index).split("\n").length + 1 }));
const reportKeys = Object.keys(definitionSchemas(vocabulary).report.properties);

type Doc = Record<string, unknown> & { cells: Record<string, unknown>[]; datasets: Record<string, unknown> };

const definitions = blocks.filter((b) => /^cells:/m.test(b.text) && /^datasets:/m.test(b.text));
/** Mappings of report keys only (not a clients file or a brand file). */
const reportSnippets = blocks.filter((b) => !definitions.includes(b) && isReportSnippet(parse(b.text)));
/** Lists of cells. */
const cellSnippets = blocks.filter((b) => {
  const v = parse(b.text) as unknown;
  return Array.isArray(v) && v.every((c) => c && typeof c === "object" && Object.keys(c).some((k) => (cellKinds as readonly string[]).includes(k)));
});

function isReportSnippet(v: unknown): boolean {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).every((k) => reportKeys.includes(k));
}

function validate(doc: unknown, name: string): void {
  expect(() => parseReportText(stringify(doc), name)).not.toThrow();
}

describe("README examples", () => {
  it("has a full definition example, page-one and schedule snippets and a transform snippet", () => {
    expect(definitions).toHaveLength(1);
    expect(reportSnippets.length).toBeGreaterThanOrEqual(2);
    expect(cellSnippets.length).toBeGreaterThanOrEqual(1);
  });

  it("the definition example validates as written", () => {
    for (const b of definitions) expect(() => parseReportText(b.text, `README.md:${b.line}`)).not.toThrow();
  });

  it("each report-level snippet validates inside the definition example", () => {
    for (const b of reportSnippets) validate({ ...(parse(definitions[0]!.text) as Doc), ...(parse(b.text) as object) }, `README.md:${b.line}`);
  });

  it("each cell snippet validates after the analysis cells it reads", () => {
    for (const b of cellSnippets) {
      const doc = parse(definitions[0]!.text) as Doc;
      const cells = parse(b.text) as Record<string, unknown>[];
      // The transform example reads `reasons`, a churn-reasons cell (as its comment says).
      doc.datasets.churn_events = { path: "churn_events.csv" };
      doc.cells.push({ id: "reasons", analysis: "churn-reasons" }, ...cells);
      validate(doc, `README.md:${b.line}`);
    }
  });
});
