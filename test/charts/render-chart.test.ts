import { describe, expect, it } from "vitest";
import { renderChart } from "../../src/charts/index.js";
import { waterfallBars } from "../../src/charts/waterfall.js";
import { fontFamily, reasonRows, trendRows } from "./cases.js";

const en = { locale: "en-US", currency: "USD", fontFamily } as const;
const zh = { locale: "zh-CN", currency: "CNY", fontFamily } as const;

function tickTexts(svg: string, axis: "x" | "y"): string[] {
  const g = new RegExp(`aria-label="${axis}-axis tick label"[^>]*>(.*?)</g>`).exec(svg);
  return g ? [...g[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!) : [];
}

describe("renderChart", () => {
  it("returns Plot's warnings instead of drawing the ⚠ glyph", () => {
    // Numbers as strings on a point scale: Plot warns about it.
    const { svg, warnings } = renderChart({ marks: [{ mark: "dot", data: "t", options: { x: "v", y: "w" } }] }, { t: [{ v: 1, w: "10" }, { v: 2, w: "20" }] }, en);
    expect(svg).not.toContain("⚠");
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/strings that appear to be numbers/);
  });

  it("warns about an unknown table", () => {
    const { warnings } = renderChart({ marks: [{ mark: "lineY", data: "missing", options: { x: "a", y: "b" } }] }, {}, en);
    expect(warnings[0]).toMatch(/no table "missing"/);
  });

  it("formats percent ticks per locale and date ticks without English month names in zh-CN", () => {
    const spec = { marks: [{ mark: "lineY" as const, data: "trend", options: { x: "month", y: "churn_rate" } }], y: { format: "percent" as const } };
    const zhSvg = renderChart(spec, { trend: trendRows() }, zh).svg;
    expect(tickTexts(zhSvg, "y").every((t) => t.endsWith("%"))).toBe(true);
    const xs = tickTexts(zhSvg, "x");
    expect(xs.some((t) => /^\d{4}年\d{1,2}月$/.test(t))).toBe(true);
    expect(xs.join(" ")).not.toMatch(/[A-Za-z]/);
    const enXs = tickTexts(renderChart(spec, { trend: trendRows() }, en).svg, "x");
    expect(enXs.some((t) => /^[A-Z][a-z]{2} 2025$/.test(t))).toBe(true);
  });

  it("sizes the left margin to the widest y label", () => {
    const data = { t: [{ name: "A very long customer segment name indeed", v: 3 }, { name: "B", v: 5 }] };
    const { svg } = renderChart({ marks: [{ mark: "barX", data: "t", options: { y: "name", x: "v" } }] }, data, en);
    const m = /aria-label="y-axis tick label"[^>]*transform="translate\((-?[\d.]+)/.exec(svg);
    const labelX = /aria-label="y-axis tick label".*?<text[^>]*transform="translate\(([\d.]+)/.exec(svg);
    // The labels end at marginLeft − 9, and the widest must start inside the SVG.
    expect(m && labelX).toBeTruthy();
    const end = Number(m![1]) + Number(labelX![1]);
    expect(end).toBeGreaterThan(200);
  });

  it("rotates long category labels instead of overlapping them", () => {
    const { svg } = renderChart({ marks: [{ mark: "barY", data: "r", options: { x: "reason", y: "customers" } }] }, { r: reasonRows("en-US") }, en);
    expect(svg).toMatch(/rotate\(-40\)/);
  });

  it("computes waterfall levels", () => {
    const { bars } = waterfallBars([
      { step: "start", value: 100, kind: "start" },
      { step: "new", value: 20, kind: "in" },
      { step: "lost", value: -30, kind: "out" },
      { step: "end", value: null, kind: "end" },
    ]);
    expect(bars.map((b) => [b.y1, b.y2])).toEqual([[0, 100], [100, 120], [120, 90], [0, 90]]);
  });

  it("escapes data in the markup", () => {
    const { svg } = renderChart({ marks: [{ mark: "barY", data: "t", options: { x: "name", y: "v" } }] }, { t: [{ name: "<script>alert(1)</script>", v: 1 }] }, en);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
  });
});
