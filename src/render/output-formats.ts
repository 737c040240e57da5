// Formats and headers of result values from the analyses' declared outputs (analysis/types.ts
// AnalysisOutputs): a table column or scalar is presented as its analysis declares it, never
// guessed from its name.

import type { Analysis, Locale, OutputFormat, OutputType, Row } from "../analysis/types.js";
import { typeOfValues } from "../analysis/outputs.js";
import type { ValueFormat } from "../util/format.js";

/** The presentation format of a declared output format (and type, when no format is declared). */
export function valueFormat(format: OutputFormat | undefined, type?: OutputType | OutputType[]): ValueFormat {
  switch (format) {
    case "percent":
    case "currency":
    case "number":
    case "date":
    case "period":
    case "days":
    case "months":
      return format;
    case "count":
      return "integer";
    case "ratio":
      return "number";
    case "label":
      return "text";
    case undefined:
      return type === "date" ? "date" : type === "integer" ? "integer" : type === "number" ? "number" : "text";
  }
}

/** The declared format of a table column, or undefined when the analysis declares no such column. */
export function declaredColumnFormat(analysis: Analysis, table: string, column: string): ValueFormat | undefined {
  const c = analysis.outputs?.tables[table]?.columns[column];
  return c ? valueFormat(c.format, c.type) : undefined;
}

/** A declared column's header: its label, else its description; undefined for an undeclared column. */
export function declaredColumnLabel(analysis: Analysis, table: string, column: string, locale: Locale): string | undefined {
  const c = analysis.outputs?.tables[table]?.columns[column];
  return (c?.label ?? c?.description)?.[locale];
}

/** Why a declared column's value can be missing ("—"), if the declaration says. */
export function declaredMissingReason(analysis: Analysis, table: string, column: string, locale: Locale): string | undefined {
  return analysis.outputs?.tables[table]?.columns[column]?.missing?.[locale];
}

/** The declared format of a scalar, or undefined when the analysis declares no such scalar. */
export function declaredScalarFormat(analysis: Analysis, scalar: string): ValueFormat | undefined {
  const s = analysis.outputs?.scalars[scalar];
  return s ? valueFormat(s.format, s.type) : undefined;
}

/** The declared formats of a table's columns (undefined when the analysis declares no outputs, e.g. a transform). */
export function declaredTableFormats(analysis: Analysis, table: string): Record<string, ValueFormat> | undefined {
  const t = analysis.outputs?.tables[table];
  return t ? Object.fromEntries(Object.entries(t.columns).map(([k, c]) => [k, valueFormat(c.format, c.type)])) : undefined;
}

/**
 * The format of a column: its declaration in the analysis (or transform), else — a column named
 * after the data in an open table — from its values (integer, number, date, text), never its name.
 */
export function tableColumnFormat(analysis: Analysis, table: string, column: string, rows: readonly Row[]): ValueFormat {
  return declaredColumnFormat(analysis, table, column) ?? valuesFormat(rows, column);
}

/** The format of an undeclared column, from its values (see analysis/outputs.ts typeOfValues). */
export function valuesFormat(rows: readonly Row[], column: string): ValueFormat {
  return valueFormat(undefined, typeOfValues(rows, column));
}
