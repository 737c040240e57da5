// CSV export of result tables (RFC 4180). Text that a spreadsheet would run as a formula
// (starting with = + - @ and not a number) is prefixed with a quote, the OWASP rule.

import type { Row, Value } from "../analysis/types.js";

export function toCsv(rows: Row[]): string {
  const keys = Object.keys(rows[0] ?? {});
  const lines = [keys.map(cell).join(",")];
  for (const r of rows) lines.push(keys.map((k) => cell(r[k] ?? null)).join(","));
  return lines.join("\n") + "\n";
}

function cell(v: Value): string {
  if (v === null) return "";
  let s = typeof v === "number" ? String(Math.round(v * 1e10) / 1e10) : String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
