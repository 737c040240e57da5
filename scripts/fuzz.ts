// `npm run fuzz`: the large fuzz run for the record (issue 9). Mutated definitions through
// validate (and a share of them through render --format html), corrupted data files through
// analyze. Cases run in-process inside 1–2 worker processes (test/fuzz/pool.ts) that are killed
// and replaced on a hang. Figures at the end; failing cases (seed, input, outputs) are written
// to --failures.
//
//   npm run fuzz                                   # 10,000 definitions + 1,000 data files
//   npm run fuzz -- --defs 500 --data 100          # smaller
//   npm run fuzz -- --seed-base 20000              # other seeds (case i has seed base+i)
//   npm run fuzz -- --render-rate 0.1              # share of definitions also rendered (default 0.1)
//   npm run fuzz -- --workers 1                    # worker processes (default 2)
//   npm run fuzz -- --only def:123 --only data:45  # re-run given cases, printing their output
//   npm run fuzz -- --workspace /tmp/x --failures out/fuzz/failures --messages /tmp/errors.tsv

import { appendFileSync, writeFileSync } from "node:fs";
import { describeFailure, newTally, addToTally, prepareWorkspace, saveFailure, type CaseKind, type CaseResult } from "../test/fuzz/harness.js";
import { FuzzPool } from "../test/fuzz/pool.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const defs = Number(flag("defs") ?? 10_000);
const datas = Number(flag("data") ?? 1_000);
const base = Number(flag("seed-base") ?? 1);
const renderRate = Number(flag("render-rate") ?? 0.1);
const workers = Number(flag("workers") ?? 2);
const timeoutMs = Number(flag("timeout") ?? 60) * 1000;
const workspace = flag("workspace") ?? "/tmp/churnbook-fuzz/workspace";
const failures = flag("failures") ?? "out/fuzz/failures";
const messagesFile = flag("messages"); // every error/warning line with its case, for review
const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--only" ? [a] : []));

const plan: [CaseKind, number][] = only.length
  ? only.map((o) => {
      const [k, s] = o.split(":");
      if ((k !== "def" && k !== "data") || !Number.isInteger(Number(s))) throw new Error(`--only expects def:<seed> or data:<seed>, got ${o}`);
      return [k, Number(s)] as [CaseKind, number];
    })
  : [...Array.from({ length: defs }, (_, i) => ["def", base + i] as [CaseKind, number]), ...Array.from({ length: datas }, (_, i) => ["data", base + i] as [CaseKind, number])];

await prepareWorkspace(workspace);
const pool = new FuzzPool(workspace, { workers, renderRate, timeoutMs });
if (messagesFile) writeFileSync(messagesFile, "");
console.log(`fuzz: ${plan.length} cases, ${workers} worker(s), render rate ${renderRate}, workspace ${workspace}`);

const tally = newTally();
const byClass = new Map<string, CaseResult[]>();
const timeByKind = { def: 0, data: 0 };
const started = performance.now();
let lastReport = started;
let next = 0;

async function lane(): Promise<void> {
  while (next < plan.length) {
    const [kind, seed] = plan[next++]!;
    const t0 = performance.now();
    const r = await pool.run(kind, seed);
    timeByKind[kind] += performance.now() - t0;
    addToTally(tally, r);
    if (messagesFile)
      for (const o of r.outcomes) for (const l of o.stderr.split("\n").filter((l) => /^(error|internal error|warning):/.test(l))) appendFileSync(messagesFile, `${kind}:${seed}\t${o.code}\t${l.slice(0, 400)}\n`);
    if (only.length) {
      console.log(`── ${kind}:${seed} ${r.c.label}`);
      for (const o of r.outcomes) console.log(`$ churnbook ${o.argv.join(" ")}\nexit ${o.code} (${Math.round(o.ms)} ms)\n--- stdout (first 2000 chars)\n${o.stdout.slice(0, 2000)}\n--- stderr\n${o.stderr.slice(0, 4000)}`);
    }
    if (r.failed) {
      const dir = saveFailure(failures, r);
      console.log(`${describeFailure(r)}\n  saved: ${dir}`);
      for (const o of r.outcomes)
        for (const f of o.failures) {
          const key = `${f.cls}: ${f.detail.replace(/\/tmp\/\S+/g, "<path>").replace(/\d+/g, "N").slice(0, 140)}`;
          byClass.set(key, [...(byClass.get(key) ?? []), r]);
        }
    }
    if (performance.now() - lastReport > 60_000) {
      lastReport = performance.now();
      console.log(`… ${tally.cases}/${plan.length} cases, ${tally.failedCases} failing, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
}

try {
  await Promise.all(Array.from({ length: Math.max(1, workers) }, lane));
} finally {
  pool.close();
}
const late = pool.takeLateErrors();
tally.crashes += late.length;
const secs = (performance.now() - started) / 1000;
console.log(`
fuzz: ${tally.cases} cases (${plan.filter((p) => p[0] === "def").length} definitions, ${plan.filter((p) => p[0] === "data").length} data files), ${tally.runs} CLI runs, ${secs.toFixed(0)} s wall, ${workers} worker(s): ${(tally.cases / secs).toFixed(1)} cases/s (worker time: definitions ${(timeByKind.def / 1000).toFixed(0)} s, data ${(timeByKind.data / 1000).toFixed(0)} s)
  exit 0:                  ${tally.exit0}
  user errors (exit 1/2):  ${tally.userErrors}
  crashes (70/uncaught):   ${tally.crashes}${late.length ? ` (${late.length} escaped after their case)` : ""}
  stack traces:            ${tally.stacks}
  unlocated messages:      ${tally.unlocated}
  partial outputs:         ${tally.partial}
  hangs (timeout):         ${tally.hangs}
  other exit codes:        ${tally.badExit}
  failing cases:           ${tally.failedCases}${tally.failedCases ? ` (saved under ${failures})` : ""}`);
for (const l of late) console.log(`  late error from ${l.kind}:${l.seed}: ${l.error}`);
if (byClass.size) {
  console.log("\nfailure classes:");
  for (const [k, rs] of [...byClass].sort((a, b) => b[1].length - a[1].length)) console.log(`  ${rs.length}× ${k}\n     e.g. ${rs.slice(0, 8).map((r) => `${r.c.kind}:${r.c.seed}`).join(", ")}`);
}
process.exitCode = tally.failedCases || late.length ? 1 : 0;
setTimeout(() => process.exit(process.exitCode), 1000).unref();
