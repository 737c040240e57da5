// Writes schema/report.schema.json from the TypeBox definitions and the analysis registry.
// `npm run schema`; a test fails when the committed file is out of date.

import { writeFileSync } from "node:fs";
import { reportJsonSchema } from "../src/definition/json-schema.js";

const path = new URL("../schema/report.schema.json", import.meta.url);
writeFileSync(path, JSON.stringify(reportJsonSchema(), null, 2) + "\n");
console.log(`wrote ${path.pathname}`);
