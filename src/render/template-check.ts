// Static reading of Handlebars templates (markdown cells) for `churnbook validate`: the parse
// with the parser's own message and position, and every helper call and value path the template
// uses, with their positions — so references can be checked without running anything.

import Handlebars from "handlebars";
import { makeHelpers, markdownHelpers } from "./helpers.js";

type AST = ReturnType<typeof Handlebars.parse>;

/** A position inside the template: line 1-based, column 0-based (Handlebars' convention). */
export interface TemplatePos {
  line: number;
  column: number;
}

export interface TemplateSyntaxError extends TemplatePos {
  message: string;
  /** What the parser expected, when it says. */
  expected?: string[];
}

export interface TemplatePath extends TemplatePos {
  /** The path's segments (`summary.churn_rate` → ["summary", "churn_rate"]). */
  parts: string[];
  original: string;
  /** Inside an #each / #with block (relative paths read the block's context there) or a ../ path. */
  scoped: boolean;
}

export interface TemplateUses {
  helpers: (TemplatePos & { name: string })[];
  paths: TemplatePath[];
}

/** Handlebars' built-in block and value helpers. */
const builtinHelpers = ["if", "unless", "each", "with", "lookup", "log"];

/** Every helper a markdown cell may call (render/helpers.ts, the markdown extras, Handlebars' built-ins). */
export const markdownHelperNames: readonly string[] = [...Object.keys(makeHelpers({ locale: "en-US", currency: "USD" })), ...Object.keys(markdownHelpers), ...builtinHelpers];

/** Parses a template; the error carries the parser's full message and the position it points at. */
export function parseTemplate(text: string): { ast: AST } | { error: TemplateSyntaxError } {
  const parser = (Handlebars as unknown as { Parser: { parseError: (s: string, h: unknown) => void } }).Parser;
  const original = parser.parseError;
  parser.parseError = (str: string, hash: unknown) => {
    throw Object.assign(new Error(str), { hash });
  };
  try {
    return { ast: Handlebars.parse(text) };
  } catch (e) {
    const err = e as Error & { hash?: { loc?: { last_line: number; last_column: number }; expected?: string[]; token?: string }; lineNumber?: number; column?: number };
    const lines = err.message.split("\n");
    if (err.hash?.loc) {
      // "Parse error on line N:", the excerpt, the caret line, "Expecting …, got …".
      const detail = lines.slice(3).join(" ").trim() || lines[0]!;
      const expected = err.hash.expected?.map((x) => x.replace(/'/g, ""));
      // The template ended inside a block: the parser points past the end; the opening tag is the slip.
      const open = err.hash.token === "EOF" ? unclosedBlock(text) : undefined;
      if (open) return { error: { ...open, message: `${detail}: the block {{#${open.name}}} opened here is never closed with {{/${open.name}}}`, expected } };
      return { error: { line: err.hash.loc.last_line, column: err.hash.loc.last_column, message: detail, expected } };
    }
    if (typeof err.lineNumber === "number") {
      return { error: { line: err.lineNumber, column: err.column ?? 0, message: lines[0]!.replace(/ - \d+:\d+$/, "") } };
    }
    const m = /line (\d+)/.exec(lines[0]!);
    return { error: { line: m ? Number(m[1]) : 1, column: 0, message: lines.join(" ") } };
  } finally {
    parser.parseError = original;
  }
}

/** The last block opened ({{#name …}}) and not closed ({{/name}}), with its position (column 0-based). */
function unclosedBlock(text: string): (TemplatePos & { name: string }) | undefined {
  const open: { name: string; index: number }[] = [];
  for (const m of text.matchAll(/\{\{~?\s*([#/])\s*([^\s}~]+)/g)) {
    if (m[1] === "#") open.push({ name: m[2]!, index: m.index! });
    else if (open.length && open[open.length - 1]!.name === m[2]) open.pop();
  }
  const last = open.pop();
  if (!last) return undefined;
  const before = text.slice(0, last.index).split("\n");
  return { name: last.name, line: before.length, column: before[before.length - 1]!.length };
}

/** The helper calls and value paths of a parsed template. */
export function templateUses(ast: AST): TemplateUses {
  const out: TemplateUses = { helpers: [], paths: [] };
  const pos = (n: hbs.AST.Node): TemplatePos => ({ line: n.loc.start.line, column: n.loc.start.column });
  const expr = (e: hbs.AST.Expression, scoped: boolean): void => {
    if (e.type === "PathExpression") {
      const p = e as hbs.AST.PathExpression;
      if (p.data || (p as { this_?: boolean }).this_ || p.parts.length === 0) return; // @index, this, …
      out.paths.push({ ...pos(p), parts: p.parts, original: p.original, scoped: scoped || p.depth > 0 });
    } else if (e.type === "SubExpression") call(e as hbs.AST.SubExpression, scoped);
  };
  // A mustache, block or sub-expression: a helper call when it has params or a hash (or names a
  // known helper), otherwise a value.
  const call = (n: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, scoped: boolean): void => {
    const path = n.path as hbs.AST.PathExpression;
    const isCall = n.type !== "MustacheStatement" || n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0 || (path.type === "PathExpression" && path.parts.length === 1 && markdownHelperNames.includes(path.parts[0]!));
    if (isCall && path.type === "PathExpression") out.helpers.push({ ...pos(path), name: path.original });
    else expr(n.path as hbs.AST.Expression, scoped);
    for (const p of n.params) expr(p, scoped);
    for (const pair of n.hash?.pairs ?? []) expr(pair.value, scoped);
  };
  const program = (p: hbs.AST.Program | undefined, scoped: boolean): void => {
    for (const s of p?.body ?? []) {
      if (s.type === "MustacheStatement") call(s as hbs.AST.MustacheStatement, scoped);
      else if (s.type === "BlockStatement") {
        const b = s as hbs.AST.BlockStatement;
        call(b, scoped);
        const name = (b.path as hbs.AST.PathExpression).original;
        const inner = scoped || name === "each" || name === "with";
        program(b.program, inner);
        program(b.inverse, scoped);
      }
    }
  };
  program(ast, false);
  return out;
}
