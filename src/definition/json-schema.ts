// The shipped JSON Schema (schema/report.schema.json), generated from the same TypeBox
// schemas the validator uses, with each analysis cell's params typed by its analysis.

import { registry } from "../analysis/registry.js";
import { cellKinds, cellSchemas, ReportSpec } from "./spec.js";

export function reportJsonSchema(): object {
  const strip = (o: unknown): unknown => JSON.parse(JSON.stringify(o));

  const analysisCell = strip(cellSchemas.analysis) as { properties: Record<string, unknown>; allOf?: unknown[] };
  analysisCell.properties.analysis = { ...(analysisCell.properties.analysis as object), enum: [...registry.keys()].sort() };
  analysisCell.allOf = [...registry.values()].map((a) => ({
    if: { properties: { analysis: { const: a.id } }, required: ["analysis"] },
    // Every analysis param has a default, so none is required in a definition.
    then: { properties: { params: { ...(strip(a.params) as object), required: undefined, additionalProperties: false, description: a.summary["en-US"] } } },
  }));
  const top = strip(ReportSpec) as { properties: Record<string, { items?: unknown }> };
  top.properties.cells!.items = { anyOf: cellKinds.map((k) => (k === "analysis" ? analysisCell : strip(cellSchemas[k]))) };
  return { $schema: "http://json-schema.org/draft-07/schema#", $id: "https://churnbook.dev/schema/report.schema.json", title: "churnbook report definition", ...top };
}
