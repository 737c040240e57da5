// The schema checks the build compiles ahead of time (src/runner/precompile.ts, written into dist/
// by scripts/build.mjs) are the checks Ajv compiles at run time: each is taken while its
// fingerprint matches the schema in hand, and gives the same verdict, the same located messages
// (every mistake fixture, the shipped reports) and the same defaulted params.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paramsAjvOptions } from "../../src/analysis/params.js";
import { registry } from "../../src/analysis/registry.js";
import { parseReportText } from "../../src/definition/index.js";
import { cellKinds, definitionSchemas } from "../../src/definition/spec.js";
import { definitionAjvOptions } from "../../src/definition/validate.js";
import { vocabulary } from "../../src/runner/definitions.js";
import { precompiledModules } from "../../src/runner/precompile.js";
import { schemaCheck, type PrecompiledCheck } from "../../src/util/schema-check.js";

const root = join(import.meta.dirname, "..", "..");
const mistakes = join(import.meta.dirname, "fixtures", "mistakes");
let dir: string;
let definitionChecks: Record<string, PrecompiledCheck>;
let paramsChecks: Record<string, PrecompiledCheck>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "churnbook-precompiled-"));
  const load = async (path: string, code: string) => {
    const file = join(dir, path.replace(/\//g, "_").replace(/\.js$/, ".mjs"));
    writeFileSync(file, code);
    return ((await import(file)) as { checks: Record<string, PrecompiledCheck> }).checks;
  };
  const modules = precompiledModules();
  definitionChecks = await load("runner/definition-checks.js", modules["runner/definition-checks.js"]!);
  paramsChecks = await load("analysis/params-checks.js", modules["analysis/params-checks.js"]!);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The message a definition is rejected with under a vocabulary ("" when accepted). */
function verdict(text: string, file: string, v: typeof vocabulary): string {
  try {
    parseReportText(text, file, v);
    return "";
  } catch (e) {
    return (e as Error).message + " | " + String((e as { hint?: string }).hint);
  }
}

describe("precompiled schema checks", () => {
  it("are taken for the current schemas (their fingerprints match), and a changed schema is compiled instead", () => {
    const schemas = definitionSchemas(vocabulary);
    expect(schemaCheck(definitionAjvOptions, schemas.report, definitionChecks.report)).toBe(definitionChecks.report!.validate);
    for (const k of cellKinds) expect(schemaCheck(definitionAjvOptions, schemas.cells[k], definitionChecks[`cell_${k}`])).toBe(definitionChecks[`cell_${k}`]!.validate);
    for (const a of registry.values()) expect(schemaCheck(paramsAjvOptions, a.params, paramsChecks[a.id])).toBe(paramsChecks[a.id]!.validate);
    const changed = { ...schemas.report, required: ["title"] };
    expect(schemaCheck(definitionAjvOptions, changed, definitionChecks.report)).not.toBe(definitionChecks.report!.validate);
  });

  it("say what the compiled checks say about every mistake fixture and every shipped report", () => {
    const compiled = { ...vocabulary, precompiled: undefined };
    const precompiled = { ...vocabulary, precompiled: definitionChecks };
    const files = [...readdirSync(mistakes).filter((f) => f.endsWith(".yaml")).map((f) => join(mistakes, f)), ...readdirSync(join(root, "reports")).filter((f) => f.endsWith(".yaml")).map((f) => join(root, "reports", f))];
    expect(files.length).toBeGreaterThan(20);
    let rejected = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const expected = verdict(text, file, compiled);
      if (expected) rejected++;
      expect(verdict(text, file, precompiled), file).toBe(expected);
    }
    expect(rejected).toBeGreaterThan(20);
  });

  it("fill the same params defaults and report the same params errors", () => {
    for (const a of registry.values()) {
      const runtime = schemaCheck(paramsAjvOptions, a.params);
      const ahead = paramsChecks[a.id]!.validate;
      const [x, y] = [{}, {}];
      expect([ahead(x), x]).toEqual([runtime(y), y]);
      // Every param given a value of the wrong kind: the same errors, in the same order.
      const bad = () => Object.fromEntries(Object.keys(a.params.properties).map((k) => [k, { wrong: true }]));
      expect(ahead(bad())).toBe(runtime(bad()));
      expect(ahead.errors?.map((e) => [e.instancePath, e.keyword, e.message])).toEqual(runtime.errors?.map((e) => [e.instancePath, e.keyword, e.message]));
    }
  });
});
