// churnbook init scaffolds a working project; unknown commands get a did-you-mean; render and
// preview print one {"event":"cell",…} line per cell with --json, served from the cell cache on
// an unchanged second run and re-run with --no-cache.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadReport } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";

const root = join(import.meta.dirname, "..", "..");
const cli = (cwd: string, args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [join(root, "bin/churnbook.js"), ...args], { cwd, encoding: "utf8", env: { ...process.env, TZ: "UTC", ...env } });
const cellLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith('{"event":"cell"')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe("churnbook init", () => {
  it("scaffolds a definition, sample data, the schema with VS Code settings and a README; never overwrites", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "churnbook-init-")), "project");
    const r = cli(root, ["init", dir, "--locale", "zh-CN"]);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["reports/churn.yaml", "data/subscriptions.csv", "data/customers.csv", "data/churn_events.csv", "schema/report.schema.json", ".vscode/settings.json", "README.md"]) expect(existsSync(join(dir, f)), f).toBe(true);
    const settings = JSON.parse(readFileSync(join(dir, ".vscode/settings.json"), "utf8")) as { "yaml.schemas": Record<string, string[]> };
    expect(settings["yaml.schemas"]["./schema/report.schema.json"]).toContain("reports/*.yaml");
    expect(readFileSync(join(dir, "schema/report.schema.json"), "utf8")).toBe(readFileSync(join(root, "schema/report.schema.json"), "utf8"));
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme).toContain("npx churnbook preview reports/churn.yaml");
    expect(readme).toContain("npx churnbook render reports/churn.yaml");
    const report = await loadReport(join(dir, "reports/churn.yaml"));
    expect(report.locale).toBe("zh-CN");
    const run = await runReport(report, { keepGoing: false });
    expect(run.document.cells.some((c) => c.kind === "chart")).toBe(true);
    expect(run.results.get("top_reasons")!.result.tables.top_reasons!.length).toBeGreaterThan(0);
    // A second init into the same folder refuses and changes nothing.
    writeFileSync(join(dir, "reports/churn.yaml"), "# mine\n");
    const again = cli(root, ["init", dir]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already has reports\/churn\.yaml.*\[init-exists\]/);
    expect(readFileSync(join(dir, "reports/churn.yaml"), "utf8")).toBe("# mine\n");
  }, 120_000);

  it("an unknown command says so with a did-you-mean (exit 2, no stack)", () => {
    const r = cli(root, ["inti"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: unknown command "inti"; did you mean "init"? [unknown-command]');
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    expect(cli(root, ["rendr", "x.yaml"]).stderr).toContain('did you mean "render"?');
  });
});

describe("render --json and the cell cache", () => {
  it("prints one exact event line per cell; an unchanged second render is served from the cache; --no-cache runs every cell", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "churnbook-cached-")), "p");
    expect(cli(root, ["init", dir]).status).toBe(0);
    const env = { CHURNBOOK_CACHE_DIR: join(dir, "cache") };
    const args = ["render", "reports/churn.yaml", "--format", "html", "--json", "--period", "2026-10"];
    const cold = cli(dir, args, env);
    expect(cold.status, cold.stderr).toBe(0);
    const first = cellLines(cold.stderr);
    expect(first.map((e) => e.id)).toEqual(["summary", "trend", "reasons", "top_reasons", "markdown-4", "kpis", "chart-6", "chart-7", "table-9"]);
    for (const e of first) {
      expect(Object.keys(e)).toEqual(["event", "id", "ms", "cached"]);
      expect(Number.isInteger(e.ms)).toBe(true);
      expect(e.cached).toBe(false);
    }
    const warm = cli(dir, args, env);
    expect(warm.status, warm.stderr).toBe(0);
    expect(cellLines(warm.stderr).map((e) => e.cached)).toEqual(first.map(() => true));
    const html = readFileSync(join(dir, "out/churn/2026-10/report.html"), "utf8");
    expect(html).toContain("Top reasons by lost MRR");
    // One cell's params changed: that cell and the chart reading it re-run.
    const file = join(dir, "reports/churn.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("params: { periods: 12 }", "params: { periods: 9 }"));
    expect(cellLines(cli(dir, args, env).stderr).filter((e) => !e.cached).map((e) => e.id)).toEqual(["trend", "chart-6"]);
    // New bytes in one data file: a whole-render miss, and only the cells reading that dataset
    // (and those reading them) re-run.
    const events = join(dir, "data/churn_events.csv");
    const lines = readFileSync(events, "utf8").trimEnd().split("\n");
    writeFileSync(events, [...lines, lines[1]].join("\n") + "\n");
    const ran = cellLines(cli(dir, args, env).stderr).filter((e) => !e.cached).map((e) => e.id);
    expect(ran).toContain("reasons");
    expect(ran).not.toContain("summary");
    expect(ran).not.toContain("trend");
    // The output folder deleted: an unchanged render writes it again from the cache.
    rmSync(join(dir, "out"), { recursive: true });
    const again = cli(dir, args, env);
    expect(again.stderr).toContain("served from the cache");
    expect(readFileSync(join(dir, "out/churn/2026-10/report.html"), "utf8")).toContain("Top reasons by lost MRR");
    const bypass = cli(dir, [...args, "--no-cache"], env);
    expect(bypass.status).toBe(0);
    expect(cellLines(bypass.stderr).every((e) => e.cached === false)).toBe(true);
  }, 180_000);
});
