// Messy real data: exact duplicate rows dropped and counted (a subscriptions file concatenated
// twice gives the same numbers as the file once), contradictory copies of one subscription
// located, impossible ranges left out, dates after the run date reported and kept out of the
// default period, periods the data does not cover refused — and every finding visible in the
// run log, the manifest and the report's data-coverage appendix, in the report's language.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAnalysis } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import { runAnalysis } from "../../src/analysis/run.js";
import type { AnalysisContext } from "../../src/analysis/types.js";
import { createEngine, type Engine } from "../../src/data/engine.js";
import { loadDataset, type DatasetSource } from "../../src/data/load.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { renderReport } from "../../src/render/index.js";
import { renderFiles } from "../../src/runner/render-files.js";
import { runReport } from "../../src/runner/run.js";
import { ChurnbookError } from "../../src/util/errors.js";
import { parsePeriod } from "../../src/util/period.js";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "churnbook-quality-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const src = (f: string, over: Partial<DatasetSource> = {}): DatasetSource => ({ name: "subs", role: "subscriptions", file: f, columns: {}, types: {}, derive: {}, ...over });
const now = new Date("2026-11-25T00:00:00Z");

let engine: Engine;
beforeAll(async () => (engine = await createEngine()));
afterAll(() => engine.close());

async function failure(p: Promise<unknown>): Promise<ChurnbookError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ChurnbookError);
    return e as ChurnbookError;
  }
  throw new Error("expected a failure");
}

async function churnSummary(f: string) {
  const e = await createEngine();
  try {
    const d = await loadDataset(e, src(f, { name: "subscriptions" }), { now });
    const analysis = getAnalysis("churn-summary");
    const ctx: AnalysisContext = { period: parsePeriod("2026-09"), locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, fields: { subscriptions: d.fields } };
    const r = await runAnalysis(e, analysis, resolveParams(analysis, {}), ctx);
    return { d, scalars: r.scalars, tables: r.tables };
  } finally {
    e.close();
  }
}

describe("duplicate rows", () => {
  it("a subscriptions file concatenated twice gives the numbers of the file once, and says so", async () => {
    const text = readFileSync(join(root, "data/acme/subscriptions.csv"), "utf8");
    const body = text.slice(text.indexOf("\n") + 1);
    const rows = body.trimEnd().split("\n").length;
    const once = await churnSummary(file("once.csv", text));
    const twice = await churnSummary(file("twice.csv", text + body));
    expect(twice.scalars).toEqual(once.scalars);
    expect(twice.tables).toEqual(once.tables);
    expect(once.d.findings).toEqual([]);
    expect(twice.d.rows).toBe(once.d.rows);
    expect(twice.d.dropped).toBe(rows);
    expect(twice.d.findings).toEqual([
      { code: "duplicate-rows", message: `${rows} exact duplicate rows dropped (rows ${rows + 1}, ${rows + 2}, ${rows + 3}, ${rows + 4}, ${rows + 5}, …)`, count: rows, rows: [rows + 1, rows + 2, rows + 3, rows + 4, rows + 5], excluded: true },
    ]);
  });

  it("keeps distinct subscriptions of one customer (their MRR adds up) and drops only exact copies", async () => {
    const f = file("two-subs.csv", "customer_id,start_date,end_date,mrr\nc1,2026-01-01,,100\nc1,2026-01-01,,50\nc1,2026-01-01,,100\n");
    const d = await loadDataset(engine, src(f), { now });
    expect(d.findings.map((x) => [x.code, x.count, x.rows])).toEqual([["duplicate-rows", 1, [3]]]);
    expect(await engine.query("SELECT customer_id, sum(mrr) AS mrr FROM subscriptions GROUP BY 1 ORDER BY 1")).toEqual([{ customer_id: "c1", mrr: 150 }]);
  });

  it("locates two different rows of one subscription_id with overlapping periods", async () => {
    const f = file("overlap.csv", "subscription_id,customer_id,start_date,end_date,mrr\nS1,c1,2026-01-01,2026-04-01,100\nS2,c2,2026-01-01,,10\nS1,c1,2026-01-01,2026-04-01,100\nS1,c1,2026-03-01,2026-06-01,120\n");
    const e = await failure(loadDataset(engine, src(f), { now }));
    expect(e.code).toBe("overlapping-subscription");
    expect(e.location).toMatchObject({ dataset: "subs", column_name: "subscription_id", row: 4 });
    expect(e.message).toBe('subscription_id "S1" is on rows 1 and 4 with overlapping periods (2026-01-01 – 2026-04-01 and 2026-03-01 – 2026-06-01) but different values: start_date "2026-01-01" vs "2026-03-01", end_date "2026-04-01" vs "2026-06-01", mrr 100 vs 120');
    expect(e.hint).toMatch(/keep only the correct one/);
    // Renewals (same id, consecutive periods) are fine.
    const renewals = file("renewals.csv", "subscription_id,customer_id,start_date,end_date,mrr\nS1,c1,2026-01-01,2026-04-01,100\nS1,c1,2026-04-01,2026-07-01,120\nS1,c1,2026-07-01,,120\n");
    expect((await loadDataset(engine, src(renewals), { now })).rows).toBe(3);
  });

  it("customers: exact copies are dropped first, different rows of one customer_id stay an error", async () => {
    const copies = file("cust-copies.csv", "customer_id,region\nc1,north\nc2,south\nc1,north\n");
    const d = await loadDataset(engine, src(copies, { name: "customers", role: "customers" }), { now });
    expect(d.rows).toBe(2);
    expect(d.findings.map((x) => x.message)).toEqual(["1 exact duplicate row dropped (row 3)"]);
    const conflicting = file("cust-conflict.csv", "customer_id,region\nc1,north\nc2,south\nc1,north\nc1,east\n");
    const e = await failure(loadDataset(engine, src(conflicting, { name: "customers", role: "customers" }), { now }));
    expect(e.code).toBe("duplicate-id");
    expect(e.message).toMatch(/"c1" \(2 rows\)/);
  });
});

describe("duplicate rows in event logs (transactions)", () => {
  const tx = (name: string, text: string) => src(file(name, text), { name: "transactions", role: "transactions" });

  it("keeps identical line items (the same product twice on one invoice) and reports them", async () => {
    const d = await loadDataset(engine, tx("items.csv", "customer_id,date,amount\nc1,2026-01-05,9.99\nc1,2026-01-05,9.99\nc2,2026-01-06,5\n"), { now });
    expect(d.rows).toBe(3);
    expect(d.findings.map((x) => [x.code, x.count, x.rows, x.excluded])).toEqual([["duplicate-line-items", 1, [2], false]]);
    expect(d.findings[0]!.message).toMatch(/kept as separate line items/);
    expect(await engine.query("SELECT sum(amount) AS s FROM transactions WHERE customer_id = 'c1'")).toEqual([{ s: 19.98 }]);
  });

  it("drops copies when the file has a row id (transaction_id)", async () => {
    const d = await loadDataset(engine, tx("ids.csv", "transaction_id,customer_id,date,amount\nT1,c1,2026-01-05,9.99\nT1,c1,2026-01-05,9.99\nT2,c1,2026-01-05,9.99\n"), { now });
    expect(d.rows).toBe(2);
    expect(d.findings.map((x) => [x.code, x.count])).toEqual([["duplicate-rows", 1]]);
  });

  it("refuses a log concatenated with itself instead of doubling the revenue", async () => {
    // The sample log without its transaction_id column: nothing tells copies from repeats.
    const text = readFileSync(join(root, "data/acme/transactions.csv"), "utf8").split("\n").map((l) => l.slice(l.indexOf(",") + 1)).join("\n");
    const e = await failure(loadDataset(engine, tx("tx-twice.csv", text + text.slice(text.indexOf("\n") + 1)), { now }));
    expect(e.code).toBe("duplicated-file");
    expect(e.message).toMatch(/looks concatenated with itself/);
    expect(e.location.dataset).toBe("transactions");
  });
});

describe("impossible and future dates", () => {
  it("leaves out subscriptions that end before they start, with their row numbers", async () => {
    const f = file("backwards.csv", "customer_id,start_date,end_date,mrr\nc1,2026-01-01,2026-03-01,10\nc2,2026-05-01,2026-02-01,20\nc3,2026-02-01,,30\nc4,2026-04-01,2026-03-31,40\n");
    const d = await loadDataset(engine, src(f), { now });
    expect(d.rows).toBe(2);
    expect(d.dropped).toBe(2);
    expect(d.findings).toEqual([{ code: "end-before-start", message: "2 rows with end_date before start_date left out of the analyses (rows 2, 4)", count: 2, rows: [2, 4], excluded: true }]);
    expect(await engine.query("SELECT customer_id FROM subscriptions ORDER BY customer_id")).toEqual([{ customer_id: "c1" }, { customer_id: "c3" }]);
  });

  it("leaves out tickets resolved before they were opened", async () => {
    const f = file("tickets.csv", "customer_id,date,resolved_date\nc1,2026-01-05,2026-01-06\nc2,2026-01-05,2026-01-01\n");
    const d = await loadDataset(engine, src(f, { name: "tickets", role: "tickets" }), { now });
    expect(d.rows).toBe(1);
    expect(d.findings.map((x) => [x.code, x.count, x.rows])).toEqual([["resolved-before-date", 1, [2]]]);
  });

  it("reports (and keeps) event dates after the run date, not end dates", async () => {
    const f = file("future.csv", "customer_id,start_date,end_date,mrr\nc1,2026-01-01,2027-01-01,10\nc2,2030-12-01,,20\nc3,2026-02-01,,30\n");
    const d = await loadDataset(engine, src(f), { now });
    expect(d.rows).toBe(3);
    expect(d.findings).toEqual([
      { code: "future-date", message: "1 row dated after the run date 2026-11-25 (start_date); kept, but not used to choose the default period (row 2)", count: 1, rows: [2], fields: ["start_date"], date: "2026-11-25", excluded: false },
    ]);
  });
});

// Parquet is read in place (the role is a view over the file) unless rows must be copied to be
// dropped; every finding is reported either way, with the file's row numbers.
describe("Parquet files read in place", () => {
  /** A Parquet file holding a CSV text's rows (typed as read_csv_auto reads them, or all as text). */
  const parquet = async (name: string, csv: string, text = false) => {
    const p = join(dir, name);
    await engine.query(`COPY (SELECT * FROM read_csv('${file(`${name}.csv`, csv)}'${text ? ", all_varchar = true" : ""})) TO '${p}' (FORMAT parquet)`);
    return p;
  };
  const kind = async (role: string) => (await engine.query(`SELECT table_type AS t FROM information_schema.tables WHERE table_name = '${role}'`)).map((r) => r.t);

  it("serves the role as a view and still leaves out bad rows and reports future dates, with their rows", async () => {
    const f = await parquet("in-place.parquet", "subscription_id,customer_id,start_date,end_date,mrr\ns1,c1,2026-01-01,2026-03-01,10\ns2,,2026-01-01,,20\ns3,c3,2026-05-01,2026-02-01,30\ns4,c4,2030-12-01,,40\ns5,c5,2026-02-01,,50\n");
    const d = await loadDataset(engine, src(f, { derive: { annual: "mrr * 12" } }), { now });
    expect(await kind("subscriptions")).toEqual(["VIEW"]);
    expect([d.rows, d.dropped, d.minDate, d.maxDate]).toEqual([3, 2, "2026-01-01", "2030-12-01"]);
    expect(d.findings.map((x) => [x.code, x.count, x.rows])).toEqual([
      ["missing-customer-id", 1, [2]],
      ["end-before-start", 1, [3]],
      ["future-date", 1, [4]],
    ]);
    expect(await engine.query("SELECT customer_id, start_date, mrr, annual FROM subscriptions ORDER BY customer_id")).toEqual([
      { customer_id: "c1", start_date: "2026-01-01", mrr: 10, annual: 120 },
      { customer_id: "c4", start_date: "2030-12-01", mrr: 40, annual: 480 },
      { customer_id: "c5", start_date: "2026-02-01", mrr: 50, annual: 600 },
    ]);
    // A CSV loaded next under the same role replaces the view with a table (and back).
    await loadDataset(engine, src(file("after-view.csv", "customer_id,start_date,mrr\nc9,2026-01-01,1\n")), { now });
    expect(await kind("subscriptions")).toEqual(["BASE TABLE"]);
    await loadDataset(engine, src(f), { now });
    expect(await kind("subscriptions")).toEqual(["VIEW"]);
  });

  it("drops exact duplicate rows (copying the rest into a table) and keeps identical line items", async () => {
    const f = await parquet("dups.parquet", "customer_id,start_date,mrr\nc1,2026-01-01,10\nc2,2026-01-01,20\nc1,2026-01-01,10\n");
    const d = await loadDataset(engine, src(f), { now });
    expect(await kind("subscriptions")).toEqual(["BASE TABLE"]);
    expect([d.rows, d.findings.map((x) => [x.code, x.count, x.rows])]).toEqual([2, [["duplicate-rows", 1, [3]]]]);
    const t = await parquet("items.parquet", "customer_id,date,amount\nc1,2026-01-05,5\nc2,2026-01-06,7\nc1,2026-01-05,5\n");
    const tx = await loadDataset(engine, src(t, { name: "tx", role: "transactions" }), { now });
    expect([tx.rows, tx.findings.map((x) => [x.code, x.count, x.rows])]).toEqual([3, [["duplicate-line-items", 1, [3]]]]);
  });

  it("locates a value its text column cannot give, and two overlapping rows of one subscription", async () => {
    const f = await parquet("bad-date.parquet", "customer_id,start_date,mrr\nc1,2026-01-01,10\nc2,soon,20\n", true);
    const e = await failure(loadDataset(engine, src(f), { now }));
    expect([e.code, e.message, e.location]).toEqual(["bad-value", 'cannot read "soon" as a date', { dataset: "subs", column_name: "start_date", row: 2 }]);
    const o = await parquet("overlap.parquet", "subscription_id,customer_id,start_date,end_date,mrr\ns1,c1,2026-01-01,2026-06-01,10\ns2,c2,2026-01-01,,20\ns1,c1,2026-03-01,2026-09-01,15\n");
    const oe = await failure(loadDataset(engine, src(o), { now }));
    expect([oe.code, oe.location]).toEqual(["overlapping-subscription", { dataset: "subs", column_name: "subscription_id", row: 3 }]);
  });
});

// A small report on files in a temporary folder.
function reportOn(files: Record<string, string>, locale: "zh-CN" | "en-US" = "en-US") {
  const folder = mkdtempSync(join(dir, "report-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const yaml = `title: Quality
locale: ${locale}
datasets:
  subscriptions: { path: subscriptions.csv }
cells:
  - id: summary
    analysis: churn-summary
`;
  const path = join(folder, "report.yaml");
  writeFileSync(path, yaml);
  return { path, report: parseReportText(yaml, path) };
}

const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `c${from + i},2026-${String(from + i).padStart(2, "0")}-01,,10\n`).join("");

describe("the period and the data's extent", () => {
  it("chooses the default period from the data up to the run date, and warns about later rows", async () => {
    const { report } = reportOn({ "subscriptions.csv": "customer_id,start_date,end_date,mrr\n" + months(1, 10) + "cX,2030-12-01,,99\n" });
    const run = await runReport(report, { now });
    expect(run.document.period.label).toBe("2026-09");
    expect(run.warnings).toContain('1 row dated after the run date 2026-11-25 ignored when choosing the default period (first: dataset "subscriptions", row 11)');
  });

  it("refuses a period after (or before) the data, and warns about one partly covered", async () => {
    const { report } = reportOn({ "subscriptions.csv": "customer_id,start_date,end_date,mrr\n" + months(1, 10) });
    for (const [period, where] of [["2027-03", "after"], ["2025-06", "before"]]) {
      const e = await failure(runReport(report, { now, overrides: { period: period! } }));
      expect(e.code).toBe("period-outside-data");
      expect(e.message).toContain(`the period ${period} `);
      expect(e.message).toContain(`is ${where} the data, which runs from 2026-01-01 to 2026-10-01`);
      expect(e.location.file).toBe(report.file);
    }
    const run = await runReport(report, { now, overrides: { period: "2026-10" } });
    expect(run.warnings).toContain("the period 2026-10 is only partly covered by the data, which runs from 2026-01-01 to 2026-10-01: figures for the period are incomplete");
  });
});

describe("findings are visible", () => {
  const csv = "customer_id,start_date,end_date,mrr\n" + months(1, 9) + "c1,2026-01-01,,10\nc2,2026-02-01,,10\nbad,2026-05-01,2026-04-01,5\n,2026-03-01,,7\n";

  it("in the run log (warnings) and the report's coverage appendix, in English", async () => {
    const { report } = reportOn({ "subscriptions.csv": csv });
    const run = await runReport(report, { now, overrides: { period: "2026-08" } });
    expect(run.warnings).toEqual(
      expect.arrayContaining([
        'dataset "subscriptions": 2 exact duplicate rows dropped (rows 10, 11)',
        'dataset "subscriptions": 1 row without customer_id dropped (row 13)',
        'dataset "subscriptions": 1 row with end_date before start_date left out of the analyses (row 12)',
      ]),
    );
    expect(run.document.appendix.coverage[0]!.findings!.map((f) => f.code)).toEqual(["duplicate-rows", "missing-customer-id", "end-before-start"]);
    const html = renderReport(run.document).html;
    const coverage = html.slice(html.indexOf('id="appendix-coverage"'));
    expect(coverage).toContain("Data quality notes");
    expect(coverage).toContain("Exact duplicate rows dropped: 2 (rows 10, 11)");
    expect(coverage).toContain("Rows without a customer ID dropped: 1 (row 13)");
    expect(coverage).toContain("Rows ending before they start, left out: 1 (row 12)");
  });

  it("in a zh-CN report's appendix in Chinese only", async () => {
    const { report } = reportOn({ "subscriptions.csv": csv + "cF,2030-01-01,,1\n" }, "zh-CN");
    const run = await runReport(report, { now, overrides: { period: "2026-08" } });
    const html = renderReport(run.document).html;
    const coverage = html.slice(html.indexOf('id="appendix-coverage"'));
    const notes = [...coverage.matchAll(/<td>((?:<div>[^<]*<\/div>)+)<\/td><\/tr>/g)].flatMap((m) => [...m[1]!.matchAll(/<div>([^<]*)<\/div>/g)].map((d) => d[1]));
    expect(notes).toEqual([
      "完全重复的行（已剔除）：2 行（第 10、11 行）",
      "缺少客户编号的行（已剔除）：1 行（第 13 行）",
      "结束日期早于开始日期的行（未纳入分析）：1 行（第 12 行）",
      "开始日期晚于生成日期 2026年11月25日 的行（保留，但不用于确定默认报告期）：1 行（第 14 行）",
    ]);
    expect(coverage).toContain("数据质量说明");
    for (const n of notes) expect(n).not.toMatch(/[A-Za-z]/);
  });

  it("in manifest.json, per dataset", async () => {
    const { path } = reportOn({ "subscriptions.csv": csv });
    const out = mkdtempSync(join(dir, "out-"));
    const result = await renderFiles(path, { out, now, formats: ["html"], overrides: { period: "2026-08" } });
    const manifest = JSON.parse(readFileSync(join(result.dir, "manifest.json"), "utf8"));
    expect(manifest.inputs[0].dropped).toBe(4);
    expect(manifest.inputs[0].findings).toEqual([
      { code: "duplicate-rows", message: "2 exact duplicate rows dropped (rows 10, 11)", count: 2, rows: [10, 11], excluded: true },
      { code: "missing-customer-id", message: "1 row without customer_id dropped (row 13)", count: 1, rows: [13], excluded: true },
      { code: "end-before-start", message: "1 row with end_date before start_date left out of the analyses (row 12)", count: 1, rows: [12], excluded: true },
    ]);
    expect(manifest.warnings).toContain('dataset "subscriptions": 2 exact duplicate rows dropped (rows 10, 11)');
  });
});
