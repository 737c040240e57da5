// CSV files DuckDB cannot read, or reads wrongly: each is a located user error (dataset, file,
// the true line) in plain words, never DuckDB's "CSV Error on Line: 1", never exit 70, and a
// file that is not a table never has its first line echoed back.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/data/engine.js";
import { loadDataset, type DatasetSource } from "../../src/data/load.js";
import { ChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "churnbook-csv-errors-"));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const src = (f: string, over: Partial<DatasetSource> = {}): DatasetSource => ({ name: "subs", role: "subscriptions", file: f, columns: {}, types: {}, derive: {}, ...over });
const now = new Date("2026-11-25T00:00:00Z");
const rows = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `c${from + i},2026-01-01,,10\n`).join("");

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

describe("CSV reader errors", () => {
  it("gives the true line of an over-long line (DuckDB says line 1)", async () => {
    // 3 MB is enough (DuckDB's limit is 2 MiB) and keeps the test quick; 10 MB behaves the same.
    const f = file("long.csv", "customer_id,start_date,end_date,mrr\n" + rows(269) + `c270,2026-01-01,,"${"y".repeat(3_000_000)}"\n` + rows(1, 271));
    const e = await failure(loadDataset(engine, src(f), { now }));
    expect(e.location).toMatchObject({ dataset: "subs", file: f, line: 271 });
    expect(e.message).toMatch(/^line 271 is 3,000,0\d\d bytes long; a CSV line may hold at most 2,097,152 bytes$/);
    expect(e.message).not.toMatch(/CSV Error/);
  });

  it("says which line has an extra field, with the header, instead of blaming a shifted column", async () => {
    // Within DuckDB's sniffing sample: the value "Acme, Inc" shifts start_date into mrr.
    const shifted = file("shift.csv", "customer_id,name,start_date,mrr\nc1,Acme,2026-01-01,5\nc2,Acme, Inc,2026-01-01,5\nc3,B,2026-01-01,5\n");
    const e = await failure(loadDataset(engine, src(shifted), { now }));
    expect(e.code).toBe("bad-csv-line");
    expect(e.message).toBe("line 3 has 5 fields, expected 4 (header: customer_id, name, start_date, mrr)");
    expect(e.location).toMatchObject({ dataset: "subs", file: shifted, line: 3 });
    // Beyond the sample (DuckDB's own error), and after a quoted value spanning two lines.
    const deep = file("deep.csv", 'customer_id,start_date,end_date,mrr\nc0,2026-01-01,,"multi\nline"\n' + rows(30_000) + "cX,2026-01-01,,10,99\n");
    const d = await failure(loadDataset(engine, src(deep), { now }));
    expect(d.message).toBe("line 30004 has 5 fields, expected 4 (header: customer_id, start_date, end_date, mrr)");
    expect(d.location.line).toBe(30004);
  });

  it("says an empty file is empty", async () => {
    for (const content of ["", "\n\n", "\uFEFF"]) {
      const e = await failure(loadDataset(engine, src(file("empty.csv", content)), { now }));
      expect(e.code).toBe("empty-file");
      expect(e.message).toBe("the file is empty");
      expect(`${e.message} ${e.hint}`).not.toMatch(/column0/);
    }
  });

  it("does not echo the first line of a file that is not a table", async () => {
    const secret = "Board minutes: acquisition of Globex, strictly confidential";
    for (const content of [`${secret}\nmore prose\n`, `PDF ${secret}\u0000\u0001\nmore\n`, "just one line of prose\nand another\n"]) {
      const e = await failure(loadDataset(engine, src(file("prose.csv", content)), { now }));
      expect(`${e.message} ${e.hint ?? ""}`).not.toMatch(/Board minutes|confidential|prose/);
    }
  });

  it("does not echo a one-field first line when a later line has commas, nor a one-column file's header in a field hint", async () => {
    const later = await failure(loadDataset(engine, src(file("token.txt", "SECRET_TOKEN=abc123 hunter2\nfoo,bar,baz\n")), { now }));
    expect(`${later.message} ${later.hint ?? ""}`).not.toMatch(/SECRET|hunter2/);
    expect(later.code).toBe("not-a-table");
    const single = await failure(loadDataset(engine, src(file("one-col.csv", "secret_token_abc123_hunter2\n5\n"), { name: "lifetimes", role: "lifetimes" }), { now }));
    expect(`${single.message} ${single.hint ?? ""}`).not.toMatch(/secret|hunter2/);
  });

  it("finds a non-UTF-8 byte after the first megabyte with a full scan", async () => {
    const f = file("late-latin1.csv", Buffer.concat([Buffer.from("customer_id,start_date,end_date,mrr,name\n" + Array.from({ length: 40_000 }, (_, i) => `c${i},2026-01-01,,10,x\n`).join("")), Buffer.from("cz,2026-01-01,,10,caf\xe9\n", "latin1")]));
    const e = await failure(loadDataset(engine, src(f), { now }));
    expect(e.code).toBe("not-utf8");
    expect(e.location.line).toBe(40_002);
    expect(e.hint).toContain("encoding:");
  });

  it("exits 1 with the location, not 70, from the CLI", () => {
    const f = file("cli-extra.csv", "customer_id,start_date,end_date,mrr\nc1,2026-01-01,,1\nc2,2026-01-01,,1,2\n");
    const r = spawnSync(process.execPath, [join(root, "bin/churnbook.js"), "analyze", "churn-summary", "--data", `subscriptions=${f}`], { cwd: root, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${f}:3:1`);
    expect(r.stderr).toContain("line 3 has 5 fields, expected 4");
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
  });
});
