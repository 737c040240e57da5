import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyTemplate, createHandlebars, makeHelpers, renderMarkdown, renderReport } from "../../src/render/index.js";
import { compareGolden } from "../charts/golden.js";
import { fixtureDocument } from "./fixtures.js";

const templatesDir = join(import.meta.dirname, "..", "..", "templates");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

describe("renderReport goldens", () => {
  for (const locale of ["zh-CN", "en-US"] as const) {
    it(`report-${locale}`, () => {
      const { html, warnings } = renderReport(fixtureDocument(locale, { atRiskRows: 8 }));
      expect(warnings).toEqual([]);
      expect(html).not.toMatch(/NaN|Infinity|undefined|⚠/);
      expect(compareGolden("render", `report-${locale}`, "html", html)).toBeNull();
    });
  }
});

describe("renderReport", () => {
  const { html, toc } = renderReport(fixtureDocument("zh-CN"));

  it("makes no network request: no external URL in src or href", () => {
    const urls = [...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^(#|data:)/);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/@import/);
  });

  it("escapes data: a customer named <script> prints as text", () => {
    // The one script is the static table sorter (templates/partials/sort-script.hbs).
    expect([...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])).toEqual(['<script id="churnbook-table-sort">']);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Raw HTML in markdown is escaped, not rendered.
    expect(html).not.toContain("<b>原始");
  });

  it("builds the table of contents from markdown h2 and chart/table titles", () => {
    expect(toc.map((e) => e.text)).toEqual(["摘要", "流失趋势", "近 18 个月客户流失率", "漏水桶：流入与流出", "本月客户流入与流出", "新客户群留存", "按获客月份的留存率", "流失原因分布", "风险客户与挽留建议", "高风险客户名单", "分群明细（宽表）", "附录"]);
    for (const e of toc) expect(html).toContain(`id="${e.id}"`);
  });

  it("leaves each TOC entry an empty page slot naming its anchor, for print/ to fill in", () => {
    for (const e of toc) expect(html).toContain(`<a href="#${e.id}"><span class="toc-text">`);
    expect([...html.matchAll(/<span class="toc-page" data-page-of="([^"]*)"><\/span>/g)].map((m) => m[1])).toEqual(toc.map((e) => e.id));
  });

  it("puts wide tables on a landscape named page and right-aligns numbers", () => {
    expect(html).toMatch(/class="cell cell-table wide[ "]/);
    expect(html).toMatch(/@page wide \{ size: A4 landscape; \}/);
    expect(html).toMatch(/<td class="num nowrap" data-sort="12000">¥12,000<\/td>/);
  });

  it("never prints a table wider than a landscape page: its first 12 columns, the rest named under it", () => {
    const doc = fixtureDocument("en-US");
    const wide = doc.cells.find((c) => c.id === "segments-wide")! as Extract<(typeof doc.cells)[number], { kind: "table" }>;
    wide.columns = Array.from({ length: 15 }, (_, i) => ({ key: `k${i}`, label: `Col ${i}`, format: "integer" as const }));
    wide.rows = [Object.fromEntries(wide.columns.map((c, i) => [c.key, i]))];
    const out = renderReport(doc).html;
    const section = out.slice(out.indexOf('id="cell-segments-wide"'), out.indexOf("</section>", out.indexOf('id="cell-segments-wide"')));
    expect([...section.matchAll(/<th /g)]).toHaveLength(12);
    expect(section).toContain("3 more columns not shown (the exported CSV and xlsx files have them all): Col 12, Col 13, Col 14");
  });

  it("keeps a long table's first and last rows together and never splits a short one", () => {
    const doc = fixtureDocument("zh-CN", { atRiskRows: 15 });
    const out = renderReport(doc).html;
    const bodies = [...out.matchAll(/<tbody( class="keep")?>([\s\S]*?)<\/tbody>/g)].map((m) => [m[1] ? "keep" : "", (m[2]!.match(/<tr/g) ?? []).length]);
    // 15 rows: 3 kept with the header, 9, and the last 3 together (never "14 + 1").
    expect(bodies).toContainEqual(["keep", 3]);
    expect(bodies.filter(([k]) => k === "keep").length % 2).toBe(0);
    expect(out).toMatch(/class="cell cell-table[^"]* unsplit"/);
  });

  it("colours KPI deltas by which way is better", () => {
    // Churn rate rose (better: down) → bad; customers rose (better: up) → good.
    expect(html).toMatch(/kpi-delta bad"><dt>环比<\/dt><dd><span class="arrow" aria-hidden="true">▲<\/span>\+0\.3个百分点/);
    expect(html).toMatch(/kpi-delta good"><dt>环比<\/dt><dd><span class="arrow" aria-hidden="true">▲<\/span>\+3\.0%/);
  });

  it("passes chart cells to an injected chart renderer", () => {
    const seen: string[] = [];
    const out = renderReport(fixtureDocument("en-US"), {
      charts: (cell, ctx) => {
        seen.push(`${cell.id}@${ctx.width}`);
        return { svg: `<svg data-cell="${cell.id}"></svg>` as never, warnings: ["w"] };
      },
    });
    expect(seen).toEqual(["trend@672", "bucket@672", "cohorts@672", "reasons@672"]);
    expect(out.warnings).toEqual(['cell "trend": w', 'cell "bucket": w', 'cell "cohorts": w', 'cell "reasons": w']);
  });

  it("rejects an unsafe accent colour with a warning", () => {
    const doc = { ...fixtureDocument("en-US"), theme: { name: "default", accent: "red; background: url(http://x)" } };
    const out = renderReport(doc);
    expect(out.warnings[0]).toMatch(/invalid accent/);
    expect(out.html).not.toContain("http://x");
  });
});

describe("templates", () => {
  it("use the triple-stash only for chart SVG and rendered markdown", () => {
    // brandCss: the @font-face of a brand's font file, built from a validated family name
    // ([A-Za-z0-9 _-]) and base64 bytes (definition/brand.ts): nothing in it can close the <style>.
    const allowed = new Set(["svg", "markdownHtml", "brandCss"]);
    for (const f of files(templatesDir).filter((f) => f.endsWith(".hbs"))) {
      for (const m of readFileSync(f, "utf8").matchAll(/\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\}/g)) {
        expect(allowed.has(m[1] ?? m[2] ?? ""), `${f}: ${m[0]}`).toBe(true);
      }
    }
  });

  it("use only local fonts (no @font-face or web font URLs)", () => {
    for (const f of files(templatesDir)) {
      const text = readFileSync(f, "utf8");
      expect(text, f).not.toMatch(/@font-face|fonts\.googleapis|https?:\/\//);
    }
  });
});

describe("markdown", () => {
  it("escapes raw HTML and drops external links and images", () => {
    const { html } = renderMarkdown('<img src=x onerror=alert(1)>\n\n[site](http://evil.example) [here](#appendix-title) ![logo](http://x/y.png)', { idPrefix: "m" });
    expect(html).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;");
    expect(html).not.toContain("<img");
    expect(html).not.toMatch(/href="http|src="http/);
    expect(html).toContain('<a href="#appendix-title">here</a>');
  });
  it("gives headings ids and reports them", () => {
    const r = renderMarkdown("## A & B\n\ntext\n\n### sub\n\n## C", { idPrefix: "sec-x" });
    expect(r.headings).toEqual([{ id: "sec-x-h1", text: "A & B", depth: 2 }, { id: "sec-x-h2", text: "C", depth: 2 }]);
  });
});

describe("helpers", () => {
  it("evaluate markdown cells over analysis results, escaping values", () => {
    const out = applyTemplate("流失率 {{percent summary.churn_rate}}，收入 {{currency summary.mrr}}，{{delta 0.034 0.031 format=\"percent\"}} {{period p}} {{t \"vsPrevious\"}} {{summary.name}}", { summary: { churn_rate: 0.0342, mrr: 123_000, name: "<b>x</b>" }, p: "2026-Q3" }, { locale: "zh-CN", currency: "CNY" });
    expect(out).toBe("流失率 3.4%，收入 ¥12.3万，▲ +0.3个百分点 2026年第3季度 环比 &lt;b&gt;x&lt;/b&gt;");
  });
  it("are a plain object and register on an isolated instance", () => {
    const helpers = makeHelpers({ locale: "en-US", currency: "USD" });
    expect(Object.keys(helpers)).toEqual(expect.arrayContaining(["percent", "number", "integer", "currency", "date", "period", "delta", "t"]));
    const hb = createHandlebars({ locale: "en-US", currency: "USD" });
    expect(hb.compile("{{t \"pageXofY\" page=2 pages=9}} {{deltaClass 0.04 0.03 format=\"percent\" better=\"down\"}}")({})).toBe("Page 2 of 9 bad");
  });
});
