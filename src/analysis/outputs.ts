// Checking a result against its analysis's declared outputs (types.ts AnalysisOutputs): every
// scalar, table and column must be declared, every declared one present (unless optional), and
// every value of its declared type (null is a missing value and always allowed).

import type { AnalysisInfo, AnalysisOutputs, AnalysisResult, OutputType, Row, ScalarDecl, Value } from "./types.js";

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export function valueHasType(v: Value, type: OutputType | OutputType[]): boolean {
  if (v === null) return true;
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case "string":
        return typeof v === "string";
      case "date":
        return typeof v === "string" && isoDate.test(v);
      case "number":
        return typeof v === "number" && Number.isFinite(v);
      case "integer":
        return typeof v === "number" && Number.isInteger(v);
      case "boolean":
        return typeof v === "boolean";
    }
  });
}

/**
 * The type of a column no declaration covers (a transform's new column, an open column), from its
 * values: date (ISO dates), integer, number, boolean, else string. Never from the column's name.
 */
export function typeOfValues(rows: readonly Row[], column: string): OutputType {
  const values = rows.map((r) => r[column] ?? null).filter((v) => v !== null);
  if (!values.length) return "string";
  for (const t of ["date", "integer", "number", "boolean"] as const) if (values.every((v) => valueHasType(v, t))) return t;
  return "string";
}

/**
 * The declaration of a scalar: by its name, or by a pattern for names made from params or data
 * (`early_churn_<h>` declares early_churn_1, early_churn_3, …; a <placeholder> stands for
 * letters, digits and underscores).
 */
export function scalarDecl(outputs: AnalysisOutputs, name: string): ScalarDecl | undefined {
  if (Object.hasOwn(outputs.scalars, name)) return outputs.scalars[name];
  for (const [key, d] of Object.entries(outputs.scalars)) if (key.includes("<") && patternOf(key).test(name)) return d;
  return undefined;
}

/** A declared name as a regular expression source, unanchored: <placeholder> → [a-z0-9_]+ (also for the JSON Schema). */
export function declaredNamePattern(key: string): string {
  return key.split(/<[a-z_]+>/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[a-z0-9_]+");
}

const patterns = new Map<string, RegExp>();
function patternOf(key: string): RegExp {
  let re = patterns.get(key);
  if (!re) patterns.set(key, (re = new RegExp(`^${declaredNamePattern(key)}$`)));
  return re;
}

/** The ways a result departs from its declaration (empty: it conforms). */
export function outputProblems(analysis: AnalysisInfo, result: AnalysisResult): string[] {
  const out: string[] = [];
  const decl = analysis.outputs;
  if (!decl) return [`analysis "${analysis.id}" declares no outputs`];
  for (const [k, v] of Object.entries(result.scalars)) {
    const d = scalarDecl(decl, k);
    if (!d) out.push(`undeclared scalar "${k}" (${JSON.stringify(v)})`);
    else if (!valueHasType(v, d.type)) out.push(`scalar "${k}" is ${JSON.stringify(v)}, not of type ${String(d.type)}`);
  }
  for (const [k, d] of Object.entries(decl.scalars)) if (!d.optional && !k.includes("<") && !Object.hasOwn(result.scalars, k)) out.push(`declared scalar "${k}" is missing`);
  for (const [name, rows] of Object.entries(result.tables)) {
    const t = decl.tables[name];
    if (!t) {
      out.push(`undeclared table "${name}"`);
      continue;
    }
    const seen = new Set<string>();
    const bad = new Set<string>();
    for (const row of rows) {
      for (const [c, v] of Object.entries(row)) {
        seen.add(c);
        const cd = t.columns[c];
        if (!cd) {
          if (!t.openColumns && !bad.has(c)) out.push(`table "${name}": undeclared column "${c}"`);
          bad.add(c);
        } else if (!valueHasType(v, cd.type) && !bad.has(c)) {
          bad.add(c);
          out.push(`table "${name}": column "${c}" has ${JSON.stringify(v)}, not of type ${String(cd.type)}`);
        }
      }
    }
    if (rows.length) for (const [c, cd] of Object.entries(t.columns)) if (!cd.optional && !seen.has(c)) out.push(`table "${name}": declared column "${c}" is missing`);
  }
  for (const [name, t] of Object.entries(decl.tables)) if (!t.optional && !Object.hasOwn(result.tables, name)) out.push(`declared table "${name}" is missing`);
  return out;
}
