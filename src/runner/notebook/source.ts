// Reading a definition's text as a notebook: where each cell's source starts and ends (also when
// the YAML does not parse, so an error can be shown on the cell being edited), and excerpts.

import { cellKinds } from "../../definition/spec.js";

export interface SourceRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/**
 * The line range of each item of the top-level `cells:` list (block style), found by indentation
 * so it works on text that is not valid YAML. Trailing blank and comment lines belong to the next
 * cell (they are usually its heading comment).
 */
export function cellRanges(text: string): SourceRange[] {
  const lines = text.split(/\r?\n/);
  const top = lines.findIndex((l) => /^cells\s*:\s*(#.*)?$/.test(l));
  if (top < 0) return [];
  const starts: number[] = [];
  let indent: number | null = null;
  let last = lines.length;
  for (let i = top + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\S/.test(l) && !l.startsWith("#")) {
      last = i;
      break;
    }
    const m = /^(\s*)- /.exec(l) ?? /^(\s*)-$/.exec(l);
    if (!m) continue;
    if (indent === null) indent = m[1]!.length;
    if (m[1]!.length === indent) starts.push(i);
  }
  return starts.map((s, k) => {
    let end = (k + 1 < starts.length ? starts[k + 1]! : last) - 1;
    while (end > s && /^\s*(#.*)?$/.test(lines[end]!)) end--;
    return { start: s + 1, end: end + 1 };
  });
}

/** What the text says about a cell (its id and kind), for a definition that does not parse. */
export function describeCellText(text: string, range: SourceRange): { id?: string; kind?: string } {
  const body = text.split(/\r?\n/).slice(range.start - 1, range.end).join("\n");
  const id = /^\s*-?\s*id\s*:\s*["']?([A-Za-z0-9_-]+)/m.exec(body)?.[1];
  const kind = new RegExp(`^\\s*-?\\s*(${cellKinds.join("|")})\\s*:`, "m").exec(body)?.[1];
  return { id, kind };
}

/** Lines start..end of the text, numbered. */
export function sourceLines(text: string, range: SourceRange): { n: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .slice(range.start - 1, range.end)
    .map((t, i) => ({ n: range.start + i, text: t }));
}

/** A few lines around `line` with a caret under `column`, as in a compiler message. */
export function excerpt(text: string, line: number, column = 1, around = 2): string {
  const lines = text.split(/\r?\n/);
  if (line < 1 || line > lines.length) return "";
  const from = Math.max(1, line - around);
  const to = Math.min(lines.length, line + around);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  }
  return out.join("\n");
}
