// Writes docs/analyses.md from the analysis registry (src/cli/commands/analyses.ts). `npm run docs`;
// a test fails when the committed file differs from what this writes.

import { mkdirSync, writeFileSync } from "node:fs";
import { analysesMarkdown } from "../src/cli/commands/analyses.js";

const path = new URL("../docs/analyses.md", import.meta.url);
mkdirSync(new URL("../docs/", import.meta.url), { recursive: true });
writeFileSync(path, analysesMarkdown());
console.log(`wrote ${path.pathname}`);
