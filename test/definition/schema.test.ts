import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { reportJsonSchema } from "../../src/definition/json-schema.js";
import { parseReportText } from "../../src/definition/index.js";

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
});
