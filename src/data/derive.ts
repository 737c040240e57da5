// Derived columns: small expressions over a dataset's columns, compiled to SQL. The grammar is
// a whitelist (column names, numbers, 'strings', arithmetic, comparisons, CASE WHEN, and a
// fixed set of functions), so a report definition cannot reach files or run code through it.

import { ChurnbookError, closeMatches } from "../util/errors.js";
import { quoteIdent } from "./engine.js";

const functions = new Set([
  "coalesce", "nullif", "round", "floor", "ceil", "abs", "ln", "log10", "exp", "sqrt", "power", "greatest", "least",
  "lower", "upper", "trim", "length", "substr", "concat", "replace", "starts_with", "ends_with", "contains",
  "year", "month", "day", "quarter", "dayofweek", "date_diff", "date_trunc", "date_add", "last_day", "make_date",
]);
const keywords = new Set(["case", "when", "then", "else", "end", "and", "or", "not", "is", "null", "in", "between", "true", "false", "cast", "as", "double", "integer", "bigint", "varchar", "date", "boolean", "interval", "day", "month", "year"]);

const token = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^']|'')*')|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|<>|!=|\|\||[-+*/%(),<>=]))/y;

export function deriveSql(expr: string, columns: string[], dataset: string, name: string): string {
  const out: string[] = [];
  token.lastIndex = 0;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    token.lastIndex = pos;
    const m = token.exec(expr);
    if (!m) {
      throw new ChurnbookError("bad-derive", `derived column "${name}": unexpected ${JSON.stringify(expr.slice(pos).trim().slice(0, 10))} in ${JSON.stringify(expr)}`, {
        location: { dataset },
        hint: "use column names, numbers, 'text', + - * / %, comparisons, CASE WHEN … THEN … ELSE … END and functions such as coalesce, round, year, date_diff",
      });
    }
    pos = token.lastIndex;
    const [, num, str, ident, op] = m;
    if (num || str || op) {
      out.push((num ?? str ?? op)!);
      continue;
    }
    const id = ident!;
    const lower = id.toLowerCase();
    const next = expr.slice(pos).trimStart();
    if (next.startsWith("(") && functions.has(lower)) out.push(lower);
    else if (columns.includes(id)) out.push(quoteIdent(id));
    else if (keywords.has(lower)) out.push(lower.toUpperCase());
    else {
      const near = closeMatches(id, columns);
      throw new ChurnbookError("bad-derive", `derived column "${name}": unknown ${next.startsWith("(") ? "function" : "column"} "${id}"`, {
        location: { dataset },
        hint: near.length ? `did you mean "${near[0]}"? columns: ${columns.join(", ")}` : `columns: ${columns.join(", ")}`,
      });
    }
  }
  return `(${out.join(" ")})`;
}
