// The shipped JSON Schema (schema/report.schema.json), generated from the same TypeBox
// schemas the validator uses and from the analyses' declared outputs, for editors (VS Code with
// the YAML extension): each analysis cell's params typed by its analysis (if/then on
// `analysis:`, enums listed), and references completed and checked where a schema can:
//   - kpi value/previous/last_year: `<cell>.<scalar>`, one pattern per analysis built from its
//     declared scalars (cell ids are the author's, so any id; the scalar must exist somewhere),
//     with a completion per scalar (`defaultSnippets`: `cell.churn_rate`, the cell id to type over);
//   - table cells and transform inputs: `<cell>` or `<cell>.<table>` with a declared table name;
//   - chart marks' `data`: the declared table names as completions.
// Whether a reference's cell exists and runs the right analysis needs the whole definition:
// that is `churnbook validate` (definition/references.ts), which an editor schema cannot replace.

import type { Analysis } from "../analysis/types.js";
import { cellKinds, definitionSchemas } from "./spec.js";
import type { DefinitionVocabulary } from "./vocabulary.js";

type Json = Record<string, unknown>;

const strip = (o: unknown): Json => JSON.parse(JSON.stringify(o)) as Json;
/** Declared names as one alternation (a `<placeholder>` as the pattern of its instances). */
const alternation = (v: DefinitionVocabulary, names: string[]) => names.map(v.declaredNamePattern).join("|");
/** A cell id as the author wrote it (no dot; a {{param}} template is left to validate). */
const cellPart = "[^.{}\\s]+";
/** A reference with a {{param}} template in it: checked by validate once substituted, not here. */
const templated = { pattern: "\\{\\{", description: "a reference built from a {{param}}" };

/** The analysis param schema as editors read it best: enums as `enum` (TypeBox writes anyOf of consts), nothing required. */
function paramsSchema(a: Analysis): Json {
  const s = strip(a.params) as { properties: Record<string, Json> };
  for (const [name, p] of Object.entries(s.properties)) {
    const consts = p.anyOf as { const: unknown; type?: string }[] | undefined;
    if (consts?.every((o) => "const" in o)) {
      const { anyOf: _, ...rest } = p;
      s.properties[name] = { ...rest, type: consts[0]?.type ?? "string", enum: consts.map((o) => o.const) };
    }
  }
  // Every analysis param has a default, so none is required in a definition.
  return { ...s, required: undefined, additionalProperties: false, description: `${a.title["en-US"]}: ${a.summary["en-US"]}` };
}

const sorted = (v: DefinitionVocabulary) => [...v.analyses.values()].sort((a, b) => a.id.localeCompare(b.id));

/** A declared name as a snippet: each <placeholder> a tab stop after the cell id's. */
function snippetName(name: string): string {
  let stop = 1;
  return name.replace(/<([a-z_]+)>/g, (_, p: string) => `\${${++stop}:${p}}`);
}

/** `<cell>.<scalar>` of any analysis (or a transform's row count), with a completion per scalar. */
function scalarReference(v: DefinitionVocabulary): Json {
  const list = sorted(v);
  return {
    type: "string",
    description: "A scalar of an analysis cell: <cell id>.<scalar>, e.g. summary.churn_rate (churnbook analyses lists every analysis's scalars).",
    anyOf: [
      ...list.map((a) => ({ pattern: `^${cellPart}\\.(${alternation(v, Object.keys(a.outputs?.scalars ?? {}))})$`, description: `a scalar of a ${a.id} cell` })),
      { pattern: `^${cellPart}\\.rows$`, description: "the row count of a transform cell" },
      templated,
    ],
    defaultSnippets: list.flatMap((a) =>
      Object.entries(a.outputs?.scalars ?? {}).map(([name, d]) => ({
        label: `cell.${name}`,
        description: `${a.id}: ${d.description["en-US"]}${d.format ? ` (${d.format})` : ""}`,
        body: `\${1:cell}.${snippetName(name)}`,
      })),
    ),
  };
}

/** `<cell>` (its main table) or `<cell>.<table>` with a declared table name. */
function tableReference(v: DefinitionVocabulary, description: string): Json {
  const tables = tableNames(v);
  return {
    type: "string",
    description,
    anyOf: [
      { pattern: `^${cellPart}$`, description: "a cell: its main table (a transform cell: its result)" },
      { pattern: `^${cellPart}\\.(${alternation(v, tables)})$`, description: "a table of an analysis cell" },
      { pattern: `^(${cellPart})\\.\\1$`, description: "a transform cell's result, by its own name" },
      templated,
    ],
    defaultSnippets: tables.map((t) => ({ label: `cell.${t}`, body: `\${1:cell}.${t}` })),
  };
}

/** Every table name some analysis declares. */
const tableNames = (v: DefinitionVocabulary) => [...new Set(sorted(v).flatMap((a) => Object.keys(a.outputs?.tables ?? {})))].sort();

export function reportJsonSchema(v: DefinitionVocabulary): object {
  const { report, cells: cellSchemas } = definitionSchemas(v);
  const analyses = sorted(v);
  const definitions: Json = { scalarReference: scalarReference(v) };
  const scalarRef = (description: unknown) => ({ allOf: [{ $ref: "#/definitions/scalarReference" }], ...(description ? { description } : {}) });

  const analysisCell = strip(cellSchemas.analysis) as { properties: Json; allOf?: unknown[] };
  analysisCell.properties.analysis = { ...(analysisCell.properties.analysis as object), enum: analyses.map((a) => a.id) };
  analysisCell.allOf = analyses.map((a) => ({
    if: { properties: { analysis: { const: a.id } }, required: ["analysis"] },
    then: { properties: { params: paramsSchema(a) } },
  }));

  const kpiCell = strip(cellSchemas.kpi) as { properties: { kpi: { items: { properties: Record<string, Json> } } } };
  const kpi = kpiCell.properties.kpi.items.properties;
  for (const k of ["value", "previous", "last_year"]) kpi[k] = scalarRef(kpi[k]!.description);

  const tableCell = strip(cellSchemas.table) as { properties: Json };
  tableCell.properties.table = tableReference(v, (tableCell.properties.table as Json).description as string);

  const transformCell = strip(cellSchemas.transform) as { properties: { transform: { properties: Json & { steps: { items: { anyOf: Json[] } } } } } };
  const transform = transformCell.properties.transform.properties;
  transform.from = tableReference(v, (transform.from as Json).description as string);
  for (const step of transform.steps.items.anyOf) {
    const join = (step.properties as Record<string, { properties?: Json }> | undefined)?.join?.properties;
    if (join) join.with = tableReference(v, (join.with as Json).description as string);
  }

  const chartCell = strip(cellSchemas.chart) as { properties: { chart: { anyOf: Json[] } } };
  const plot = chartCell.properties.chart.anyOf.find((s) => s.type === "object") as { properties: { marks: { items: { properties: Record<string, Json> } } } };
  plot.properties.marks.items.properties.data = { ...plot.properties.marks.items.properties.data, examples: tableNames(v) };

  const cells: Record<string, Json> = { analysis: analysisCell, kpi: kpiCell, table: tableCell, transform: transformCell, chart: chartCell };
  const top = strip(report) as { properties: Record<string, { items?: unknown }> };
  top.properties.cells!.items = { anyOf: cellKinds.map((k) => cells[k] ?? strip(cellSchemas[k])) };
  return { $schema: "http://json-schema.org/draft-07/schema#", $id: "https://churnbook.dev/schema/report.schema.json", title: "churnbook report definition", ...top, definitions };
}
