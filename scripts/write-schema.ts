// Writes schema/report.schema.json (from the TypeBox definitions and the analysis registry) and
// schema/clients.schema.json (batch clients files). `npm run schema`; a test fails when a
// committed file is out of date.

import { writeFileSync } from "node:fs";
import { reportJsonSchema } from "../src/runner/definitions.js";
import { clientsJsonSchema } from "../src/definition/clients.js";

for (const [name, schema] of [["report", reportJsonSchema()], ["clients", clientsJsonSchema()]] as const) {
  const path = new URL(`../schema/${name}.schema.json`, import.meta.url);
  writeFileSync(path, JSON.stringify(schema, null, 2) + "\n");
  console.log(`wrote ${path.pathname}`);
}
