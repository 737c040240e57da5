// BG/NBD at the boundary (issue 9, item 7): a fit whose parameters run off to 0 or infinity is
// not printed as fact — it falls back to the documented limit and says so next to the result.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clv } from "../../src/analysis/clv.js";
import type { Row } from "../../src/analysis/types.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import { renderReport } from "../../src/render/index.js";
import { runOnRows } from "../helpers/analysis.js";
import { readSample } from "./stats/cdnow-fixture.js";

const englishWords = /\b(the|is|and|of|customers?|model|rate|drop-out)\b/i;

/** Every customer with exactly the same purchase pattern: 3 repeat purchases, the last at
 * week 12, observed for 20 weeks (spend varies a little so Gamma–Gamma is identified). */
function identical(): Row[] {
  return Array.from({ length: 50 }, (_, i) => ({ customer_id: `A${String(i).padStart(2, "0")}`, frequency: 3, recency: 12, T: 20, monetary: 20 + (i % 7) }));
}

/** Half one-time buyers, half buying every 4 weeks up to now: nobody is ever seen dropping out. */
function nobodyLeaves(): Row[] {
  return Array.from({ length: 100 }, (_, i) => {
    const T = 30 + (i % 10);
    const x = i % 2 ? Math.floor(T / 4) : 0;
    return { customer_id: `B${String(i).padStart(3, "0")}`, frequency: x, recency: 4 * x, T, monetary: x ? 30 + (i % 9) : 0 };
  });
}

describe("BG/NBD at the boundary", () => {
  it("identical customers: no longer a failed fit — the homogeneous rate and drop-out limit, noted", async () => {
    const res = await runOnRows(clv, { summary: identical() }, {});
    expect(res.scalars.bgnbd_fit).toBe("homogeneous-rate-dropout");
    expect(res.scalars.bgnbd_boundary).toBe("r, alpha, a, b");
    // P(alive | x = 3, t_x = 12, T = 20) of the two-parameter limit: λ ≈ 0.1728, p ≈ 0.110
    const row = res.tables.customers![0]!;
    expect(row.p_alive as number).toBeCloseTo(0.670, 2);
    expect(Number.isFinite(res.scalars.total_clv)).toBe(true);
    expect(res.notes!.some((n) => /fixed monthly billing/.test(n))).toBe(true);
    expect(res.notes!.some((n) => /Drop-out does not vary between customers either/.test(n) && /p = a\/\(a\+b\) = 0\.11/.test(n))).toBe(true);
    const zh = await runOnRows(clv, { summary: identical() }, {}, { locale: "zh-CN" });
    const note = zh.notes!.find((n) => n.includes("流失倾向同样没有差异"))!;
    expect(note).toBeDefined();
    expect(englishWords.test(note)).toBe(false);
  });

  it("nobody seen dropping out: a → 0 is stated, CLV read as an upper bound", async () => {
    const res = await runOnRows(clv, { summary: nobodyLeaves() }, {});
    expect(res.scalars.bgnbd_fit).toBe("free");
    expect(String(res.scalars.bgnbd_boundary)).toMatch(/dropout/);
    expect((res.scalars.a as number) / ((res.scalars.a as number) + (res.scalars.b as number))).toBeLessThan(1e-4);
    expect(res.notes!.some((n) => /mean drop-out probability/.test(n) && /upper bound/.test(n))).toBe(true);
    const zh = await runOnRows(clv, { summary: nobodyLeaves() }, {}, { locale: "zh-CN" });
    const note = zh.notes!.find((n) => n.includes("平均流失概率"))!;
    expect(note).toMatch(/上限/);
    expect(englishWords.test(note)).toBe(false);
  });

  it("drop-out alike but rates not (a, b → ∞, r and α finite): no longer a failed fit — r, α and one p, noted", async () => {
    const rows = nobodyLeaves().map((r, i) => (i % 4 === 1 ? { ...r, recency: Math.max(0, (r.recency as number) - 16), frequency: Math.max(1, (r.frequency as number) - 4) } : r));
    const res = await runOnRows(clv, { summary: rows }, {});
    expect(res.scalars.bgnbd_fit).toBe("homogeneous-dropout");
    expect(res.scalars.bgnbd_boundary).toBe("a, b");
    expect(res.scalars.r as number).toBeLessThan(10);
    expect(res.notes!.some((n) => /^Drop-out does not vary between customers \(a, b run off/.test(n) && /Gamma\(r, α\)/.test(n))).toBe(true);
    const zh = await runOnRows(clv, { summary: rows }, {}, { locale: "zh-CN" });
    const note = zh.notes!.find((n) => n.includes("流失倾向没有差异"))!;
    expect(englishWords.test(note)).toBe(false);
  });

  it("an ordinary fit (the CDNOW sample) has no boundary note", async () => {
    const rows: Row[] = readSample().map((s) => ({ customer_id: s.id.padStart(4, "0"), frequency: s.x, recency: Math.round(s.tx * 7) / 7, T: Math.round(s.T * 7) / 7, monetary: s.zbar }));
    const res = await runOnRows(clv, { summary: rows }, {});
    expect(res.scalars.bgnbd_fit).toBe("free");
    expect(res.scalars.bgnbd_boundary).toBeNull();
    expect(res.notes ?? []).toEqual([]);
  });

  it("the notes are printed in the report next to the CLV result, not only in the run log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "churnbook-clv-boundary-"));
    const rows = identical();
    writeFileSync(join(dir, "summary.csv"), ["customer_id,frequency,recency,T,monetary", ...rows.map((r) => `${r.customer_id},${r.frequency},${r.recency},${r.T},${r.monetary}`)].join("\n") + "\n");
    for (const [locale, marker] of [["en-US", "Drop-out does not vary"], ["zh-CN", "流失倾向同样没有差异"]] as const) {
      const report = parseReportText(
        `title: CLV
locale: ${locale}
datasets:
  summary: { path: "${join(dir, "summary.csv")}", role: summary }
cells:
  - id: value
    analysis: clv
  - id: top
    table: value
    limit: 5
`,
        join(dir, "clv.yaml"),
      );
      const run = await runReport(report, { overrides: { period: "2026-10" }, now: new Date("2026-11-25T00:00:00Z") });
      const cell = run.document.cells.find((c) => c.id === "top")!;
      expect("notes" in cell && cell.notes!.some((n) => n.includes(marker))).toBe(true);
      const { html } = renderReport(run.document, { charts: () => ({ svg: "" as never, warnings: [] }) });
      const box = html.indexOf('id="cell-top-notes"');
      expect(box).toBeGreaterThan(html.indexOf('id="cell-top"'));
      expect(html.slice(box, html.indexOf("</aside>", box))).toContain(marker);
    }
  });
});
