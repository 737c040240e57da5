// Transform cells: Arquero verbs over analysis results, expressions checked by Arquero's parser
// at definition time, column names checked at run time, both located in the YAML.

import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import { isChurnbookError, type ChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "churnbook-transform-"));
  for (const f of ["subscriptions.csv", "churn_events.csv"]) copyFileSync(join(root, "data/acme", f), join(dir, f));
});

const now = new Date("2026-11-25T00:00:00Z");
const definition = (transform: string, extra = "") => `title: Transforms
locale: en-US
datasets:
  subscriptions: { path: subscriptions.csv }
  churn_events: { path: churn_events.csv }
cells:
  - id: reasons
    analysis: churn-reasons
  - id: summary
    analysis: churn-summary
${transform}${extra}`;

function thrown(f: () => unknown): ChurnbookError {
  try {
    f();
  } catch (e) {
    if (isChurnbookError(e)) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("transform cells", () => {
  it("filter, derive, groupby/rollup, orderby, select and slice over an analysis table; tables and charts read the result", async () => {
    const report = parseReportText(
      definition(`  - id: by_type
    transform:
      from: reasons.subtypes
      steps:
        - filter: "d => d.events > 0"
        - derive: { lost_arr: "d => d.lost_mrr * 12" }
        - groupby: type
        - rollup: { events: "d => op.sum(d.events)", lost_arr: "d => op.sum(d.lost_arr)", kinds: "d => op.count()" }
        - orderby: [-events]
        - select: [type, events, lost_arr, kinds]
        - slice: 1
  - table: by_type
  - chart:
      from: by_type
      marks: [{ mark: barY, data: by_type, options: { x: type, y: events } }]
`),
      join(dir, "t.yaml"),
    );
    const run = await runReport(report, { overrides: { period: "2026-10" }, now });
    const subtypes = run.results.get("reasons")!.result.tables.subtypes!;
    const byType = new Map<string, { events: number; lost: number; kinds: number }>();
    for (const r of subtypes) {
      if ((r.events as number) <= 0) continue;
      const t = byType.get(r.type as string) ?? { events: 0, lost: 0, kinds: 0 };
      byType.set(r.type as string, { events: t.events + (r.events as number), lost: t.lost + (r.lost_mrr as number) * 12, kinds: t.kinds + 1 });
    }
    const [top] = [...byType.entries()].sort((a, b) => b[1].events - a[1].events);
    const rows = run.results.get("by_type")!.result.tables.by_type!;
    expect(rows).toEqual([{ type: top![0], events: top![1].events, lost_arr: top![1].lost, kinds: top![1].kinds }]);
    const table = run.document.cells.find((c) => c.kind === "table")!;
    expect(table.kind === "table" && table.rows).toEqual(rows);
    expect(run.document.cells.some((c) => c.kind === "chart")).toBe(true);
    // Transforms are not analyses: nothing in the appendix's definitions.
    expect(run.document.appendix.definitions.map((d) => d.id)).not.toContain("transform");
  });

  it("joins another result table", async () => {
    const report = parseReportText(
      definition(`  - id: shares
    transform:
      from: reasons.types
      steps:
        - join: { with: reasons.subtypes, on: type, how: left }
        - select: [type, subtype, share_of_type]
`),
      join(dir, "t.yaml"),
    );
    const run = await runReport(report, { overrides: { period: "2026-10" }, now });
    const rows = run.results.get("shares")!.result.tables.shares!;
    const subtypes = run.results.get("reasons")!.result.tables.subtypes!;
    const types = run.results.get("reasons")!.result.tables.types!;
    // A left join: each type once per matching subtype, a type without subtypes once (subtype null).
    expect(rows.length).toBe(types.reduce((n, t) => n + Math.max(1, subtypes.filter((s) => s.type === t.type).length), 0));
    expect(rows.filter((r) => r.subtype === null).map((r) => r.type)).toEqual(types.filter((t) => !subtypes.some((s) => s.type === t.type)).map((t) => t.type));
    expect(new Set(rows.map((r) => Object.keys(r).join()))).toEqual(new Set(["type,subtype,share_of_type"]));
  });

  it("refuses code outside Arquero's expression language at definition time, located at the expression", () => {
    const e = thrown(() => parseReportText(definition(`  - id: bad
    transform:
      from: reasons
      steps:
        - filter: "d => process.exit(1)"
`), join(dir, "t.yaml")));
    expect(e.code).toBe("invalid-definition");
    expect(e.location).toMatchObject({ line: 15, column: 19 });
    expect(e.message).toMatch(/invalid expression.*process\.exit/);
    for (const expr of ["d => { return d.events }", "d => d.events.constructor", "() => globalThis", "d => d.x +"]) {
      const err = thrown(() => parseReportText(definition(`  - id: bad
    transform:
      from: reasons
      steps:
        - derive: { x: ${JSON.stringify(expr)} }
`), join(dir, "t.yaml")));
      expect(err.location.line, expr).toBe(15);
      expect(err.message).toMatch(/invalid expression/);
    }
  });

  it("an unknown verb has a did-you-mean; a transform may read only cells above it", () => {
    const verb = thrown(() => parseReportText(definition(`  - id: bad
    transform:
      from: reasons
      steps:
        - fliter: "d => d.events > 0"
`), join(dir, "t.yaml")));
    expect(verb.message).toMatch(/unknown transform verb "fliter"/);
    expect(verb.hint).toMatch(/did you mean "filter"/);
    expect(verb.location).toMatchObject({ line: 15, column: 11 });
    const ref = thrown(() => parseReportText(definition(`  - id: early
    transform: { from: later, steps: [{ slice: 3 }] }
  - id: later
    transform: { from: reasons, steps: [{ slice: 3 }] }
`), join(dir, "t.yaml")));
    expect(ref.message).toMatch(/reads cell "later", which comes after it/);
  });

  it("an unknown column is a located run-time error with a did-you-mean; --keep-going shows it on the cell", async () => {
    const report = parseReportText(
      definition(`  - id: bad
    transform:
      from: reasons
      steps:
        - slice: 5
        - orderby: [-evnts]
  - table: bad
`),
      join(dir, "t.yaml"),
    );
    const e = await runReport(report, { overrides: { period: "2026-10" }, now }).then(() => null, (x: unknown) => x as ChurnbookError);
    expect(e?.code).toBe("unknown-column");
    expect(e?.location).toMatchObject({ line: 16, cellId: "bad" });
    expect(e?.hint).toMatch(/did you mean "events"/);
    const run = await runReport(report, { overrides: { period: "2026-10" }, now, keepGoing: true });
    expect(run.cells.find((c) => c.id === "bad")!.error).toMatchObject({ code: "unknown-column", line: 16 });
    expect(run.document.cells.find((c) => c.id === "table-4")).toMatchObject({ kind: "error" });
  });
});
