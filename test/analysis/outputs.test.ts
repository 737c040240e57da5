// The output contract: every analysis of the registry declares its outputs, and its results on
// the sample data (test/helpers/sample-runs.ts: defaults, param variants, both churn bases)
// hold exactly the declared scalars, tables and columns, each value of its declared type.

import { beforeAll, describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import { outputProblems } from "../../src/analysis/outputs.js";
import { outputFormats, outputTypes } from "../../src/analysis/types.js";
import { sampleRuns, type SampleRun } from "../helpers/sample-runs.js";

describe("declared outputs", () => {
  it("every analysis declares its outputs, with known types and formats, and its main table", () => {
    for (const a of registry.values()) {
      expect(a.outputs, a.id).toBeDefined();
      expect(Object.keys(a.outputs!.tables), a.id).toContain(a.mainTable);
      const decls = [...Object.values(a.outputs!.scalars), ...Object.values(a.outputs!.tables).flatMap((t) => Object.values(t.columns))];
      for (const d of decls) {
        for (const t of Array.isArray(d.type) ? d.type : [d.type]) expect(outputTypes).toContain(t);
        if (d.format) expect(outputFormats).toContain(d.format);
      }
      for (const s of Object.values(a.outputs!.scalars)) expect(s.description["en-US"] && s.description["zh-CN"], a.id).toBeTruthy();
    }
  });

  let runs: SampleRun[] = [];
  beforeAll(async () => {
    runs = await sampleRuns({ quick: true });
  }, 600_000);

  for (const id of registry.keys()) {
    it(`${id}: results on the sample data match the declaration`, () => {
      const mine = runs.filter((r) => r.analysis.id === id);
      expect(mine.length, `${id} ran on the sample data`).toBeGreaterThan(0);
      const problems = [...new Set(mine.flatMap((r) => outputProblems(r.analysis, r.result).map((p) => `${p}  [${r.label}]`)))];
      expect(problems).toEqual([]);
    });
  }
});
