// Files that are not UTF-8: a GBK export (test/fixtures/data/subscriptions-gbk.csv, made with
// iconv) is refused with the line of its first non-UTF-8 byte and the option to set, and read
// correctly with `encoding: gb18030` in the definition or `--encoding role=gb18030` in analyze.

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/data/engine.js";
import { loadDataset, type DatasetSource } from "../../src/data/load.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import { ChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "data");
const gbk = join(fixtures, "subscriptions-gbk.csv");
const src = (over: Partial<DatasetSource>): DatasetSource => ({ name: "subs", role: "subscriptions", file: gbk, columns: {}, types: {}, derive: {}, ...over });
const now = new Date("2026-11-25T00:00:00Z");
const decodeDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith("churnbook-decode-")).length;

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

describe("dataset encodings", () => {
  it("refuses a GBK file read as UTF-8: not UTF-8, the line of the first bad byte, the option to set", async () => {
    const e = await failure(loadDataset(engine, src({}), { now }));
    expect(e.code).toBe("not-utf8");
    expect(e.message).toMatch(/not UTF-8/);
    expect(e.message).not.toMatch(/CSV Error on Line/);
    expect(e.location).toMatchObject({ dataset: "subs", file: gbk, line: 2 });
    expect(e.hint).toContain("encoding: gb18030");
    expect(e.hint).toContain("--encoding subscriptions=gb18030");
  });

  it("reads it with encoding gb18030 (and gbk) and removes the temporary UTF-8 copy", async () => {
    const before = decodeDirs();
    for (const encoding of ["gb18030", "gbk"] as const) {
      const d = await loadDataset(engine, src({ encoding }), { now });
      expect(d.rows).toBe(3);
      expect(await engine.query("SELECT subscription_id, plan FROM subscriptions ORDER BY subscription_id")).toEqual([
        { subscription_id: "S1", plan: "专业版" },
        { subscription_id: "S2", plan: "基础版" },
        { subscription_id: "S3", plan: "企业版" },
      ]);
    }
    // The fingerprint is of the file as given.
    const d = await loadDataset(engine, src({ encoding: "gb18030" }), { now });
    const utf8 = await loadDataset(engine, src({ file: join(fixtures, "subscriptions-utf8.csv") }), { now });
    expect(d.sha256).not.toBe(utf8.sha256);
    expect(decodeDirs()).toBe(before);
  });

  it("takes `encoding:` from the report definition and rejects an unknown one", async () => {
    const text = (enc: string) => `title: Encodings
locale: zh-CN
datasets:
  subscriptions: { path: subscriptions-gbk.csv, encoding: ${enc} }
cells:
  - id: summary
    analysis: churn-summary
`;
    const report = parseReportText(text("gb18030"), join(fixtures, "encoding.yaml"));
    expect(report.datasets[0]!.encoding).toBe("gb18030");
    const run = await runReport(report, { overrides: { period: "2026-03" }, now });
    expect(run.datasets[0]!.rows).toBe(3);
    expect(() => parseReportText(text("utf8mb4"), join(fixtures, "encoding.yaml"))).toThrow(/encoding/);
  });

  it("churnbook analyze: --encoding role=gb18030, and the error names that flag without it", () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/churnbook.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
    const bad = cli("analyze", "churn-summary", "--data", `subscriptions=${gbk}`, "--period", "2026-03");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("not UTF-8");
    expect(bad.stderr).toContain(`${gbk}:2:1`);
    expect(bad.stderr).toContain("--encoding subscriptions=gb18030");
    const ok = cli("analyze", "churn-summary", "--data", `subscriptions=${gbk}`, "--encoding", "subscriptions=gb18030", "--period", "2026-03");
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).scalars.customers_end).toBe(3);
    const unknown = cli("analyze", "churn-summary", "--data", `subscriptions=${gbk}`, "--encoding", "subscriptions=klingon");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("gb18030");
  });
});
