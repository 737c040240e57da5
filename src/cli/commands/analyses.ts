// `churnbook analyses [id] [--json]` and docs/analyses.md (scripts/write-docs.ts): the analysis
// registry as its users need it — each analysis's params (type, default, allowed values, bounds)
// and declared outputs (scalars and tables with their columns: type, format, unit, meaning) —
// read from the registry itself, so the list, the JSON and the docs cannot drift from the code.

import type { TObject, TSchema } from "@sinclair/typebox";
import { getAnalysis, registry } from "../../analysis/registry.js";
import { isParamNeed, type Analysis, type Locale, type Localized, type OutputFormat, type OutputType, type ScalarDecl } from "../../analysis/types.js";
import { locales } from "../../core/vocabulary.js";
import type { Printer } from "../output.js";

export interface ParamInfo {
  name: string;
  type: "string" | "integer" | "number" | "boolean";
  default: string | number | boolean | null;
  /** The allowed values of an enum param. */
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  exclusive_minimum?: number;
  exclusive_maximum?: number;
  pattern?: string;
  description: string;
}

interface OutputInfo {
  name: string;
  type: OutputType | OutputType[];
  format: OutputFormat | null;
  optional: boolean;
  description: Localized | null;
}

export interface ScalarInfo extends OutputInfo {
  unit: string | null;
}

export interface TableInfo {
  name: string;
  /** The table `analyze --format csv` prints and a table cell shows by default. */
  main: boolean;
  optional: boolean;
  /** Besides the declared columns, columns named after the data (one per attribute value, per age, …). */
  open_columns: boolean;
  description: Localized;
  columns: OutputInfo[];
}

export interface AnalysisInfo {
  id: string;
  title: Localized;
  summary: Localized;
  /** Alternatives (any one suffices) per need: a dataset role with its fields, or a param standing in for data. */
  needs: ({ param: string } | { role: string; fields: string[]; optional: string[] })[][];
  params: ParamInfo[];
  main_table: string;
  scalars: ScalarInfo[];
  tables: TableInfo[];
}

type ParamSchema = TSchema & { type?: string; anyOf?: { const: string | number; type?: string }[]; default?: unknown; description?: string; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; pattern?: string };

/** The params of an analysis's TypeBox schema, in declaration order. */
export function paramInfo(schema: TObject): ParamInfo[] {
  return Object.entries(schema.properties).map(([name, raw]) => {
    const s = raw as ParamSchema;
    const values = s.anyOf?.map((o) => o.const);
    const type = (s.type ?? (values?.every((v) => typeof v === "number") ? "number" : "string")) as ParamInfo["type"];
    const info: ParamInfo = { name, type, default: (s.default ?? null) as ParamInfo["default"], description: s.description ?? "" };
    if (values) info.enum = values;
    if (s.minimum !== undefined) info.minimum = s.minimum;
    if (s.maximum !== undefined) info.maximum = s.maximum;
    if (s.exclusiveMinimum !== undefined) info.exclusive_minimum = s.exclusiveMinimum;
    if (s.exclusiveMaximum !== undefined) info.exclusive_maximum = s.exclusiveMaximum;
    if (s.pattern !== undefined) info.pattern = s.pattern;
    return info;
  });
}

export function analysisInfo(a: Analysis): AnalysisInfo {
  const outputs = a.outputs ?? { scalars: {}, tables: {} };
  const output = (name: string, d: { type: OutputType | OutputType[]; format?: OutputFormat; optional?: true; description?: Localized }): OutputInfo => ({
    name,
    type: d.type,
    format: d.format ?? null,
    optional: d.optional === true,
    description: d.description ?? null,
  });
  return {
    id: a.id,
    title: a.title,
    summary: a.summary,
    needs: a.needs.map((n) => (Array.isArray(n) ? n : [n]).map((o) => (isParamNeed(o) ? { param: o.param } : { role: o.role, fields: o.fields, optional: o.optional ?? [] }))),
    params: paramInfo(a.params),
    main_table: a.mainTable,
    scalars: Object.entries(outputs.scalars).map(([name, d]: [string, ScalarDecl]) => ({ ...output(name, d), unit: d.unit ?? null })),
    tables: Object.entries(outputs.tables).map(([name, t]) => ({
      name,
      main: name === a.mainTable,
      optional: t.optional === true,
      open_columns: t.openColumns === true,
      description: t.description,
      columns: Object.entries(t.columns).map(([c, d]) => output(c, d)),
    })),
  };
}

/** Every analysis of the registry, by id. */
export function analysisCatalog(): AnalysisInfo[] {
  return [...registry.values()].sort((a, b) => a.id.localeCompare(b.id)).map(analysisInfo);
}

/** The JSON of one analysis in one language (`analyses --json`). */
function inLocale(a: AnalysisInfo, locale: Locale) {
  const text = (d: Localized | null) => (d ? d[locale] : null);
  return {
    ...a,
    title: a.title[locale],
    summary: a.summary[locale],
    scalars: a.scalars.map((s) => ({ ...s, description: text(s.description) })),
    tables: a.tables.map((t) => ({ ...t, description: t.description[locale], columns: t.columns.map((c) => ({ ...c, description: text(c.description) })) })),
  };
}

const typeText = (t: OutputType | OutputType[]) => (Array.isArray(t) ? t.join(" | ") : t);
const needsText = (a: AnalysisInfo) =>
  a.needs.map((alts) => alts.map((o) => ("param" in o ? `--param ${o.param}` : `${o.role}(${o.fields.join(", ")}${o.optional.length ? `; optional ${o.optional.join(", ")}` : ""})`)).join(" or ")).join(" + ");
/** Allowed values and bounds of a param, e.g. "standard | stripe | rolling30" or "1 ≤ x ≤ 36". */
function paramDomain(p: ParamInfo): string {
  if (p.enum) return p.enum.join(" | ");
  const low = p.minimum !== undefined ? `${p.minimum} ≤ ` : p.exclusive_minimum !== undefined ? `${p.exclusive_minimum} < ` : "";
  const high = p.maximum !== undefined ? ` ≤ ${p.maximum}` : p.exclusive_maximum !== undefined ? ` < ${p.exclusive_maximum}` : "";
  if (low || high) return `${low}x${high}`;
  return p.pattern ? `/${p.pattern}/` : "";
}

export async function analysesCommand(args: { analysis?: string; locale?: string; json?: boolean }, printer: Printer): Promise<number> {
  const locale: Locale = locales.find((l) => l === args.locale) ?? "en-US";
  const list = args.analysis ? [analysisInfo(getAnalysis(args.analysis))] : analysisCatalog();
  if (args.json) {
    printer.data(JSON.stringify(list.map((a) => inLocale(a, locale)), null, 2));
    return 0;
  }
  const lines: string[] = [];
  for (const a of list) {
    lines.push(`${a.id} — ${a.title[locale]}`, `  ${a.summary[locale]}`, `  needs: ${needsText(a)}`);
    if (a.params.length) lines.push("  params:");
    for (const p of a.params) {
      const domain = paramDomain(p);
      lines.push(`    ${p.name}=${p.default === null || p.default === "" ? "…" : String(p.default)}  (${p.type}${domain ? `: ${domain}` : ""})  ${p.description}`);
    }
    if (a.scalars.length) lines.push("  scalars:");
    for (const s of a.scalars) lines.push(`    ${s.name}  ${typeText(s.type)}${s.format ? `, ${s.format}` : ""}${s.unit ? ` (${s.unit})` : ""}${s.optional ? ", optional" : ""}  ${s.description?.[locale] ?? ""}`);
    if (a.tables.length) lines.push("  tables:");
    for (const t of a.tables) {
      lines.push(`    ${t.name}${t.main ? " (main)" : ""}${t.optional ? " (optional)" : ""}  ${t.description[locale]}`);
      for (const c of t.columns) lines.push(`      ${c.name}  ${typeText(c.type)}${c.format ? `, ${c.format}` : ""}${c.optional ? ", optional" : ""}${c.description ? `  ${c.description[locale]}` : ""}`);
      if (t.open_columns) lines.push("      … and columns named after the data");
    }
    lines.push("");
  }
  printer.data(lines.join("\n"));
  return 0;
}

/** A Markdown table cell: pipes escaped, line breaks folded. */
const cell = (s: string | null | undefined) => (s ?? "").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const code = (s: string) => `\`${s}\``;

/** docs/analyses.md: every analysis with its params and declared outputs, in English and Chinese. */
export function analysesMarkdown(catalog: AnalysisInfo[] = analysisCatalog()): string {
  const both = (d: Localized | null) => [cell(d?.["en-US"]), cell(d?.["zh-CN"])];
  const out: string[] = [
    "# Analyses",
    "",
    "<!-- Generated by `npm run docs` (scripts/write-docs.ts) from the analysis registry: params from each",
    "analysis's schema, outputs from its declared outputs. Do not edit by hand; a test fails when it is stale. -->",
    "",
    `${catalog.length} analyses. A cell runs one with \`analysis: <id>\` and \`params:\`; kpi, table, chart and markdown`,
    "cells refer to its outputs as `<cell id>.<scalar>` and `<cell id>.<table>` (the main table when only the",
    "cell id is given). Formats: " + ["percent (a ratio shown ×100 %)", "currency (the report's currency)", "count", "number", "ratio", "date", "period", "label", "days", "months"].join(", ") + ".",
    "The same list: `churnbook analyses [id] [--json] [--locale zh-CN]`.",
    "",
    "| analysis | title | 标题 |",
    "|---|---|---|",
    ...catalog.map((a) => `| [${a.id}](#${a.id}) | ${cell(a.title["en-US"])} | ${cell(a.title["zh-CN"])} |`),
    "",
  ];
  for (const a of catalog) {
    out.push(`## ${a.id}`, "", `**${cell(a.title["en-US"])}** · ${cell(a.title["zh-CN"])}`, "", cell(a.summary["en-US"]), "", cell(a.summary["zh-CN"]), "", `Needs: ${cell(needsText(a))}. Main table: ${code(a.main_table)}.`, "");
    if (a.params.length) {
      out.push("### Params", "", "| param | type | default | allowed | description |", "|---|---|---|---|---|");
      for (const p of a.params) out.push(`| ${code(p.name)} | ${p.type} | ${p.default === null || p.default === "" ? "" : code(String(p.default))} | ${cell(paramDomain(p))} | ${cell(p.description)} |`);
      out.push("");
    }
    if (a.scalars.length) {
      out.push("### Scalars", "", "| scalar | type | format | unit | meaning | 含义 |", "|---|---|---|---|---|---|");
      for (const s of a.scalars) out.push(`| ${code(s.name)}${s.optional ? " (optional)" : ""} | ${typeText(s.type)} | ${s.format ?? ""} | ${cell(s.unit)} | ${both(s.description).join(" | ")} |`);
      out.push("");
    }
    for (const t of a.tables) {
      out.push(`### Table ${code(t.name)}${t.main ? " (main)" : ""}${t.optional ? " (optional)" : ""}`, "", `${both(t.description).join(" · ")}`, "", "| column | type | format | meaning | 含义 |", "|---|---|---|---|---|");
      for (const c of t.columns) out.push(`| ${code(c.name)}${c.optional ? " (optional)" : ""} | ${typeText(c.type)} | ${c.format ?? ""} | ${both(c.description).join(" | ")} |`);
      if (t.open_columns) out.push("| … | | | columns named after the data | 按数据命名的列 |");
      out.push("");
    }
  }
  return out.join("\n").replace(/\n+$/, "\n");
}
