import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startPreview } from "../../src/runner/preview.js";

const root = join(import.meta.dirname, "..", "..");

describe("preview", () => {
  it("serves the notebook on 127.0.0.1, shows failed cells and definition errors in place, and re-runs after an edit", async () => {
    const work = mkdtempSync(join(tmpdir(), "churnbook-preview-"));
    cpSync(join(root, "data/globex"), join(work, "data/globex"), { recursive: true });
    const file = join(work, "reports/report.yaml");
    cpSync(join(root, "reports/monthly-churn-en.yaml"), file);
    const preview = await startPreview(file, { port: 0, overrides: { period: "2026-10" }, cache: null, log: () => {} });
    try {
      expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const first = await (await fetch(preview.url)).text();
      expect(first).toContain("Globex Inc. Monthly Churn &amp; Retention Report");
      expect(first).toMatch(/<section class="nb-cell ok" id="nb-cell-summary"[^>]*data-cached="false"[^>]*>.*<span class="nb-kind">analysis<\/span><span class="nb-id">summary<\/span><span class="nb-detail">churn-summary<\/span>.*<span class="nb-time">\d+ ms<\/span>/);

      // A cell that fails is shown in place; the rest still renders.
      writeFileSync(file, readFileSync(file, "utf8").replace("table: lost.lost_customers", "table: lost.no_such_table"));
      const second = await (await fetch(preview.url)).text();
      expect(second).toMatch(/<section class="nb-cell error"[^>]*>.*<div class="nb-error" role="alert">.*has no table &quot;no_such_table&quot;/);
      expect(second).toContain("Key metrics");
      expect(second.match(/class="nb-cell error"/g)).toHaveLength(1);

      // A definition error: the located message instead of the report.
      // (validate now also rejects the bad table reference above: put it back, so this is the one problem)
      writeFileSync(file, readFileSync(file, "utf8").replace("table: lost.no_such_table", "table: lost.lost_customers").replace("analysis: churn-summary", "analysis: churn-sumary"));
      const third = await (await fetch(preview.url)).text();
      expect(third).toMatch(/<section class="nb-cell error" id="nb-cell-summary".*report\.yaml:\d+:\d+<\/div><pre class="nb-message">unknown analysis &quot;churn-sumary&quot;/);
      // The other cells keep their last good output.
      expect(third).toContain("Key metrics");
      expect((await fetch(preview.url + "other")).status).toBe(404);
    } finally {
      await preview.close();
    }
  });
});
