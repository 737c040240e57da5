// Issue 14's memory bound, made checkable: "no analysis materialises raw events or per-customer
// rows in JavaScript beyond what it shows or must fit on a sample". Every analysis of the registry
// runs in one report on a small generated company and on three copies of it (ids prefixed per
// copy, every other value the original's: the same distinct dates, durations, plans and covariate
// patterns, three times the customers and events). The runner counts what each cell's queries
// return from the engine (manifest.json's timings[].transfer); a bounded cell transfers the same
// at both sizes. The cells that still pull one row per customer are named below with the reason;
// each must still grow (so the list shrinks as they are fixed), and nothing else may.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, quoteIdent, quoteLiteral } from "../../src/data/engine.js";
import { registry } from "../../src/analysis/registry.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import type { Transfer } from "../../src/runner/timing.js";
import { generateToDir, sampleColumns } from "../../src/sample/write.js";

/** Cells whose transfer still grows with the customers, and why (issue 14's open work). */
const growing: Record<string, string> = {
  "risk-list": "still transfers more rows for more customers after the scoring moved into the engine (10a49e4): its per-customer risk table's rows",
  "churn-model": "one row per active customer (264 → 792 here) for the model's evaluation in JavaScript",
  playbook: "one row per customer it assigns an action (its assignments table)",
  "mrr-movements": "only the head of its movements table (at most engineTableHead = 1,000 rows) crosses into JavaScript, and it grows until the table is longer than that; the whole table stays in the engine and is streamed into tables/mrr.csv and tables.xlsx",
  rfm: "its declared customers table (one row per customer with R, F, M scores and segment)",
  cpm: "its declared customers table (one row per customer with its CPM group and transition)",
  "customer-value": "its declared customers table (one row per customer with value and class)",
  clv: "its main table: one row per customer with the BG/NBD–Gamma-Gamma predictions (fitted in JavaScript)",
  "clv-contractual": "its main table: one row per active customer with the sBG expected lifetime value",
};
// The per-customer tables above are declared outputs (CSV, xlsx, the notebook's tables): they
// leave JavaScript when the engine-tables work keeps such tables in the engine and streams them.

/** Params beyond the defaults: the flagship's, and a training sample the small company already fills. */
const params: Record<string, Record<string, unknown>> = {
  "churn-trend": { periods: 12 },
  "cohort-retention": { cohorts: 12, periods: 12 },
  // Top lost customers: bounded by `top`, which 400 customers' month does not fill (10 by default).
  "churned-value": { top: 3 },
  // The sBG model fitted on the 12 latest cohorts, which the small company's churn supports.
  "clv-contractual": { cohorts: 12 },
  survival: { by: "plan", unit: "month" },
  "churn-drivers": { by: "plan" },
  cox: { covariates: "plan,channel,region,company_size" },
  "risk-list": { train_sample: 200 },
  playbook: { train_sample: 200 },
  "churn-model": { train_sample: 200 },
  "customer-card": { train_sample: 200, customer_id: "C00001" },
};

const ids = new Set(["customer_id", "subscription_id", "transaction_id", "ticket_id"]);
const roles = Object.keys(sampleColumns) as (keyof typeof sampleColumns)[];

describe("rows from the engine per analysis cell do not grow with the customers", () => {
  let dir = "";
  const transfers: Record<"one" | "three", Map<string, Transfer>> = { one: new Map(), three: new Map() };
  const failed: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "churnbook-bounded-"));
    generateToDir({ seed: 1, customers: 400, start: "2024-01-01", end: "2026-11-01" }, join(dir, "one"));
    // Three copies: the first as it is (so the card's customer exists at both sizes), the others
    // with "1"/"2" before every id.
    mkdirSync(join(dir, "three"));
    const engine = await createEngine();
    try {
      for (const t of roles) {
        const copy = (r: number) => `SELECT ${sampleColumns[t].map((c) => (ids.has(c) && r > 0 ? `'${r}' || ${quoteIdent(c)} AS ${quoteIdent(c)}` : quoteIdent(c))).join(", ")} FROM read_csv(${quoteLiteral(join(dir, "one", `${t}.csv`))}, all_varchar = true)`;
        await engine.query(`COPY (${[0, 1, 2].map(copy).join(" UNION ALL ")}) TO ${quoteLiteral(join(dir, "three", `${t}.csv`))} (HEADER)`);
      }
    } finally {
      engine.close();
    }
    // The churn model is computed once per run, by the first cell that asks for it: the risk list.
    const order = ["risk-list", ...[...registry.keys()].filter((id) => id !== "risk-list")];
    const cells = order.map((id) => `  - { id: ${id.replaceAll("-", "_")}, analysis: ${id}, params: ${JSON.stringify(params[id] ?? {})} }`);
    for (const size of ["one", "three"] as const) {
      const file = join(dir, `${size}.yaml`);
      writeFileSync(file, `title: Bounded\nlocale: en-US\ndatasets:\n${roles.map((r) => `  ${r}: { path: ${size}/${r}.csv }`).join("\n")}\ncells:\n${cells.join("\n")}\n`);
      const run = await runReport(parseReportText(readFileSync(file, "utf8"), file), { overrides: { period: "2026-10" }, now: new Date("2026-11-20T00:00:00Z"), keepGoing: true });
      for (const c of run.cells) if (c.error) failed.push(`${size} ${c.id}: ${c.error.message}`);
      for (const t of run.timings) if (t.phase === "analysis" && t.transfer) transfers[size].set(t.id!.replaceAll("_", "-"), t.transfer);
    }
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));


  it("every analysis of the registry ran at both sizes", () => {
    expect(failed).toEqual([]);
    expect([...transfers.one.keys()].sort()).toEqual([...registry.keys()].sort());
  });

  it("a bounded cell's rows and values are the same for three times the customers and events", () => {
    const grew = [...registry.keys()].filter((id) => !(id in growing)).flatMap((id) => {
      const a = transfers.one.get(id)!, b = transfers.three.get(id)!;
      return b.values > a.values ? [`${id}: ${a.rows} rows / ${a.values} values → ${b.rows} / ${b.values}`] : [];
    });
    expect(grew).toEqual([]);
  });

  it("each cell named as still growing does grow (fixed ones leave the list)", () => {
    for (const id of Object.keys(growing)) {
      const a = transfers.one.get(id)!, b = transfers.three.get(id)!;
      expect(b.rows, id).toBeGreaterThan(2 * a.rows);
    }
  });
});
