import { describe, expect, it } from "vitest";
import { renderChart } from "../../src/charts/index.js";
import { waterfallAxis, waterfallBars } from "../../src/charts/waterfall.js";
import { measureText } from "../../src/charts/measure.js";
import { sharedUnitFormat } from "../../src/charts/ticks.js";
import { cohortRows, fontFamily, reasonRows, trendRows } from "./cases.js";

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

  it("gives each mark a <title> tooltip with its values formatted as the axes format them", () => {
    const titles = (svg: string) => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    const trend = { marks: [{ mark: "dot" as const, data: "t", options: { x: "period", y: "rate", fill: "series" } }], x: { label: "Period" }, y: { format: "percent" as const, label: "Rate" } };
    const rows = [{ period: "2026-10", rate: 0.0162, series: "Churn" }];
    // The series first, then each axis by its label, formatted as its ticks are.
    expect(titles(renderChart(trend, { t: rows }, en).svg)).toEqual(["Churn\nPeriod: October 2026\nRate: 1.6%"]);
    expect(titles(renderChart(trend, { t: rows }, zh).svg)).toEqual(["Churn\nPeriod：2026年10月\nRate：1.6%"]);
    // An interval reads as a range; a constant colour ("currentColor") is no value.
    const forest = { marks: [{ mark: "ruleY" as const, data: "c", options: { y: "term", x1: "lo", x2: "hi", stroke: "currentColor" } }], x: { label: "Hazard ratio", format: "number" as const } };
    expect(titles(renderChart(forest, { c: [{ term: "Plan: Basic", lo: 0.5, hi: 1.25 }] }, en).svg)).toEqual(["Hazard ratio: 0.5 – 1.3\nPlan: Basic"]);
  });

  it("orders numbered categories naturally (company size 1-10, 11-50 … 1000+), not as text", () => {
    const rows = ["1000+", "11-50", "1-10", "201-1000", "51-200"].map((size, i) => ({ size, churn: 0.01 * (i + 1) }));
    const svg = renderChart({ marks: [{ mark: "barY", data: "t", options: { x: "size", y: "churn" } }] }, { t: rows }, en).svg;
    expect(tickTexts(svg, "x")).toEqual(["1-10", "11-50", "51-200", "201-1000", "1000+"]);
    // A mark that sorts its scale (by value) keeps its order.
    const sorted = renderChart({ marks: [{ mark: "barY", data: "t", options: { x: "size", y: "churn", sort: { x: "-y" } } }] }, { t: rows }, en).svg;
    expect(tickTexts(sorted, "x")).toEqual(["51-200", "201-1000", "1-10", "11-50", "1000+"]);
  });

  it("labels a bridge's bars in one unit with one number of decimals (never ¥88.0万 next to ¥8,444)", () => {
    const zhLabel = sharedUnitFormat([5_153_000, 880_300, 8_444, -109_000], "currency", "zh-CN", "CNY");
    expect([5_153_000, 880_300, 8_444, -109_000].map(zhLabel)).toEqual(["¥515.3万", "¥88.0万", "¥0.8万", "\u2212¥10.9万"]);
    const enLabel = sharedUnitFormat([182_400, 8_750, 1_200], "currency", "en-US", "USD");
    expect([182_400, 8_750, 1_200].map(enLabel)).toEqual(["$182.4K", "$8.8K", "$1.2K"]);
    // Below ten thousand nothing is scaled.
    expect(sharedUnitFormat([940, 78], "integer", "zh-CN", "CNY")(940)).toBe("940");
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

  it("keeps the end tick labels of a continuous legend inside it (0% is not cut to %)", () => {
    const spec = { marks: [{ mark: "cell" as const, data: "c", options: { x: "age", y: "cohort", fill: "retention" } }], color: { legend: true, format: "percent" as const, type: "linear", domain: [0, 1] } };
    const { svg, warnings } = renderChart(spec, { c: cohortRows() }, zh);
    expect(warnings).toEqual([]);
    const ramp = /<svg class="[^"]*-ramp"[^>]* width="(\d+)"[\s\S]*?<\/svg>/.exec(svg)!;
    const width = Number(ramp[1]);
    const ticks = [...ramp[0].matchAll(/<g class="tick"[^>]*transform="translate\(([\d.]+),0\)"><line[^>]*><\/line><text[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), text: m[2]! }));
    expect(ticks[0]!.text).toBe("0%");
    expect(ticks.at(-1)!.text).toBe("100%");
    for (const t of [ticks[0]!, ticks.at(-1)!]) {
      const half = measureText(t.text, 11, fontFamily) / 2;
      expect(t.x - half).toBeGreaterThanOrEqual(0);
      expect(t.x + half).toBeLessThanOrEqual(width);
    }
  });

  it("starts a bridge's axis near its lowest level when asked (zero: false) and its flows are small", () => {
    const rows = [
      { step: "start", value: 940, kind: "start" },
      { step: "new", value: 78, kind: "in" },
      { step: "back", value: 7, kind: "in" },
      { step: "lost", value: -15, kind: "out" },
      { step: "end", value: null, kind: "end" },
    ];
    const axis = waterfallAxis(waterfallBars(rows).bars)!;
    expect(axis).toEqual({ domain: [880, 1040], ticks: [880, 900, 920, 940, 960, 980, 1000, 1020, 1040] });
    // Flows as large as a third of the totals, or a non-positive level: zero stays.
    expect(waterfallAxis(waterfallBars([{ step: "a", value: 100, kind: "start" }, { step: "b", value: 60, kind: "in" }, { step: "c", value: null, kind: "end" }]).bars)).toBeNull();
    expect(waterfallAxis(waterfallBars([{ step: "a", value: 0, kind: "start" }, { step: "b", value: 6, kind: "in" }, { step: "c", value: null, kind: "end" }]).bars)).toBeNull();
    const cut = renderChart({ marks: [{ mark: "waterfall", data: "w" }], y: { format: "integer", zero: false } }, { w: rows }, zh);
    expect(cut.warnings).toEqual([]);
    expect(tickTexts(cut.svg, "y")[0]).toBe("880");
    // Without zero: false the bridge stays zero-based.
    expect(tickTexts(renderChart({ marks: [{ mark: "waterfall", data: "w" }], y: { format: "integer" } }, { w: rows }, zh).svg, "y")[0]).toBe("0");
  });

  it("escapes data in the markup", () => {
    const { svg } = renderChart({ marks: [{ mark: "barY", data: "t", options: { x: "name", y: "v" } }] }, { t: [{ name: "<script>alert(1)</script>", v: 1 }] }, en);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
  });
});
