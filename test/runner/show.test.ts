import { describe, expect, it } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";

describe("analysis cells with show: true", () => {
  it("render the analysis's default view in place: its default chart and the first rows of its main table", async () => {
    const report = parseReportText(
      `title: Projection
locale: en-US
datasets: {}
cells:
  - id: silent
    analysis: cohort-projection
    params: { survivors: "1000,631,468,382,326,289,262,241", cohort_grain: year }
  - id: shown
    analysis: cohort-projection
    params: { survivors: "1000,631,468,382,326,289,262,241", cohort_grain: year }
    show: true
`,
      "show.yaml",
    );
    const run = await runReport(report, { overrides: { period: "2026-10" }, now: new Date("2026-11-25T00:00:00Z") });
    expect(run.document.cells.map((c) => `${c.kind}:${c.id}`)).toEqual(["chart:shown-chart", "table:shown-table"]);
    const table = run.document.cells[1] as Extract<(typeof run.document.cells)[number], { kind: "table" }>;
    expect(table.rows.length).toBeLessThanOrEqual(20);
    expect(table.totalRows).toBeGreaterThan(0);
    expect(run.results.get("shown")!.result.scalars.alpha).toBeCloseTo(0.704, 3);
  });
});
