// `churnbook analyses` and docs/analyses.md: every analysis with its params (enum values, bounds)
// and declared outputs, from the registry itself.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analysesMarkdown, analysisCatalog, analysesCommand } from "../../src/cli/commands/analyses.js";
import { registry } from "../../src/analysis/registry.js";
import type { Printer } from "../../src/cli/output.js";

const root = join(import.meta.dirname, "..", "..");

function capture(): { printer: Printer; out: string[] } {
  const out: string[] = [];
  const printer: Printer = { info() {}, progress() {}, warn() {}, error: () => 1, data: (t) => void out.push(t) };
  return { printer, out };
}

describe("the analysis catalogue", () => {
  it("docs/analyses.md is committed up to date (npm run docs)", () => {
    expect(readFileSync(join(root, "docs/analyses.md"), "utf8")).toBe(analysesMarkdown());
  });

  it("lists every analysis with every declared scalar and table column", () => {
    const catalog = analysisCatalog();
    expect(catalog.map((a) => a.id)).toEqual([...registry.keys()].sort());
    for (const a of catalog) {
      const decl = registry.get(a.id)!.outputs!;
      expect(a.scalars.map((s) => s.name)).toEqual(Object.keys(decl.scalars));
      expect(a.tables.map((t) => t.name)).toEqual(Object.keys(decl.tables));
      for (const t of a.tables) expect(t.columns.map((c) => c.name)).toEqual(Object.keys(decl.tables[t.name]!.columns));
      expect(a.tables.filter((t) => t.main).map((t) => t.name)).toEqual([a.main_table]);
    }
  });

  it("describes every declared scalar and table in Chinese too, not an English copy", () => {
    const english: string[] = [];
    for (const a of analysisCatalog()) {
      for (const o of [...a.scalars, ...a.tables, ...a.tables.flatMap((t) => t.columns)]) {
        if (o.description && !/[\u4e00-\u9fff]/.test(o.description["zh-CN"])) english.push(`${a.id}.${o.name}: ${o.description["zh-CN"]}`);
      }
    }
    expect(english).toEqual([]);
  });

  it("gives params their type, default, allowed values and bounds", () => {
    const summary = analysisCatalog().find((a) => a.id === "churn-summary")!;
    expect(summary.params.find((p) => p.name === "convention")).toMatchObject({ type: "string", default: "standard", enum: ["standard", "stripe", "rolling30"] });
    expect(summary.params.find((p) => p.name === "include_free")).toMatchObject({ type: "boolean", default: false });
    expect(summary.params.find((p) => p.name === "include_free")!.enum).toBeUndefined();
    const drivers = analysisCatalog().find((a) => a.id === "churn-drivers")!;
    expect(drivers.params.find((p) => p.name === "history")).toMatchObject({ type: "integer", default: 12, minimum: 0, maximum: 36 });
  });

  it("--json gives descriptions in the chosen language", async () => {
    const { printer, out } = capture();
    await analysesCommand({ analysis: "churn-summary", json: true, locale: "zh-CN" }, printer);
    const [a] = JSON.parse(out.join("")) as { id: string; title: string; scalars: { name: string; format: string; description: string }[]; tables: { name: string; main: boolean; columns: { name: string }[] }[] }[];
    expect(a!.id).toBe("churn-summary");
    expect(a!.title).toBe("客户流失与收入核心指标");
    expect(a!.scalars.find((s) => s.name === "churn_rate")).toMatchObject({ format: "percent", description: "客户流失率" });
    expect(a!.tables.find((t) => t.main)?.name).toBe("metrics");
  });

  it("the text list names params with their allowed values, and outputs with their formats", async () => {
    const { printer, out } = capture();
    await analysesCommand({ analysis: "churn-summary" }, printer);
    const text = out.join("\n");
    expect(text).toContain("convention=standard  (string: standard | stripe | rolling30)");
    expect(text).toMatch(/\n {4}churn_rate {2}number, percent {2}Churn rate\n/);
    expect(text).toMatch(/\n {4}metrics \(main\)/);
  });

  it("an unknown id is a user error with a suggestion", async () => {
    await expect(analysesCommand({ analysis: "churn-sumary" }, capture().printer)).rejects.toThrow(/unknown analysis "churn-sumary"/);
  });
});
