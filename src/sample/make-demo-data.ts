// Regenerates the committed demo clients in data/: `npx tsx src/sample/make-demo-data.ts`.
// The output is deterministic: rerunning it must leave `git diff data/` empty. acme is written
// in Chinese (it feeds the zh-CN leadership report), globex in English.

import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";
import { statSync } from "node:fs";
import { generateToDir } from "./write.js";
import type { SampleOptions } from "./generate.js";

export const demoClients: { dir: string; options: SampleOptions }[] = [
  {
    dir: "acme",
    options: { seed: 1, customers: 1500, start: "2024-01-01", end: "2026-11-01", name: "Acme", currency: "CNY", priceLevel: 7, language: "zh" },
  },
  {
    dir: "globex",
    options: { seed: 2, customers: 800, start: "2024-06-01", end: "2026-11-01", name: "Globex", currency: "USD", priceLevel: 1, language: "en" },
  },
];

export function makeDemoData(dataDir: string): void {
  for (const client of demoClients) {
    const dir = join(dataDir, client.dir);
    const result = generateToDir(client.options, dir);
    let bytes = 0;
    for (const f of result.files) bytes += statSync(join(dir, f.name)).size;
    const counts = result.files.map((f) => `${f.name} ${f.rows}`).join(", ");
    console.log(`${relative(process.cwd(), dir) || dir}: ${counts}; ${(bytes / 1024).toFixed(0)} KiB`);
    console.log(`  events: ${result.meta.events.priceRise.plan} price rise ${result.meta.events.priceRise.date}, outage ${result.meta.events.outage.date}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  makeDemoData(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "data"));
}
