// Page one of the shipped monthly reports, rendered for a month, a quarter and a year in both
// languages: the executive summary is there, its words follow the period's grain (no "last
// month" in a quarterly report), a zh-CN report has no English outside data values, and the
// headline figures equal the KPI cells of the same report (one source: the results).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import { renderReport } from "../../src/render/render-report.js";
import type { ReportDocument } from "../../src/render/document.js";
import { formatValue } from "../../src/util/format.js";
import { splitPoints } from "../../src/runner/summary.js";
import { evaluateAlerts, periodThreshold } from "../../src/runner/alerts.js";
import type { ResultsById } from "../../src/runner/cells.js";
import { getAnalysis } from "../../src/analysis/registry.js";

const root = join(import.meta.dirname, "..", "..");
const now = new Date("2026-11-25T09:00:00Z");

/** The visible text of an HTML fragment. */
function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<svg[\s\S]*?<\/svg>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");
}

function section(html: string, cls: string): string {
  const i = html.indexOf(`<section class="${cls}"`);
  expect(i, cls).toBeGreaterThanOrEqual(0);
  return html.slice(i, html.indexOf("</section>", i));
}

async function render(file: string, period: string): Promise<{ doc: ReportDocument; html: string }> {
  const path = join(root, "reports", file);
  const report = parseReportText(readFileSync(path, "utf8"), path);
  // The churn model behind the playbook is the slow part; a smaller training sample keeps this test quick.
  const run = await runReport(report, { overrides: { period }, now });
  const { html } = renderReport(run.document, { charts: () => ({ svg: "<svg></svg>", warnings: [] }) as never });
  return { doc: run.document, html };
}

const wrongGrain: Record<string, { en: RegExp; zh: RegExp }> = {
  month: { en: /last quarter|this quarter|Quarterly/, zh: /上季度|本季度|季度客户/ },
  quarter: { en: /last month|this month|Monthly|month-to-month/, zh: /上月|本月|月度/ },
  year: { en: /last month|this month|last quarter|this quarter|Monthly|Quarterly/, zh: /上月|本月|上季度|本季度|月度客户|季度客户/ },
};

const cases = [
  { file: "monthly-churn.yaml", period: "2026-10", grain: "month" },
  { file: "monthly-churn.yaml", period: "2026-Q3", grain: "quarter" },
  { file: "monthly-churn.yaml", period: "2025", grain: "year" },
  { file: "monthly-churn-en.yaml", period: "2026-10", grain: "month" },
  { file: "monthly-churn-en.yaml", period: "2026-Q3", grain: "quarter" },
  { file: "monthly-churn-en.yaml", period: "2025", grain: "year" },
];

describe("page one", () => {
  for (const c of cases) {
    it(`${c.file} ${c.period}: summary on page one, grain-aware words, figures equal the KPI cells`, async () => {
      const { doc, html } = await render(c.file, c.period);
      const zh = doc.locale === "zh-CN";
      expect(doc.summary).toBeDefined();
      // Page one: the summary comes before the contents and the report; no full cover.
      expect(html).not.toContain('<section class="cover"');
      expect(html.indexOf('<section class="summary"')).toBeLessThan(html.indexOf('class="toc'));
      const page = text(section(html, "summary"));
      // The client's display name, not its folder id.
      expect(page).toContain(zh ? "艾克美科技" : "Globex Inc.");
      expect(text(html.slice(0, html.indexOf("</title>")))).not.toMatch(zh ? /\bacme\b/ : /\bglobex\b/);
      // Every part is there, with numbers.
      const s = doc.summary!;
      expect(s.headline).toHaveLength(4);
      expect(s.changes.length).toBeGreaterThan(0);
      expect(s.drivers).toBeTruthy();
      expect(s.actions.length).toBeGreaterThan(0);
      expect(page).not.toMatch(/NaN|undefined|Infinity/);
      for (const h of s.headline) expect(h.value).not.toBe("—");

      // Grain-aware words, in the summary and in the whole report's prose.
      const all = text(html.slice(0, html.indexOf('<section class="appendix"')));
      expect(all).not.toMatch(zh ? wrongGrain[c.grain]!.zh : wrongGrain[c.grain]!.en);
      expect(text(html.slice(html.indexOf("<title>"), html.indexOf("</title>")))).toContain(
        zh ? { month: "月度", quarter: "季度", year: "年度" }[c.grain]! : { month: "Monthly", quarter: "Quarterly", year: "Annual" }[c.grain]!,
      );
      // No English in the zh-CN summary outside data values (plan names, currency, MRR/NRR/GRR).
      if (zh) expect(page.replace(/MRR|NRR|GRR|¥|CNY/g, "")).not.toMatch(/[A-Za-z]{3,}/);

      // Page one's headline figures are the KPI band's (same value, same 环比/同比 deltas).
      const kpis = doc.cells.find((x) => x.kind === "kpi");
      expect(kpis && kpis.kind === "kpi").toBe(true);
      if (kpis?.kind !== "kpi") return;
      const kpiSection = text(html.slice(html.indexOf('class="cell cell-kpi"'), html.indexOf("</section>", html.indexOf('class="cell cell-kpi"'))));
      for (const h of s.headline) {
        expect(kpiSection, h.label).toContain(h.value);
        for (const d of h.deltas) if (d.text !== "—") expect(kpiSection, `${h.label} ${d.label}`).toContain(d.text);
      }
      const churn = kpis.items.find((i) => i.format === "percent" && i.better === "down")!;
      expect(s.headline[1]!.value).toBe(formatValue(churn.value, "percent", doc.locale, doc.currency));
      // The drivers sentence states the same change as the KPI's 环比.
      const churnDelta = s.headline[1]!.deltas[0]!.text.replace(/^[+−±]/, "").replace(/\s*(pp|个百分点)$/, "");
      if (churnDelta !== "—") expect(s.drivers!).toContain(churnDelta);
      else expect(s.drivers!).toMatch(zh ? /无法拆分/ : /cannot be split/);
    }, 240_000);
  }

  it("splitPoints rounds the parts so that they add up to the rounded total", () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
    for (let i = 0; i < 5000; i++) {
      const a = rand();
      const b = rand();
      const [T, A, B] = splitPoints(a + b, a, b);
      expect(Math.round((A + B) * 10) === Math.round(T * 10)).toBe(true);
      expect(Math.abs(A - a * 100)).toBeLessThanOrEqual(0.1 + 1e-9);
      expect(Math.abs(B - b * 100)).toBeLessThanOrEqual(0.1 + 1e-9);
    }
  });

  it("alerts fire on their thresholds, and unavailable rules are listed", () => {
    const results: ResultsById = new Map([
      ["s", { analysis: getAnalysis("churn-summary"), params: {}, plan: {}, result: { scalars: { churn_rate: 0.05, prev_churn_rate: 0.02, nrr: 0.99, prev_nrr: 0.98 }, tables: {} } }],
    ]);
    const ev = evaluateAlerts(
      [
        { metric: "churn_rate", above: 0.03, line: 1 },
        { metric: "churn_rate", upBy: 0.02, line: 2 },
        { metric: "nrr", below: 0.95, line: 3 },
        { metric: "high_value_share", upBy: 0.05, line: 4 },
      ],
      results,
      "en-US",
      "USD",
    );
    expect(ev.fired.map((a) => [a.line, a.kind])).toEqual([
      [1, "above"],
      [2, "up_by"],
    ]);
    expect(ev.fired[1]!.text).toBe("Customer churn rate up 3.0 points (2.0% → 5.0%), more than 2.0 points");
    expect(ev.unavailable).toEqual([{ metric: "high_value_share", line: 4, reason: "no churned-value cell" }]);
  });

  it("monthly thresholds compound over a quarter or a year", () => {
    expect(periodThreshold("churn_rate", 0.03, 3)).toBeCloseTo(1 - 0.97 ** 3, 12);
    expect(periodThreshold("nrr", 0.97, 12)).toBeCloseTo(0.97 ** 12, 12);
    expect(periodThreshold("growth_rate", 0.02, 3)).toBeCloseTo(1.02 ** 3 - 1, 12);
    expect(periodThreshold("churned_mrr", 1000, 3)).toBe(3000);
    expect(periodThreshold("mrr_end", 1000, 12)).toBe(1000);
    expect(periodThreshold("churn_rate", 0.03, 1)).toBe(0.03);
    const results: ResultsById = new Map([["s", { analysis: getAnalysis("churn-summary"), params: {}, plan: {}, result: { scalars: { period: "2026-Q3", churn_rate: 0.08, prev_churn_rate: 0.1 }, tables: {} } }]]);
    // 8% a quarter is below 1 − 0.97³ ≈ 8.7%: no alert; 9% is above.
    expect(evaluateAlerts([{ metric: "churn_rate", above: 0.03, line: 1 }], results, "en-US", "USD").fired).toEqual([]);
    results.get("s")!.result.scalars.churn_rate = 0.09;
    expect(evaluateAlerts([{ metric: "churn_rate", above: 0.03, line: 1 }], results, "zh-CN", "CNY").fired[0]!.text).toBe("客户流失率 9.0%，高于警戒线 8.7%");
  });
});
