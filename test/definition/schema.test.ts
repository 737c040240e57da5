import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseReportText, reportJsonSchema } from "../../src/runner/definitions.js";
import { registry } from "../../src/analysis/registry.js";

const root = join(import.meta.dirname, "..", "..");

describe("JSON Schema", () => {
  it("is committed up to date (npm run schema)", () => {
    const committed = readFileSync(join(root, "schema/report.schema.json"), "utf8");
    expect(committed).toBe(JSON.stringify(reportJsonSchema(), null, 2) + "\n");
  });

  it("accepts every shipped report, which also validate and normalise", () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(reportJsonSchema());
    for (const f of readdirSync(join(root, "reports")).filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(join(root, "reports", f), "utf8");
      expect(validate(parse(text)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => parseReportText(text, f)).not.toThrow();
    }
  });

  it("types each analysis cell's params by its analysis", () => {
    const validate = new Ajv({ strict: false }).compile(reportJsonSchema());
    const doc = (params: object) => ({ title: "t", datasets: { subscriptions: { path: "x.csv" } }, cells: [{ id: "a", analysis: "churn-trend", params }] });
    expect(validate(doc({ periods: 6 }))).toBe(true);
    expect(validate(doc({ periods: "six" }))).toBe(false);
    expect(validate(doc({ nonsense: 1 }))).toBe(false);
  });

  it("lists each enum param's allowed values and rejects any other", () => {
    const schema = reportJsonSchema() as { properties: { cells: { items: { anyOf: { properties: { analysis?: unknown }; allOf?: { if: { properties: { analysis: { const: string } } }; then: { properties: { params: { properties: Record<string, { enum?: unknown[] }> } } } }[] }[] } } } };
    const analysisCell = schema.properties.cells.items.anyOf.find((c) => c.properties.analysis)!;
    const summary = analysisCell.allOf!.find((b) => b.if.properties.analysis.const === "churn-summary")!;
    expect(summary.then.properties.params.properties.convention!.enum).toEqual(["standard", "stripe", "rolling30"]);
    const validate = new Ajv({ strict: false }).compile(schema);
    const doc = (params: object) => ({ title: "t", datasets: { subscriptions: { path: "x.csv" } }, cells: [{ id: "s", analysis: "churn-summary", params }] });
    expect(validate(doc({ convention: "stripe" }))).toBe(true);
    expect(validate(doc({ convention: "stripey" }))).toBe(false);
    expect(validate(doc({ include_free: "yes" }))).toBe(false);
  });

  it("checks kpi references against the declared scalars of every analysis", () => {
    const validate = new Ajv({ strict: false }).compile(reportJsonSchema());
    const kpi = (value: string) => ({ title: "t", datasets: { subscriptions: { path: "x.csv" } }, cells: [{ id: "summary", analysis: "churn-summary" }, { kpi: [{ label: "x", value }] }] });
    for (const a of registry.values()) {
      for (const name of Object.keys(a.outputs!.scalars)) {
        const ref = `cell_1.${name.replace(/<[a-z_]+>/g, "3")}`;
        expect(validate(kpi(ref)), `${a.id}: ${ref}`).toBe(true);
      }
    }
    expect(validate(kpi("top.rows"))).toBe(true); // a transform cell's row count
    expect(validate(kpi("summary.churn_rte"))).toBe(false);
    expect(validate(kpi("summary"))).toBe(false);
    expect(validate(kpi("summary.churn_rate.x"))).toBe(false);
  });

  it("checks table references against the declared table names", () => {
    const validate = new Ajv({ strict: false }).compile(reportJsonSchema());
    const table = (ref: string) => ({ title: "t", datasets: { subscriptions: { path: "x.csv" } }, cells: [{ id: "summary", analysis: "churn-summary" }, { table: ref }] });
    expect(validate(table("summary"))).toBe(true);
    expect(validate(table("summary.metrics"))).toBe(true);
    expect(validate(table("top.top"))).toBe(true); // a transform cell's result by its own name
    expect(validate(table("summary.metricz"))).toBe(false);
  });

  it("offers a completion for every declared scalar", () => {
    const schema = reportJsonSchema() as { definitions: { scalarReference: { defaultSnippets: { label: string; body: string }[] } } };
    const labels = schema.definitions.scalarReference.defaultSnippets.map((s) => s.label);
    for (const a of registry.values()) for (const name of Object.keys(a.outputs!.scalars)) expect(labels).toContain(`cell.${name}`);
    expect(schema.definitions.scalarReference.defaultSnippets.find((s) => s.label === "cell.early_churn_<h>")!.body).toBe("${1:cell}.early_churn_${2:h}");
  });
});
