// End to end: the flagship report rendered to HTML and PDF from the bundled sample data, and
// the failure modes a user meets (a failed render keeps the previous output; an empty period).

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderFiles } from "../../src/runner/render-files.js";
import { formatPercent } from "../../src/util/format.js";
import { isChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
const now = new Date("2026-11-25T09:00:00Z");

function summaryValue(dir: string, metric: string): number {
  const csv = readFileSync(join(dir, "tables", "summary.csv"), "utf8").trim().split("\n");
  const header = csv[0]!.split(",");
  const row = csv.map((l) => l.split(",")).find((r) => r[header.indexOf("metric")] === metric)!;
  return Number(row[header.indexOf("value")]);
}

describe("flagship report", () => {
  it("renders zh-CN to HTML and PDF with the title, period and KPI values", async () => {
    const out = mkdtempSync(join(tmpdir(), "churnbook-e2e-"));
    const result = await renderFiles(join(root, "reports/monthly-churn.yaml"), { out, now });
    const dir = result.dir;
    expect(dir).toBe(join(out, "monthly-churn", "2026-10"));
    for (const f of ["report.html", "report.pdf", "manifest.json", "tables/summary.csv", "tables/trend.csv"]) expect(existsSync(join(dir, f))).toBe(true);
    expect(result.warnings.filter((w) => /NaN|Infinity|undefined|warning/i.test(w))).toEqual([]);

    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [join(dir, "report.pdf")], { encoding: "utf8" }))![1]);
    expect(pages).toBeGreaterThanOrEqual(8);
    expect(pages).toBeLessThanOrEqual(30);
    const text = execFileSync("pdftotext", ["-layout", join(dir, "report.pdf"), "-"], { encoding: "utf8" });
    expect(text).toContain("月度客户流失与保持报告");
    expect(text).toContain("2026年10月");
    const churn = formatPercent(summaryValue(dir, "churn_rate"), "zh-CN");
    // Page one's drivers sentence ends on this period's churn rate (the KPI's value): "（3.0% → 1.6%）".
    expect(text).toContain(`→ ${churn}`);
    expect(text).not.toMatch(/\bNaN\b|Infinity|undefined/);

    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).not.toMatch(/<link|src="http|href="http/i);
    // No script but the static table sorter, which makes no request.
    expect([...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])).toEqual(['<script id="churnbook-table-sort">']);
    expect(html.slice(html.indexOf('<script id="churnbook-table-sort">'))).not.toMatch(/fetch|XMLHttpRequest|import\(|src=/);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.params).toMatchObject({ period: "2026-10", client: "acme" });
    expect(manifest.inputs.map((i: { dataset: string }) => i.dataset)).toEqual(["customers", "subscriptions", "transactions", "tickets", "churn_events"]);
    expect(manifest.inputs.every((i: { sha256: string }) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(manifest.timings.some((t: { phase: string }) => t.phase === "pdf")).toBe(true);
  });

  it("renders the en-US report for another client and currency", async () => {
    const out = mkdtempSync(join(tmpdir(), "churnbook-e2e-"));
    // An earlier render's PDF in the folder: an HTML-only render replaces the HTML only.
    const previous = join(out, "monthly-churn-en", "2026-09");
    mkdirSync(previous, { recursive: true });
    writeFileSync(join(previous, "report.pdf"), "%PDF-earlier");
    const result = await renderFiles(join(root, "reports/monthly-churn-en.yaml"), { out, now, formats: ["html"], overrides: { period: "2026-09" } });
    expect(dir(result)).toBe(previous);
    expect(readFileSync(join(previous, "report.pdf"), "utf8")).toBe("%PDF-earlier");
    expect(JSON.parse(readFileSync(join(previous, "manifest.json"), "utf8")).kept).toEqual(["report.pdf"]);
    const html = readFileSync(join(dir(result), "report.html"), "utf8");
    expect(html).toContain("Globex Inc. Monthly Churn &amp; Retention Report");
    expect(html).toContain("September 2026");
    expect(html).toContain("$");
  });

  it("keeps the previous output when a render fails halfway, and names the bad value", async () => {
    const work = mkdtempSync(join(tmpdir(), "churnbook-e2e-"));
    cpSync(join(root, "data/globex"), join(work, "data/globex"), { recursive: true });
    cpSync(join(root, "reports/monthly-churn-en.yaml"), join(work, "reports/report.yaml"));
    const out = join(work, "out");
    const first = await renderFiles(join(work, "reports/report.yaml"), { out, now, formats: ["html"], overrides: { period: "2026-10" } });
    const before = readFileSync(join(first.dir, "report.html"), "utf8");
    const tx = join(work, "data/globex/transactions.csv");
    const lines = readFileSync(tx, "utf8").split("\n");
    lines[5] = lines[5]!.replace(/\d{4}-\d{2}-\d{2}/, "31/02/2026");
    writeFileSync(tx, lines.join("\n"));
    await expect(renderFiles(join(work, "reports/report.yaml"), { out, now, formats: ["html"], overrides: { period: "2026-10" } })).rejects.toMatchObject({
      code: "bad-value",
      location: { dataset: "transactions", column_name: "date", row: 5 },
    });
    expect(readFileSync(join(first.dir, "report.html"), "utf8")).toBe(before);
  });

  it("refuses a period outside the data, naming the data's range", async () => {
    const out = mkdtempSync(join(tmpdir(), "churnbook-e2e-"));
    const err = await renderFiles(join(root, "reports/monthly-churn-en.yaml"), { out, now, formats: ["html"], overrides: { period: "2020-01" }, keepGoing: true }).catch((e: unknown) => e);
    expect(isChurnbookError(err) && err.code).toBe("period-outside-data");
    expect((err as Error).message).toMatch(/2020-01.*before the data, which runs from 2024-06-02/);
  });

  it("prints — with no NaN where a comparison has no data (the first months, no year before)", async () => {
    const out = mkdtempSync(join(tmpdir(), "churnbook-e2e-"));
    const result = await renderFiles(join(root, "reports/monthly-churn-en.yaml"), { out, now, formats: ["html"], overrides: { period: "2024-08" }, keepGoing: true });
    const raw = readFileSync(join(result.dir, "report.html"), "utf8").replace(/<style[\s\S]*?<\/style>/g, "");
    const html = raw.replace(/<dd[\s\S]*?<\/dd>/g, "");
    expect(html).not.toMatch(/\bNaN\b|Infinity|undefined/);
    // No year before: page one's and the KPI band's comparisons with last year print —.
    expect(raw).toMatch(/<dd class="neutral">—<\/dd>/);
  });
});

function dir(r: { dir: string }): string {
  return r.dir;
}
