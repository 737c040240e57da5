// Robustness as a test suite (issue 9): mutated report definitions through `validate` (and a
// share through `render --format html`) and corrupted data files through `analyze`, checked
// against one invariant (see harness.ts): exit 0, or a user error (exit 1/2) that says where;
// never exit 70, never a stack trace, never a partial output. Bounded for CI (~60 s on
// 2 cores); `npm run fuzz` is the large run. Seeds are fixed: a failure prints its seed and
// the command that reproduces it (`npm run fuzz -- --only def:<seed>`).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFailure, prepareWorkspace, type CaseKind } from "./harness.js";
import { FuzzPool } from "./pool.js";

const DEFINITIONS = 150;
const DATA_FILES = 60;
/** share of definitions also rendered here (npm run fuzz: 0.1; semantic mutations 4×) */
const RENDER_RATE = 0.05;

/**
 * Cases found by `npm run fuzz` that broke the invariant, fixed since: each runs as it was found
 * (render rate 0.1) and must keep the invariant.
 */
const regressions: string[] = [
  // crash (exit 70): a column name with a U+FEFF (BOM) inside the header; now cleaned on read
  "data:731", // cox, lifetimes header "…,age,\uFEFFrace,…"
  "data:622", // cohort-revenue, transactions header "…,amount,\uFEFFcost,…"
  // crash (exit 70): subscriptions without end_date reached SQL that needs it; now a missing-field error or no lost MRR
  "data:274", // churn-reasons
  "data:5026", // churned-value
  // crash (exit 70): customer-card with a tickets file without a date column; now no ticket features
  "data:20726",
  // crash (exit 70): a dataset whose name is not a role (typo "cutsomers:", no role:); now a located definition error
  "def:40296",
  // unlocated: model-fit errors on empty or too short data; analyze now names the dataset
  "data:266", // clv-contractual on a header-only subscriptions file
  "data:79", // cohort-projection --param cohort_grain=year
  "data:20992", // clv: BG/NBD, no customer made a repeat purchase
  // crash (exit 70): a bad value of a union with a boolean (cover: false | compact | full) broke the did-you-mean
  "def:1041",
  "def:3537",
  // crash (exit 70): a huge churn window (days: 9007199254740993) reached SQL; now bounded by the schema
  "def:21265",
  // crash (exit 70): a self-referencing YAML alias (&x [*x]) looped; now a located definition error
  "def:23748",
  // crash (exit 70): a dataset name outside the name pattern escapes the schema (any values); references
  // read its path and role without checking them
  "def:45786",
  "def:46328",
  // crash (exit 70): a currency param that is no ISO code ("A3") reached number formatting; now a located error
  "def:65961",
];

const range = (kind: CaseKind, n: number) => Array.from({ length: n }, (_, i) => `${kind}:${i + 1}`);
const cases = [...range("def", DEFINITIONS), ...range("data", DATA_FILES)];
const parse = (id: string) => {
  const [kind, seed] = id.split(":");
  return [kind as CaseKind, Number(seed)] as const;
};

describe("fuzz: mutated definitions and corrupted data keep the CLI's error invariant", () => {
  let root: string;
  let pool: FuzzPool;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "churnbook-fuzz-ci-"));
    await prepareWorkspace(root);
    pool = new FuzzPool(root, { workers: 2, renderRate: RENDER_RATE, timeoutMs: 60_000 });
  }, 60_000);

  afterAll(() => {
    pool?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(`${DEFINITIONS} definitions and ${DATA_FILES} data files: exit 0 or a located user error, no crash, stack or partial output`, async () => {
    const todo = cases;
    const failed: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < todo.length) {
        const [kind, seed] = parse(todo[next++]!);
        const r = await pool.run(kind, seed);
        if (r.failed) failed.push(describeFailure(r));
      }
    };
    await Promise.all([lane(), lane()]);
    const late = pool.takeLateErrors().map((l) => `${l.kind}:${l.seed} error escaped after the case: ${l.error}`);
    expect([...failed, ...late], `failing seeds (reproduce with the commands shown):\n${[...failed, ...late].join("\n")}`).toEqual([]);
  }, 150_000);

  for (const id of regressions)
    it(`regression ${id} keeps the invariant`, async () => {
      const [kind, seed] = parse(id);
      const r = await pool.run(kind, seed, { renderRate: 0.1 }); // as found by `npm run fuzz`
      expect(r.failed, describeFailure(r)).toBe(false);
    }, 150_000);
});
