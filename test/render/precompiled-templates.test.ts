// The report templates the build compiles ahead of time (src/render/precompile.ts, written into
// dist/ as render/templates-compiled.js): the same HTML as compiling at run time, and used only
// while each was compiled from the very source the renderer loaded.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Handlebars from "handlebars";
import { afterAll, describe, expect, it, vi } from "vitest";
import { precompiledTemplatesModule } from "../../src/render/precompile.js";
import type { CompiledTemplate } from "../../src/render/templates-compiled.js";
import { fixtureDocument } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "churnbook-templates-"));

/** The generated module, imported as the build's output would be. */
async function generated(): Promise<Record<string, CompiledTemplate>> {
  const file = join(dir, `templates-compiled-${Date.now()}.mjs`);
  writeFileSync(file, precompiledTemplatesModule());
  return ((await import(pathToFileURL(file).href)) as { templates: Record<string, CompiledTemplate> }).templates;
}

/** renderReport with `templates` as the precompiled module. */
async function renderWith(templates: Record<string, CompiledTemplate> | undefined) {
  vi.resetModules();
  vi.doMock("../../src/render/templates-compiled.js", () => ({ templates }));
  const { renderReport } = await import("../../src/render/render-report.js");
  return renderReport(fixtureDocument("zh-CN", { atRiskRows: 8 })).html;
}

describe("precompiled report templates", () => {
  afterAll(() => {
    vi.doUnmock("../../src/render/templates-compiled.js");
    vi.resetModules();
    rmSync(dir, { recursive: true, force: true });
  });

  it("render the same HTML as the templates compiled at run time", async () => {
    const templates = await generated();
    expect(Object.keys(templates)).toContain("layout");
    expect(Object.keys(templates)).toContain("partial:table");
    expect(await renderWith(templates)).toBe(await renderWith(undefined));
  });

  it("are used only while compiled from the source the renderer loaded, by this Handlebars", async () => {
    const templates = await generated();
    const layout = templates.layout!;
    // A layout compiled from other text, recorded with the real source: used, so the page says so.
    const spec = new Function(`return ${String(Handlebars.precompile("precompiled {{lang}}", { strict: false }))}`)() as TemplateSpecification;
    const marked = { ...layout, spec };
    expect(await renderWith({ ...templates, layout: marked })).toBe("precompiled zh-CN");
    // The same, recorded with another source or another Handlebars: compiled from the source instead.
    const plain = await renderWith(undefined);
    expect(await renderWith({ ...templates, layout: { ...marked, source: `${layout.source} ` } })).toBe(plain);
    expect(await renderWith({ ...templates, layout: { ...marked, version: "0.0.0" } })).toBe(plain);
  });
});
