import { mkdtempSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keptOutputs, paramsFolder, writeAtomically } from "../../src/runner/outputs.js";
import { toCsv } from "../../src/runner/csv.js";
import { fillTemplate } from "../../src/runner/params.js";

describe("atomic outputs", () => {
  it("replaces a previous output only when the new one is complete", async () => {
    const root = mkdtempSync(join(tmpdir(), "churnbook-out-"));
    const target = join(root, "report", "2026-10");
    await writeAtomically(target, { "report.html": "v1", "tables/a.csv": "x\n" });
    expect(readFileSync(join(target, "report.html"), "utf8")).toBe("v1");
    await writeAtomically(target, { "report.html": "v2" });
    expect(readFileSync(join(target, "report.html"), "utf8")).toBe("v2");
    expect(existsSync(join(target, "tables/a.csv"))).toBe(false);
    // A write that fails halfway (a file name that cannot be created) leaves v2 untouched.
    await expect(writeAtomically(target, { "report.html": "v3", "bad\0name": "x" })).rejects.toThrow();
    expect(readFileSync(join(target, "report.html"), "utf8")).toBe("v2");
    expect(readdirSync(join(root, "report"))).toEqual(["2026-10"]);
  });

  it("replaces only the formats rendered: an HTML-only write keeps the PDFs, a PDF-only one the HTML", async () => {
    const root = mkdtempSync(join(tmpdir(), "churnbook-out-"));
    const target = join(root, "report", "2026-10");
    await writeAtomically(target, { "report.html": "h1", "report.pdf": "p1", "acme_2026-10_report.pdf": "n1", "manifest.json": "m1", "tables/a.csv": "x\n" });
    await writeAtomically(target, { "report.html": "h2", "manifest.json": "m2" }, { keep: keptOutputs(["html"]) });
    expect(readdirSync(target).sort()).toEqual(["acme_2026-10_report.pdf", "manifest.json", "report.html", "report.pdf"]);
    expect(readFileSync(join(target, "report.pdf"), "utf8")).toBe("p1");
    expect(readFileSync(join(target, "acme_2026-10_report.pdf"), "utf8")).toBe("n1");
    expect(readFileSync(join(target, "report.html"), "utf8")).toBe("h2");
    await writeAtomically(target, { "report.pdf": "p3", "manifest.json": "m3" }, { keep: keptOutputs(["pdf"]) });
    expect(readdirSync(target).sort()).toEqual(["manifest.json", "report.html", "report.pdf"]);
    expect(readFileSync(join(target, "report.html"), "utf8")).toBe("h2");
    expect(readFileSync(join(target, "report.pdf"), "utf8")).toBe("p3");
    // Both formats: nothing of the previous output survives.
    await writeAtomically(target, { "report.html": "h4" }, { keep: keptOutputs(["html", "pdf"]) });
    expect(readdirSync(target)).toEqual(["report.html"]);
    expect(readdirSync(join(root, "report"))).toEqual(["2026-10"]);
  });

  it("names the folder after the parameters, period first", () => {
    expect(paramsFolder({ period: "2026-10", client: "acme", currency: "CNY" })).toBe("2026-10_client-acme_currency-CNY");
    expect(paramsFolder({ period: "2026-Q3", client: "a/b c" })).toBe("2026-Q3_client-a-b-c");
  });
});

describe("csv", () => {
  it("quotes, keeps nulls empty and defuses spreadsheet formulas", () => {
    expect(toCsv([{ a: 'x,"y"', b: null, c: 0.1 + 0.2, d: "=HYPERLINK()", e: -5, f: "-5" }])).toBe('a,b,c,d,e,f\n"x,""y""",,0.3,\'=HYPERLINK(),-5,-5\n');
    expect(toCsv([])).toBe("\n");
  });
});

describe("templates in titles and paths", () => {
  it("fills parameters and names unknown ones", () => {
    expect(fillTemplate("data/{{client}}/x.csv", { client: "acme" })).toBe("data/acme/x.csv");
    expect(() => fillTemplate("{{clinet}}", { client: "acme" })).toThrow(/names no report parameter/);
    expect(() => fillTemplate("{{client}}", { client: null })).toThrow(/has no value/);
  });
});
