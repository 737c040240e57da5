// Scale data beyond what the generator makes in reasonable time: k copies (k ≤ 10) of a
// generated company's Parquet files as one company, for the 10⁷-customer measurement
// (docs/scaling.md). The generator's CPU time is linear (~130 s per 10⁶ customers on one core),
// so 10⁷ distinct customers cost over 20 CPU-minutes; DuckDB copies 10⁶ ten times in a few.
//
// Replica r (0…k−1) puts the digit r after each id's letter (C0000001 → C30000001, the same
// for subscription, transaction and ticket ids), so ids stay unique and equally wide, and
// every other value is the original's: rates and shares equal the source company's, counts
// and sums are k times them. Rows are written replica by replica in the source's order.
//
//   npx tsx bench/replicate.ts <source dir with *.parquet> <k> <out dir>

import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createEngine, quoteIdent, quoteLiteral } from "../src/data/engine.js";
import { sampleColumns, sampleParquetTypes } from "../src/sample/write.js";

const [from, kText, to] = process.argv.slice(2);
const k = Number(kText);
if (!from || !to || !Number.isInteger(k) || k < 1 || k > 10) {
  process.stderr.write("usage: npx tsx bench/replicate.ts <source dir> <k: 1–10> <out dir>\n");
  process.exit(2);
}
const ids = new Set(["customer_id", "subscription_id", "transaction_id", "ticket_id"]);

mkdirSync(to, { recursive: true });
const engine = await createEngine();
for (const t of Object.keys(sampleColumns) as (keyof typeof sampleColumns)[]) {
  const source = quoteLiteral(join(from, `${t}.parquet`));
  const parts: string[] = [];
  for (let r = 0; r < k; r++) {
    const part = join(to, `.${t}.${r}.parquet`);
    const select = Object.keys(sampleParquetTypes[t]).map((c) => (ids.has(c) ? `substr(${quoteIdent(c)}, 1, 1) || '${r}' || substr(${quoteIdent(c)}, 2) AS ${quoteIdent(c)}` : quoteIdent(c)));
    await engine.query(`COPY (SELECT ${select.join(", ")} FROM read_parquet(${source})) TO ${quoteLiteral(part)} (FORMAT parquet, COMPRESSION zstd)`);
    parts.push(part);
  }
  // One file per dataset, as the report's definition names it; a list of files is read in order.
  const tmp = join(to, `.${t}.parquet.tmp`);
  await engine.query(`COPY (SELECT * FROM read_parquet([${parts.map(quoteLiteral).join(", ")}])) TO ${quoteLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
  renameSync(tmp, join(to, `${t}.parquet`));
  for (const p of parts) rmSync(p);
  const [{ n }] = (await engine.query(`SELECT count(*) AS n FROM read_parquet(${quoteLiteral(join(to, `${t}.parquet`))})`)) as [{ n: number }];
  process.stderr.write(`${t}.parquet: ${n.toLocaleString("en-US")} rows\n`);
}
engine.close();
