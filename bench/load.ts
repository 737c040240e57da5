// The loader alone, against the floor's read of the same files: loads the flagship report's
// datasets (bench/floor.ts's floorTables) from a sample company's CSV or Parquet files into a
// fresh engine with churnbook's settings, and prints each dataset's wall and CPU time, every SQL
// statement the loader ran with its wall and CPU time (most CPU first), the floor's read of the same
// files in the same process (read_csv_auto / read_parquet into a table), and the process's
// peak RSS. For profiling the load (issue 14): `--cpu-prof` on node shows the JavaScript side,
// `BENCH_FLOOR=0` leaves the floor's read out (so peak RSS is the loader's alone).
// Usage: `TZ=UTC npx tsx bench/load.ts bench/tmp/company-100000 [csv|parquet]`.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createEngine, quoteLiteral, type Engine } from "../src/data/engine.js";
import { loadDataset } from "../src/data/load.js";
import type { Role } from "../src/data/roles.js";
import { floorTables, type Format } from "./floor.js";

const dir = resolve(process.argv[2] ?? "bench/tmp/company-10000");
const format = (process.argv[3] ?? "csv") as Format;
if (!existsSync(join(dir, `subscriptions.${format}`))) {
  console.error(`no ${format} files in ${dir} (npm run bench writes them)`);
  process.exit(1);
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const s = (ms: number) => (ms / 1000).toFixed(3).padStart(7);

/** An engine whose queries are timed, one entry per statement. */
function timed(engine: Engine, log: { sql: string; ms: number; cpuMs: number }[]): Engine {
  return {
    ...engine,
    dialect: engine.dialect,
    async query(sql) {
      const t0 = performance.now(), c0 = cpu();
      try {
        return await engine.query(sql);
      } finally {
        log.push({ sql: sql.replace(/\s+/g, " "), ms: performance.now() - t0, cpuMs: cpu() - c0 });
      }
    },
    loadRows: engine.loadRows.bind(engine),
    close: engine.close.bind(engine),
  };
}

const log: { sql: string; ms: number; cpuMs: number }[] = [];
const base = await createEngine();
const engine = timed(base, log);
const now = new Date("2026-12-01T00:00:00Z");
let loadMs = 0, loadCpu = 0;
console.log(`load of ${dir} (${format})`);
for (const t of floorTables) {
  const t0 = performance.now(), c0 = cpu(), from = log.length;
  const d = await loadDataset(engine, { name: t, role: t as Role, file: join(dir, `${t}.${format}`), columns: {}, types: {}, derive: {} }, { now });
  const ms = performance.now() - t0, c = cpu() - c0;
  loadMs += ms;
  loadCpu += c;
  console.log(`  ${t.padEnd(14)} ${String(d.rows).padStart(9)} rows  wall ${s(ms)} s  cpu ${s(c)} s  (${log.length - from} statements; findings: ${d.findings.map((f) => `${f.code} ${f.count}`).join(", ") || "none"})`);
}
console.log(`  load total: wall ${s(loadMs)} s  cpu ${s(loadCpu)} s`);
console.log("  statements by CPU (process CPU while each ran: DuckDB's threads and the fingerprint's hashing beside it):");
for (const q of [...log].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 15)) console.log(`    cpu ${s(q.cpuMs)} s  wall ${s(q.ms)} s  ${q.sql.slice(0, 140)}`);
base.close();

if (process.env.BENCH_FLOOR !== "0") {
  const floor = await createEngine();
  const t0 = performance.now(), c0 = cpu();
  for (const t of floorTables) {
    const file = quoteLiteral(join(dir, `${t}.${format}`));
    await floor.query(`CREATE TABLE ${t} AS SELECT * FROM ${format === "csv" ? `read_csv_auto(${file})` : `read_parquet(${file})`}`);
  }
  const ms = performance.now() - t0, c = cpu() - c0;
  console.log(`floor read: wall ${s(ms)} s  cpu ${s(c)} s   load ÷ read: wall ${(loadMs / ms).toFixed(2)}×  cpu ${(loadCpu / c).toFixed(2)}×`);
  floor.close();
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
