import { describe, expect, it } from "vitest";
import { renderChart } from "../../src/charts/index.js";
import { chartCases, fontFamily } from "./cases.js";
import { compareGolden } from "./golden.js";

describe("chart goldens", () => {
  for (const [name, make] of chartCases) {
    it(name, () => {
      const c = make();
      const { svg, warnings } = renderChart(c.spec, c.data, { locale: c.locale, currency: c.currency, width: c.width, fontFamily });
      expect(warnings).toEqual([]);
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
      expect(svg).not.toContain("⚠");
      if (c.locale === "zh-CN") expect(svg).not.toMatch(/>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/);
      expect(compareGolden("charts", name, "svg", svg)).toBeNull();
    });
  }
});
