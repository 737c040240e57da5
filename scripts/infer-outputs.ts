// Development aid: runs every analysis on the sample data (test/helpers/sample-runs.ts) and prints
// the shape its results have (scalars, tables, columns, value types, presence) as JSON — the
// starting point of an analysis's `outputs` declaration. Usage: tsx scripts/infer-outputs.ts [id…]
import { sampleRuns } from "../test/helpers/sample-runs.js";
import type { Value } from "../src/analysis/types.js";

const typeOf = (v: Value): string => (v === null ? "null" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v === "string" ? (/^\d{4}-\d{2}-\d{2}$/.test(v) ? "date" : "string") : typeof v);
const runs = await sampleRuns({ ids: process.argv.slice(2).length ? process.argv.slice(2) : undefined });
const shapes: Record<string, { runs: number; scalars: Record<string, { n: number; types: string[]; example: Value }>; tables: Record<string, { n: number; columns: Record<string, { n: number; types: string[]; example: Value }> }> }> = {};
for (const r of runs) {
  const s = (shapes[r.analysis.id] ??= { runs: 0, scalars: {}, tables: {} });
  s.runs++;
  for (const [k, v] of Object.entries(r.result.scalars)) {
    const e = (s.scalars[k] ??= { n: 0, types: [], example: v });
    e.n++;
    if (!e.types.includes(typeOf(v))) e.types.push(typeOf(v));
    if (e.example === null) e.example = v;
  }
  for (const [t, rows] of Object.entries(r.result.tables)) {
    const e = (s.tables[t] ??= { n: 0, columns: {} });
    e.n++;
    const seen = new Set<string>();
    for (const row of rows) for (const [c, v] of Object.entries(row)) {
      const ce = (e.columns[c] ??= { n: 0, types: [], example: v });
      if (!seen.has(c)) { ce.n++; seen.add(c); }
      if (!ce.types.includes(typeOf(v))) ce.types.push(typeOf(v));
      if (ce.example === null) ce.example = v;
    }
  }
}
console.log(JSON.stringify(shapes, null, 1));
