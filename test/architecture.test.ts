// The pipeline's stages import only from earlier stages, core/ and util/ (type-only imports of the
// shared specs excepted): definition → data → analysis → charts → render → print, with the
// runner and the CLI on top. This is the lint rule STYLE.md asks for. No runtime exceptions: a
// stage that needs a later stage's vocabulary receives it as an argument.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "src");
const order = ["core", "util", "definition", "data", "analysis", "charts", "render", "print", "runner", "sample", "cli"];
// Specs shared by several stages are types only; importing their types is allowed.
const typeOnlyShared = new Set(["charts/spec.ts", "render/document.ts", "definition/normalize.ts", "analysis/types.ts"]);
// The definition is validated against the vocabularies of later stages (dataset roles, the
// analysis registry, its params and declared outputs, Plot mark names, the template helpers
// and parser), which the runner hands it (definition/vocabulary.ts, runner/definitions.ts): it
// names their types, and imports none of them at run time.
const vocabularyTypes: Record<string, Set<string>> = { definition: new Set(["data/roles.ts", "analysis/types.ts", "render/template-check.ts"]) };

// A stage that receives the product of an earlier one instead of calling it: print/ gets
// rendered HTML and its print setup from the runner, and never renders (not even a type).
const receivesOnly: Record<string, string[]> = { print: ["render"] };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("architecture", () => {
  it("stages import only from earlier stages", () => {
    const violations: string[] = [];
    for (const file of files(src)) {
      const from = relative(src, file).split("/")[0]!;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"(\.\.?\/[^"]+)"/gm)) {
        const target = relative(src, join(file, "..", m[3]!)).replace(/\.js$/, ".ts");
        const to = target.split("/")[0]!;
        // The message catalogues (locales/) hold words only: every stage may take its sentences from them.
        if (to === from || to === "core" || to === "util" || to === "locales" || to === "messages.ts") continue;
        if (receivesOnly[from]?.includes(to)) {
          violations.push(`${relative(src, file)} imports ${target} (${from}/ receives ${to}/'s output instead)`);
          continue;
        }
        if (m[2] && typeOnlyShared.has(target)) continue;
        if (m[2] && vocabularyTypes[from]?.has(target)) continue;
        if (order.indexOf(to) > order.indexOf(from)) violations.push(`${relative(src, file)} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("core/ (the shared vocabulary) imports nothing of src/, and data/ and util/ take it from there", () => {
    const imports = (dir: string) => files(join(src, dir)).flatMap((file) => [...readFileSync(file, "utf8").matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.\.?\/[^"]+)"/gm)].map((m) => `${relative(src, file)} → ${relative(src, join(file, "..", m[1]!))}`));
    expect(imports("core").filter((i) => !/→ core\//.test(i))).toEqual([]);
    expect([...imports("data"), ...imports("util")].filter((i) => /→ analysis\//.test(i))).toEqual([]);
  });
});
