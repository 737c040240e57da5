import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startPreview } from "../../src/runner/preview.js";

const root = join(import.meta.dirname, "..", "..");

describe("preview", () => {
  it("serves the report with a cell panel on 127.0.0.1, shows failed cells and definition errors, and re-runs after an edit", async () => {
    const work = mkdtempSync(join(tmpdir(), "churnbook-preview-"));
    cpSync(join(root, "data/globex"), join(work, "data/globex"), { recursive: true });
    const file = join(work, "reports/report.yaml");
    cpSync(join(root, "reports/monthly-churn-en.yaml"), file);
    const preview = await startPreview(file, { port: 0, overrides: { period: "2026-10" } });
    try {
      expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const first = await (await fetch(preview.url)).text();
      expect(first).toContain('class="preview-panel"');
      expect(first).toContain("Globex Inc. Monthly Churn &amp; Retention Report");
      expect(first).toMatch(/<td>summary<\/td><td>analysis · churn-summary<\/td><td>\d+ ms<\/td><td>ok<\/td>/);

      // A cell that fails is shown in place; the rest still renders.
      writeFileSync(file, readFileSync(file, "utf8").replace("table: lost.lost_customers", "table: lost.no_such_table"));
      const second = await (await fetch(preview.url)).text();
      expect(second).toMatch(/<tr class="failed">.*has no table &quot;no_such_table&quot;/);
      expect(second).toContain("Executive summary");

      // A definition error: the located message instead of the report.
      writeFileSync(file, readFileSync(file, "utf8").replace("analysis: churn-summary", "analysis: churn-sumary"));
      const third = await (await fetch(preview.url)).text();
      expect(third).toMatch(/report\.yaml:\d+:\d+: unknown analysis &quot;churn-sumary&quot;/);
      expect((await fetch(preview.url + "other")).status).toBe(404);
    } finally {
      await preview.close();
    }
  });
});
