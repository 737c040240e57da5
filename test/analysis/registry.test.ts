// The registry's contract, for every analysis: one file named after its id, text in every
// locale, and params that all have a default and a description (they become the JSON Schema,
// `churnbook analyses` and the appendix).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import { locales } from "../../src/analysis/types.js";
import { resolveParams } from "../../src/analysis/params.js";
import { defaultDefinition } from "../helpers/analysis.js";

const root = join(import.meta.dirname, "..", "..");

describe("analysis registry", () => {
  it("holds the analyses the issues name", () => {
    const ids = [...registry.keys()];
    for (const id of ["churn-summary", "churn-trend", "mrr-movements", "leaky-bucket", "cohort-retention", "early-churn", "cohort-projection", "survival", "cox", "churn-reasons", "churned-value", "rfm", "cpm", "deciles", "segments", "customer-value", "clv", "clv-contractual", "churn-model", "risk-list", "playbook", "customer-card"]) {
      expect(ids).toContain(id);
    }
  });

  for (const a of registry.values()) {
    it(`${a.id}: one kebab-case file, localised text, documented params`, () => {
      expect(a.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      const file = join(root, "src/analysis", `${a.id}.ts`);
      expect(existsSync(file)).toBe(true);
      const camel = a.id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      expect(readFileSync(file, "utf8")).toContain(`export const ${camel}`);
      for (const l of locales) {
        expect(a.title[l].length).toBeGreaterThan(0);
        expect(a.summary[l].length).toBeGreaterThan(0);
        expect(defaultDefinition(a)[l].length).toBeGreaterThan(20);
      }
      for (const [name, schema] of Object.entries(a.params.properties)) {
        expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect((schema as { description?: string }).description, `${a.id}.${name} description`).toBeTruthy();
        expect(Object.hasOwn(schema, "default"), `${a.id}.${name} default`).toBe(true);
      }
      // Defaults alone are valid params.
      expect(() => resolveParams(a, {})).not.toThrow();
      expect(a.needs.length).toBeGreaterThanOrEqual(0);
    });
  }
});
