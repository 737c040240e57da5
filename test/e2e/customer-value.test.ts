// End to end: the customer value report (reports/customer-value.yaml, zh-CN) rendered to HTML
// from the bundled acme sample data and from the CDNOW transaction log (data/cdnow), with its key
// numbers checked against the exported tables.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderFiles } from "../../src/runner/render-files.js";
import { formatPercent } from "../../src/util/format.js";

const root = join(import.meta.dirname, "..", "..");
const report = join(root, "reports/customer-value.yaml");
const now = new Date("2026-11-25T09:00:00Z");

function csv(dir: string, name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(dir, "tables", `${name}.csv`), "utf8").trim().split("\n");
  const keys = head!.split(",");
  // The tables read here hold no quoted commas (ids, numbers, labels without commas).
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
}

/** The smallest share of customers (by revenue, descending) whose revenue reaches 80% of the total. */
function shareFor80(dir: string): number {
  const revenue = csv(dir, "value.customers").map((r) => Number(r.revenue)).sort((a, b) => b - a);
  const total = revenue.reduce((s, v) => s + v, 0);
  let acc = 0;
  const k = revenue.findIndex((v) => (acc += v) >= 0.8 * total - 1e-9 * total) + 1;
  return k / revenue.length;
}

/** The report body before the appendix (whose definitions may mention "NaN"), without CSS. */
function body(html: string): string {
  const main = html.replace(/<style[\s\S]*?<\/style>/g, "");
  return main.slice(0, main.indexOf('id="appendix-title"'));
}

describe("customer value report", () => {
  it("renders the CDNOW transaction log with every section, 80/20 share and CLV parameters", async () => {
    const out = mkdtempSync(join(tmpdir(), "churnbook-cv-"));
    const result = await renderFiles(report, { out, now, formats: ["html"], overrides: { client: "cdnow", client_name: "CDNOW", currency: "USD", period: "1998-06" } });
    // The one customer whose repeat purchases are all $0 is left out of the Gamma–Gamma fit (as lifetimes does).
    // CDNOW has no cost column: customer value says it equals net revenue.
    expect(result.warnings.filter((w) => !w.startsWith("clv: 1 位有重复购买但平均消费 ≤ 0") && !w.startsWith("dataset \"transactions\": ") && !w.startsWith("value: 未提供服务成本"))).toEqual([]);
    expect(result.warnings).toContain("value: 未提供服务成本（交易表无 cost 字段，也未设参数 cost_columns）：客户价值 = 净收入。");
    const html = readFileSync(join(result.dir, "report.html"), "utf8");
    const text = body(html);
    expect(html).toContain("CDNOW 客户价值分析报告");
    expect(html).toContain("1998年6月");
    expect(text).not.toMatch(/\bNaN\b|Infinity|undefined/);
    expect(text).not.toContain("此部分生成失败");

    const share = shareFor80(result.dir);
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.4);
    expect(text).toContain(`价值最高的 <strong>${formatPercent(share, "zh-CN")}</strong> 客户贡献了 80% 的收入`);
    const top = csv(result.dir, "dec")[0]!;
    expect(text).toContain(formatPercent(Number(top.share), "zh-CN"));
    for (const heading of ["十分位法分析", "RFM 分析", "CPM 客户状态管理", "市场细分分析", "客户价值分类", "客户终身价值"]) expect(text).toContain(heading);
    // Segments on the derived attributes, with zh-CN labels and the call-out.
    expect(text).toContain("首单规模：5张及以上");
    // BG/NBD and Gamma–Gamma parameters in the small table, in the range of the CDNOW fit.
    const r = Number(/r = ([\d.]+)，α = ([\d.]+)/.exec(text)![1]);
    expect(r).toBeGreaterThan(0.1);
    expect(r).toBeLessThan(0.5);
    expect(text).toMatch(/p = [\d.]+，q = [\d.]+，γ = [\d.]+/);
    // No English column headers or raw keys in the zh-CN tables.
    const headers = [...text.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]!);
    expect(headers.filter((h) => /[A-Za-z]{3,}/.test(h))).toEqual([]);
  }, 90_000);

  it("renders the acme sample data, whose monthly invoices put BG/NBD at its homogeneous-rate limit", async () => {
    const out = mkdtempSync(join(tmpdir(), "churnbook-cv-"));
    // acme bills every customer once a month: purchase rates do not vary, so the BG/NBD MLE lies
    // at r, α → ∞ and the limit (one Poisson rate λ) is fitted — and said — instead.
    const result = await renderFiles(report, { out, now, formats: ["html"] });
    expect(result.warnings.some((w) => w.includes("BG/NBD 取其极限形式"))).toBe(true);
    const html = readFileSync(join(result.dir, "report.html"), "utf8");
    const text = body(html);
    expect(html).toContain("艾克美科技 客户价值分析报告");
    expect(text).not.toMatch(/\bNaN\b|Infinity|undefined/);
    expect(text).not.toMatch(/cell-error/);
    const clv = csv(result.dir, "clv");
    expect(clv.length).toBeGreaterThan(100);
    expect(clv.every((c) => Number(c.p_alive) >= 0 && Number(c.p_alive) <= 1)).toBe(true);

    const share = shareFor80(result.dir);
    expect(text).toContain(`价值最高的 <strong>${formatPercent(share, "zh-CN")}</strong> 客户贡献了 80% 的收入`);
    expect(text).toContain("贡献80%收入的客户占比");
    const classes = csv(result.dir, "value");
    expect(Number(classes.find((c) => c.class === "negative_value")!.customers)).toBeGreaterThan(0);
    expect(text).toContain("<strong>负值客户</strong> " + classes.find((c) => c.class === "negative_value")!.customers + " 位");
    for (const label of ["区域：华东", "冠军客户", "重要挽留客户", "最具增长性客户", "组间迁移"]) expect(text).toContain(label);
  }, 30_000);

  it("states the params each cell ran with in the full appendix (non-default cpm and value params)", async () => {
    // A copy of the shipped definition whose cpm and customer-value cells run with other
    // thresholds, with the full appendix (formulas and the settings each cell ran with).
    const dir = mkdtempSync(join(tmpdir(), "churnbook-cv-def-"));
    const yaml = readFileSync(report, "utf8")
      .replace("default: ../data,", `default: ${JSON.stringify(join(root, "data"))},`)
      .replace(/(\n\s*analysis: cpm)\n/, "$1\n    params: { lapse_days: 120, spend_percentile: 70, long_tenure_days: 150 }\n")
      .replace(/(\n\s*analysis: customer-value)\n/, "$1\n    params: { top_share: 0.1, peer_percentile: 60, growable_share: 0.3 }\n")
      .replace(/\ndatasets:/, "\nappendix: full\ndatasets:");
    expect(yaml).toContain("appendix: full");
    expect(yaml).toContain("lapse_days: 120");
    const file = join(dir, "customer-value.yaml");
    writeFileSync(file, yaml);
    const result = await renderFiles(file, { out: join(dir, "out"), now, formats: ["html"] });
    const html = readFileSync(join(result.dir, "report.html"), "utf8");
    const appendix = html.slice(html.indexOf('id="appendix-title"'));
    expect(appendix).toContain("未消费时间 ≥ 120 天为流失");
    expect(appendix).not.toContain("≥ 240 天");
    expect(appendix).toContain("第 70 百分位数");
    expect(appendix).toMatch(/本次为 [^)]*\d/); // the spend threshold S the data gave
    expect(appendix).toContain("消费间隔 &lt; 150 天 → 稳定客户");
    expect(appendix).toContain("前 ⌈10% × 客户数⌉");
    expect(appendix).toContain("第 60 百分位数");
    expect(appendix).toContain("至多 ⌈30% × 客户数⌉");
  }, 60_000);
});
