// CSV export of result tables (RFC 4180). Text that a spreadsheet could run as a formula is
// prefixed with a quote (the OWASP rule): any string starting with = + - @ tab or carriage
// return, also after leading whitespace, unless the whole cell is a plain number ("-5", "+1.5e3").

import type { Row, Value } from "../analysis/types.js";

/** A cell that is entirely one decimal number: a spreadsheet reads it as that number, never as a formula. */
const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** What Excel, LibreOffice and Google Sheets may evaluate: = + - @ first (after any whitespace), or a leading tab / CR. */
const formulaStart = /^(\s*[=+\-@]|[\t\r])/;

export function toCsv(rows: Row[]): string {
  const keys = Object.keys(rows[0] ?? {});
  const lines = [keys.map(cell).join(",")];
  for (const r of rows) lines.push(keys.map((k) => cell(r[k] ?? null)).join(","));
  return lines.join("\n") + "\n";
}

/** The OWASP quote prefix for text a spreadsheet would treat as a formula. */
export function defuseFormula(s: string): string {
  return formulaStart.test(s) && !plainNumber.test(s) ? "'" + s : s;
}

function cell(v: Value): string {
  if (v === null) return "";
  let s = typeof v === "number" ? String(Math.round(v * 1e10) / 1e10) : String(v);
  if (typeof v === "string") s = defuseFormula(s);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
