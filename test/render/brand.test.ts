// Brands and themes in the rendered HTML: logo, colours, fonts, cover text; the minimal theme
// and chart palettes led by the brand colour; nothing changes without a brand.

import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/render/index.js";
import { themePalette } from "../../src/render/render-report.js";
import type { ReportDocument } from "../../src/render/document.js";
import { fixtureDocument } from "./fixtures.js";

const logo = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>').toString("base64")}`;

function withCategoricalChart(doc: ReportDocument): ReportDocument {
  const rows = ["a", "b", "c"].flatMap((series) => ["2026-08", "2026-09", "2026-10"].map((period, i) => ({ period, series, value: i + series.length })));
  return {
    ...doc,
    cells: [...doc.cells, { kind: "chart", id: "series", chart: { title: "Series", marks: [{ mark: "lineY", data: "rows", options: { x: "period", y: "value", stroke: "series" } }] }, data: { rows } }],
  } as ReportDocument;
}

describe("brands and themes", () => {
  const base = withCategoricalChart(fixtureDocument("en-US"));

  it("embed the logo, colours, fonts and texts", () => {
    const doc: ReportDocument = { ...base, brand: { name: "Acme", primary: "#0b6e4f", accent: "#f4a259", logo: { dataUri: logo, mime: "image/svg+xml" }, fonts: ["Inter", "Noto Sans CJK SC"], fontFaceCss: '@font-face { font-family: "Inter"; src: url(data:font/woff2;base64,AAAA); }', coverText: "Prepared by Northwind", footerText: "Acme — confidential", files: [] } };
    const { html, warnings } = renderReport(doc);
    expect(warnings).toEqual([]);
    expect(html).toContain(`<img class="cover-logo-image" src="${logo.replace(/=/g, "&#x3D;")}"`);
    expect(html).toContain("--accent: #0b6e4f");
    expect(html).toContain("--accent-2: #f4a259");
    expect(html).toContain("--font: &quot;Inter&quot;, &quot;Noto Sans CJK SC&quot;, &quot;Noto Sans CJK SC&quot;");
    expect(html).toContain('@font-face { font-family: "Inter"');
    expect(html).toContain("Prepared by Northwind");
    // The categorical chart's series take the brand colours first.
    const svg = html.slice(html.indexOf('id="fig-series"'));
    expect(svg).toContain('stroke="#0b6e4f"');
    expect(svg).toContain('stroke="#f4a259"');
  });

  it("the minimal theme and its palette; without a brand the default theme and Plot's palette", () => {
    const minimal = renderReport({ ...base, brand: { theme: "minimal", fonts: [], files: [] } }).html;
    expect(minimal).toContain('churnbook "minimal" theme');
    expect(minimal.slice(minimal.indexOf('id="fig-series"'))).toContain('stroke="#334e68"');
    expect(themePalette('x { --chart-palette: #112233, #445566; }')).toEqual(["#112233", "#445566"]);
    const plain = renderReport(base).html;
    expect(plain).toContain("churnbook default theme");
    expect(plain).not.toContain('<img class="cover-logo-image"');
    expect(plain.slice(plain.indexOf('id="fig-series"'))).toContain('stroke="#4269d0"');
    expect(renderReport({ ...base, brand: { theme: "corporate", fonts: [], files: [] } }).html).toContain("churnbook default theme");
    expect(() => renderReport({ ...base, brand: { theme: "nope", fonts: [], files: [] } })).toThrow(/unknown theme "nope"/);
  });
});
