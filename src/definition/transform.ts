// Transform cells: Arquero verbs over analysis result tables, written in the definition.
//
//   - id: top_reasons
//     transform:
//       from: reasons                 # an analysis or transform cell (its main table) or <cell>.<table>
//       steps:
//         - filter: "d => d.share >= 0.05"
//         - derive: { lost_arr: { expr: "d => d.lost_mrr * 12", format: currency } }
//         - groupby: [category]
//         - rollup: { events: "d => op.sum(d.events)" }
//         - orderby: [-events]        # column names; a leading - sorts descending
//         - select: [category, events]
//         - join: { with: summary.periods, on: [period], how: left }
//         - slice: 10                  # the first N rows, or { start, end }
//
// Expressions are Arquero expression strings, parsed here by Arquero's own parser (`parse` with
// `ast: true`: nothing is compiled). Arquero already refuses variables, closures and calls other
// than its `op` functions; on top of that only value expressions are allowed (no block bodies,
// no member access beyond a column, no params): anything else is a located definition error.
//
// A derived or rolled-up column is an expression, or { expr, format } with one of the declared
// output formats (core/vocabulary.ts outputFormats); without a format the runner derives it from
// the columns the expression reads (runner/transform.ts), never from the column's name.

import { createRequire } from "node:module";
import { outputFormats, type OutputFormat } from "../core/vocabulary.js";
import { closeMatches } from "../util/errors.js";

/**
 * Arquero, loaded on the first transform expression: most definitions have no transform cell, and
 * Arquero is the largest module `validate` would otherwise load (synchronous `require` of an ES
 * module: Node ≥ 20.19).
 */
let arquero: typeof import("arquero") | undefined;
const loadArquero = (): typeof import("arquero") => (arquero ??= createRequire(import.meta.url)("arquero") as typeof import("arquero"));

export const transformVerbs = ["filter", "derive", "groupby", "rollup", "orderby", "select", "join", "slice"] as const;
export type TransformVerb = (typeof transformVerbs)[number];
export const joinKinds = ["inner", "left", "right", "full"] as const;

export type TransformStep =
  | { verb: "filter"; expr: string; line: number }
  | { verb: "derive" | "rollup"; exprs: Record<string, string>; formats: Record<string, OutputFormat>; line: number }
  | { verb: "groupby" | "select"; columns: string[]; line: number }
  | { verb: "orderby"; columns: { name: string; desc: boolean }[]; line: number }
  | { verb: "join"; with: string; on: string[]; how: (typeof joinKinds)[number]; line: number }
  | { verb: "slice"; start: number; end: number | null; line: number };

export interface TransformProblem {
  /** Path below the step (e.g. ["derive", "lost_arr"]), for locating the problem. */
  path: (string | number)[];
  message: string;
  hint?: string;
  /** Locate the key rather than the value. */
  key?: boolean;
}

const allowedNodes = new Set(["Column", "Literal", "Constant", "Function", "CallExpression", "BinaryExpression", "LogicalExpression", "UnaryExpression", "ConditionalExpression", "ArrayExpression", "TemplateLiteral", "TemplateElement"]);

/** An Arquero expression's syntax tree (the body of `d => …`), as Arquero's parser gives it. */
export interface ExpressionNode {
  type: string;
  name?: string;
  value?: unknown;
  operator?: string;
  [child: string]: unknown;
}

/**
 * Parses one Arquero expression and returns the columns it reads; throws an Error with a reader's
 * message when Arquero refuses it or it uses anything but value expressions.
 */
export function parseTransformExpression(expr: string): string[] {
  return parseTransformAst(expr).columns;
}

/** Parses and checks one Arquero expression (see parseTransformExpression): its tree and the columns it reads. */
export function parseTransformAst(expr: string): { ast: ExpressionNode; columns: string[] } {
  let ast: ExpressionNode;
  try {
    ast = (loadArquero().parse({ e: expr }, { ast: true }) as { exprs: ExpressionNode[] }).exprs[0]!;
  } catch (e) {
    throw new Error(((e as Error).message ?? String(e)).split("\n")[0]!);
  }
  const columns = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const n = node as { type?: string; name?: string };
    if (typeof n.type === "string") {
      if (!allowedNodes.has(n.type)) {
        throw new Error(n.type === "BlockStatement" ? "a block body ({ … }) is not allowed: write the expression after =>" : n.type === "MemberExpression" ? "member access other than a column (d.name) is not allowed" : `${n.type} is not allowed in a transform expression`);
      }
      if (n.type === "Column" && typeof n.name === "string") columns.add(n.name);
    }
    for (const [k, v] of Object.entries(node)) if (k !== "type" && typeof v === "object") visit(v);
  };
  visit(ast);
  return { ast, columns: [...columns] };
}

const isName = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const names = (v: unknown): string[] | null => (isName(v) ? [v] : Array.isArray(v) && v.length > 0 && v.every(isName) ? v : null);

/** Checks one raw step of a transform; problems are located below the step. */
export function checkTransformStep(step: unknown): TransformProblem[] {
  if (!step || typeof step !== "object" || Array.isArray(step)) return [{ path: [], message: "a transform step is a mapping with one verb", hint: `verbs: ${transformVerbs.join(", ")}` }];
  const keys = Object.keys(step);
  const unknown = keys.filter((k) => !(transformVerbs as readonly string[]).includes(k));
  if (unknown.length) {
    const near = closeMatches(unknown[0]!, transformVerbs);
    return [{ path: [unknown[0]!], key: true, message: `unknown transform verb "${unknown[0]}"`, hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}verbs: ${transformVerbs.join(", ")}` }];
  }
  if (keys.length !== 1) return [{ path: [], message: keys.length ? `a transform step has one verb, not ${keys.length} (${keys.join(", ")})` : "empty transform step", hint: "write each verb as its own step (a new - item)" }];
  const verb = keys[0] as TransformVerb;
  const value = (step as Record<string, unknown>)[verb];
  const problems: TransformProblem[] = [];
  const expr = (path: (string | number)[], text: unknown) => {
    if (typeof text !== "string") return problems.push({ path, message: `${verb}: an expression string is expected, e.g. "d => d.share > 0.1"` });
    try {
      parseTransformExpression(text);
    } catch (e) {
      problems.push({ path, message: `${verb}: invalid expression ${JSON.stringify(text)}: ${(e as Error).message}`, hint: 'write an Arquero expression over the row d, e.g. "d => d.lost_mrr * 12"; functions come from op (op.sum, op.mean, op.round, …)' });
    }
    return 0;
  };
  switch (verb) {
    case "filter":
      expr([verb], value);
      break;
    case "derive":
    case "rollup":
      if (!value || typeof value !== "object" || Array.isArray(value) || !Object.keys(value).length) problems.push({ path: [verb], message: `${verb}: a mapping of new column → expression is expected` });
      else {
        for (const [k, v] of Object.entries(value)) {
          if (!v || typeof v !== "object" || Array.isArray(v)) {
            expr([verb, k], v);
            continue;
          }
          // { expr, format }: the expression and the column's declared format.
          const o = v as Record<string, unknown>;
          for (const key of Object.keys(o)) if (key !== "expr" && key !== "format") problems.push({ path: [verb, k, key], key: true, message: `${verb}: unknown key "${key}" of column "${k}"`, hint: "expected expr and format" });
          expr([verb, k, "expr"], o.expr);
          if (o.format !== undefined && !(outputFormats as readonly unknown[]).includes(o.format)) problems.push({ path: [verb, k, "format"], message: `${verb}: invalid format ${JSON.stringify(o.format)} of column "${k}"`, hint: `expected one of ${outputFormats.join(", ")}` });
        }
      }
      break;
    case "groupby":
    case "select":
    case "orderby":
      if (!names(value)) problems.push({ path: [verb], message: `${verb}: a column name or a list of column names is expected${verb === "orderby" ? " (a leading - sorts descending)" : ""}` });
      break;
    case "join": {
      const j = value as Record<string, unknown> | null;
      if (!j || typeof j !== "object" || Array.isArray(j)) {
        problems.push({ path: [verb], message: "join: a mapping { with: <cell>[.<table>], on: [columns], how: inner|left|right|full } is expected" });
        break;
      }
      for (const k of Object.keys(j)) if (!["with", "on", "how"].includes(k)) problems.push({ path: [verb, k], key: true, message: `join: unknown key "${k}"`, hint: "expected with, on, how" });
      if (!isName(j.with)) problems.push({ path: [verb], message: "join: `with` names the other table: <cell> or <cell>.<table>" });
      if (!names(j.on)) problems.push({ path: [verb], message: "join: `on` names the key column(s) both tables have" });
      if (j.how !== undefined && !(joinKinds as readonly unknown[]).includes(j.how)) problems.push({ path: [verb, "how"], message: `join: invalid how ${JSON.stringify(j.how)}`, hint: `expected one of ${joinKinds.join(", ")}` });
      break;
    }
    case "slice": {
      const ok = (n: unknown) => n === undefined || (typeof n === "number" && Number.isInteger(n) && n >= 0);
      if (typeof value === "number" ? !ok(value) : !value || typeof value !== "object" || Array.isArray(value) || !ok((value as { start?: unknown }).start) || !ok((value as { end?: unknown }).end) || Object.keys(value).some((k) => k !== "start" && k !== "end")) {
        problems.push({ path: [verb], message: "slice: a row count (slice: 10) or { start, end } with whole numbers ≥ 0 is expected" });
      }
      break;
    }
  }
  return problems;
}

/** The normal form of a checked step. */
export function normalizeTransformStep(step: Record<string, unknown>, line: number): TransformStep {
  const verb = Object.keys(step)[0] as TransformVerb;
  const value = step[verb];
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : [v as string]).map((s) => s.trim());
  switch (verb) {
    case "filter":
      return { verb, expr: value as string, line };
    case "derive":
    case "rollup": {
      const entries = Object.entries(value as Record<string, string | { expr: string; format?: OutputFormat }>);
      const exprs = Object.fromEntries(entries.map(([k, v]) => [k, typeof v === "string" ? v : v.expr]));
      const formats = Object.fromEntries(entries.flatMap(([k, v]) => (typeof v !== "string" && v.format ? [[k, v.format]] : [])));
      return { verb, exprs, formats, line };
    }
    case "groupby":
    case "select":
      return { verb, columns: list(value), line };
    case "orderby":
      return { verb, columns: list(value).map((c) => (c.startsWith("-") ? { name: c.slice(1).trim(), desc: true } : { name: c, desc: false })), line };
    case "join": {
      const j = value as { with: string; on: string | string[]; how?: (typeof joinKinds)[number] };
      return { verb, with: j.with, on: list(j.on), how: j.how ?? "inner", line };
    }
    case "slice":
      return typeof value === "number" ? { verb, start: 0, end: value, line } : { verb, start: (value as { start?: number }).start ?? 0, end: (value as { end?: number }).end ?? null, line };
  }
}
