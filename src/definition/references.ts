// Checks of a definition against the analyses' declared outputs, before any data is loaded (what
// `render` would find only after loading everything): every reference of kpi, table, chart and
// markdown cells to the scalars, tables and columns of the cell it names (scalar vs table, column
// names in chart marks and table columns), Handlebars templates (syntax, helpers, values),
// {{param}} templates in strings, and the datasets and fields an analysis needs. Every problem
// points at the exact token (file:line:column), names cells by id (or kind and line), and offers
// the closest allowed names.

import { isScalar, type Node, type Scalar } from "yaml";
// d3-color alone: the whole of d3 would add ~30 packages to the start-up of `validate`.
import { color } from "d3-color";
import type { Analysis, Need, ParamNeed, RoleNeed } from "../analysis/types.js";
import type { Role } from "../data/roles.js";
import type { TemplatePos } from "../render/template-check.js";
import { closeMatches } from "../util/errors.js";
import type { CellKind, ReportSpecT } from "./spec.js";
import type { Path, Problem, SourceMap } from "./validate.js";
import { isRole, type DefinitionVocabulary } from "./vocabulary.js";

/** What a cell id stands for: an analysis with declared outputs, or a transform (one table, named after it, columns unknown). */
type Target = { kind: "analysis"; id: string; analysis: Analysis } | { kind: "transform"; id: string };

/** Names of the markdown context besides cell ids and report params (runner/cells.ts markdownContext). */
const markdownRoots = ["params", "period", "grain"];

/** Channels of Plot mark options whose string values are column names. */
const channelOptions = new Set(["x", "y", "x1", "x2", "y1", "y2", "fill", "stroke", "z", "r", "text", "title", "fx", "fy", "symbol", "opacity", "fillOpacity", "strokeOpacity", "strokeWidth", "href", "length", "rotate", "interval"]);
const colorChannels = new Set(["fill", "stroke"]);

/** A need met by an analysis param instead of a dataset. */
const isParamNeed = (n: Need): n is ParamNeed => "param" in n;

export function referenceProblems(spec: ReportSpecT, kinds: CellKind[], source: SourceMap, text: string, vocabulary: DefinitionVocabulary): Problem[] {
  const { analyses: registry, scalarDecl, templates, roles } = vocabulary;
  const problems: Problem[] = [];
  const cells = spec.cells as Record<string, unknown>[];
  const targets = new Map<string, Target>();
  cells.forEach((c, i) => {
    const id = c.id as string | undefined;
    if (!id || targets.has(id)) return;
    if (kinds[i] === "analysis") {
      const a = registry.get(c.analysis as string);
      if (a) targets.set(id, { kind: "analysis", id, analysis: a });
    } else if (kinds[i] === "transform") targets.set(id, { kind: "transform", id });
  });
  const analysisCellIds = cells.filter((c, i) => (kinds[i] === "analysis" || kinds[i] === "transform") && typeof c.id === "string").map((c) => c.id as string);
  const paramNames = [...new Set([...Object.keys(spec.params ?? {}), "period"])];

  /** Where a character of a scalar's value is in the file (the value's first character when offset is 0). */
  const at = (path: Path, offset = 0): { line: number; column: number } => {
    const node = source.node(path);
    if (node && isScalar(node) && node.range) {
      const quoted = (node as Scalar).type === "QUOTE_DOUBLE" || (node as Scalar).type === "QUOTE_SINGLE";
      if ((node as Scalar).type === "PLAIN" || quoted) {
        const start = node.range[0] + (quoted ? 1 : 0);
        // Within one line only (multi-line plain scalars fold): point at the value itself otherwise.
        const end = text.indexOf("\n", start);
        if (end === -1 || start + offset < end) return source.position(start + offset);
      }
      return source.position(node.range[0]);
    }
    return source.locate(path);
  };
  const cellName = (i: number): string => (typeof cells[i]!.id === "string" ? `cell "${cells[i]!.id}"` : `${kinds[i]} cell at line ${source.locate(["cells", i]).line}`);
  const did = (name: string, options: Iterable<string>, list: string): string => {
    const all = [...options];
    const near = closeMatches(name, all);
    const shown = all.length > 12 ? `${all.slice(0, 12).join(", ")}, … (${all.length})` : all.join(", ");
    return `${near.length ? `did you mean "${near[0]}"? ` : ""}${list}: ${shown || "(none)"}`;
  };
  const describeTarget = (t: Target) => (t.kind === "analysis" ? `cell "${t.id}" (${t.analysis.id})` : `transform cell "${t.id}"`);
  const scalarNames = (t: Target) => (t.kind === "analysis" ? Object.keys(t.analysis.outputs?.scalars ?? {}) : ["rows"]);
  const tableNames = (t: Target) => (t.kind === "analysis" ? Object.keys(t.analysis.outputs?.tables ?? {}) : [t.id]);
  const hasScalar = (t: Target, name: string) => (t.kind === "analysis" ? !t.analysis.outputs || !!scalarDecl(t.analysis.outputs, name) : name === "rows");
  const hasTable = (t: Target, name: string) => (t.kind === "analysis" ? !t.analysis.outputs || Object.hasOwn(t.analysis.outputs.tables, name) : name === t.id);
  /** The declared columns of a table; undefined when unknown (transforms, open tables). */
  const columnsOf = (t: Target, table: string): string[] | undefined => {
    if (t.kind !== "analysis") return undefined;
    const d = t.analysis.outputs?.tables[table];
    return d && !d.openColumns ? Object.keys(d.columns) : undefined;
  };
  const unknownCell = (id: string, path: Path, offset: number, what: string) => {
    // The existing semantic check reports unknown cells (validate.ts); nothing more to say here.
    void id, path, offset, what;
  };

  /** "<cell>.<scalar>" (kpi). */
  const scalarRef = (ref: string, path: Path, what: string) => {
    const [id, ...rest] = ref.split(".");
    const t = targets.get(id!);
    if (!t) return unknownCell(id!, path, 0, what);
    const name = rest.join(".");
    const offset = id!.length + 1;
    if (!name) {
      problems.push({ ...at(path), message: `${what} "${ref}" names a cell, not a value: write <cell>.<scalar>`, hint: did("", scalarNames(t), `scalars of ${describeTarget(t)}`) });
      return;
    }
    if (hasScalar(t, name)) return;
    if (hasTable(t, name)) {
      problems.push({ ...at(path, offset), message: `${what} "${ref}": "${name}" is a table of ${describeTarget(t)}, not a scalar`, hint: `a KPI shows one value; ${did(name, scalarNames(t), "scalars")}` });
      return;
    }
    problems.push({ ...at(path, offset), message: `${what} "${ref}": ${describeTarget(t)} has no scalar "${name}"`, hint: did(name, scalarNames(t), "scalars") });
  };

  /** "<cell>" or "<cell>.<table>" (table cells); returns the table's columns when known. */
  const tableRef = (ref: string, path: Path): { t: Target; table: string } | undefined => {
    const [id, name] = ref.split(".") as [string, string | undefined];
    const t = targets.get(id);
    if (!t) return undefined;
    const table = name ?? (t.kind === "analysis" ? t.analysis.mainTable : t.id);
    if (hasTable(t, table)) return { t, table };
    if (hasScalar(t, table)) {
      problems.push({ ...at(path, id.length + 1), message: `table "${ref}": "${table}" is a scalar of ${describeTarget(t)}, not a table`, hint: `show a scalar in a kpi or markdown cell; ${did(table, tableNames(t), "tables")}` });
      return undefined;
    }
    problems.push({ ...at(path, id.length + 1), message: `table "${ref}": ${describeTarget(t)} has no table "${table}"`, hint: did(table, tableNames(t), "tables") });
    return undefined;
  };

  const columnRef = (t: Target, table: string, column: string, path: Path, offset: number, what: string) => {
    const cols = columnsOf(t, table);
    if (!cols || cols.includes(column)) return;
    problems.push({ ...at(path, offset), message: `${what}: table "${table}" of ${describeTarget(t)} has no column "${column}"`, hint: did(column, cols, "columns") });
  };

  cells.forEach((cell, i) => {
    const base: Path = ["cells", i];
    switch (kinds[i]) {
      case "kpi":
        (cell.kpi as Record<string, unknown>[]).forEach((item, j) => {
          for (const k of ["value", "previous", "last_year"] as const) if (typeof item[k] === "string") scalarRef(item[k] as string, [...base, "kpi", j, k], k === "value" ? "KPI value" : `KPI ${k}`);
        });
        break;
      case "table": {
        const found = tableRef(cell.table as string, [...base, "table"]);
        if (!found) break;
        ((cell.columns as unknown[] | undefined) ?? []).forEach((c, j) => {
          if (typeof c === "string") columnRef(found.t, found.table, c, [...base, "columns", j], 0, "table column");
          else if (c && typeof (c as { key?: unknown }).key === "string") columnRef(found.t, found.table, (c as { key: string }).key, [...base, "columns", j, "key"], 0, "table column");
        });
        if (typeof cell.sort === "string") columnRef(found.t, found.table, cell.sort.replace(/^-/, ""), [...base, "sort"], cell.sort.startsWith("-") ? 1 : 0, "sort");
        break;
      }
      case "chart": {
        const chart = cell.chart;
        if (typeof chart === "string") {
          const t = targets.get(chart);
          if (t?.kind === "analysis" && !t.analysis.chart) problems.push({ ...at([...base, "chart"]), message: `chart "${chart}": ${t.analysis.id} has no default chart`, hint: "write a chart spec: { from, marks: [{ mark, data, options }] }" });
          break;
        }
        const spec = chart as { from?: string; marks?: { data?: unknown; options?: Record<string, unknown>; filter?: Record<string, unknown> }[] };
        const t = typeof spec.from === "string" ? targets.get(spec.from) : undefined;
        if (!t) break;
        (spec.marks ?? []).forEach((m, j) => {
          const mp: Path = [...base, "chart", "marks", j];
          if (typeof m.data !== "string") return;
          if (!hasTable(t, m.data)) {
            problems.push({ ...at([...mp, "data"]), message: hasScalar(t, m.data) ? `chart mark data "${m.data}" is a scalar of ${describeTarget(t)}, not a table` : `chart mark data: ${describeTarget(t)} has no table "${m.data}"`, hint: did(m.data, tableNames(t), "tables") });
            return;
          }
          for (const [opt, v] of Object.entries(m.options ?? {})) {
            if (!channelOptions.has(opt) || typeof v !== "string") continue;
            const cols = columnsOf(t, m.data);
            if (!cols || cols.includes(v)) continue;
            if (colorChannels.has(opt) && color(v) !== null) continue; // a constant colour
            if (opt === "opacity" || opt === "strokeWidth" || opt === "fillOpacity" || opt === "strokeOpacity") if (!/^[a-z_][a-z0-9_]*$/.test(v)) continue;
            columnRef(t, m.data, v, [...mp, "options", opt], 0, `chart mark option ${opt}`);
          }
          for (const k of Object.keys(m.filter ?? {})) {
            const cols = columnsOf(t, m.data);
            if (cols && !cols.includes(k)) problems.push({ ...source.locate([...mp, "filter", k], true), message: `chart mark filter: table "${m.data}" of ${describeTarget(t)} has no column "${k}"`, hint: did(k, cols, "columns") });
          }
        });
        break;
      }
      case "markdown":
        if (typeof cell.markdown === "string") problems.push(...markdownProblems(cell.markdown, [...base, "markdown"], i));
        break;
      case "analysis":
        problems.push(...needsProblems(cell, i));
        for (const [k, v] of Object.entries((cell.params as Record<string, unknown> | undefined) ?? {})) if (typeof v === "string") templateParamProblems(v, [...base, "params", k]);
        break;
    }
  });

  function markdownProblems(md: string, path: Path, i: number): Problem[] {
    const out: Problem[] = [];
    const where = (p: TemplatePos) => templatePosition(path, p);
    const parsed = templates.check(md);
    if ("error" in parsed) {
      const e = parsed.error;
      const atEnd = /got 'EOF'/.test(e.message);
      out.push({
        ...where(e),
        message: `markdown template of ${cellName(i)}: Handlebars parse error: ${e.message}`,
        hint: `${atEnd ? "the template ended inside a block or an expression: a block is not closed ({{#if …}} needs {{/if}}, {{#each …}} needs {{/each}}), or {{ is not closed with }}. " : ""}Handlebars expressions are {{helper value}} or {{value}}; blocks are {{#if …}}…{{/if}} and {{#each …}}…{{/each}}`,
      });
      return out;
    }
    const uses = parsed.uses;
    for (const h of uses.helpers) {
      if (templates.helperNames.includes(h.name)) continue;
      out.push({ ...where(h), message: `markdown template of ${cellName(i)}: unknown helper "${h.name}"`, hint: did(h.name, templates.helperNames, "helpers") });
    }
    for (const p of uses.paths) {
      const [root, second, third] = p.parts as [string, string | undefined, string | undefined];
      const t = targets.get(root);
      if (t) {
        if (second === undefined) continue;
        const offset = root.length + 1;
        if (second === "tables") {
          if (third !== undefined && !hasTable(t, third)) out.push({ ...where({ line: p.line, column: p.column + offset + 7 }), message: `markdown refers to "${p.original}": ${describeTarget(t)} has no table "${third}"`, hint: did(third, tableNames(t), "tables") });
          continue;
        }
        if (hasScalar(t, second) || hasTable(t, second)) continue;
        out.push({ ...where({ line: p.line, column: p.column + offset }), message: `markdown refers to "${p.original}": ${describeTarget(t)} has no scalar or table "${second}"`, hint: did(second, [...scalarNames(t), ...tableNames(t)], "scalars and tables") });
        continue;
      }
      if (p.scoped) continue; // a column of the #each row, or a name of the #with object
      if (paramNames.includes(root) || markdownRoots.includes(root)) {
        if (root === "params" && second !== undefined && !paramNames.includes(second)) out.push({ ...where({ line: p.line, column: p.column + 7 }), message: `markdown refers to "${p.original}": no report parameter "${second}"`, hint: did(second, paramNames, "parameters") });
        continue;
      }
      if (analysisCellIds.includes(root)) continue; // a cell whose analysis is unknown: reported at its analysis: key
      const names = [...analysisCellIds, ...paramNames, ...markdownRoots];
      out.push({ ...where(p), message: `markdown refers to "${p.original}": no analysis cell or parameter "${root}"`, hint: did(root, names, "cells and parameters"), key: `unknown cell ${root}` });
    }
    return out;
  }

  /** The file position of a template position inside the YAML string at `path` (block scalars: the content lines below the header). */
  function templatePosition(path: Path, p: TemplatePos): { line: number; column: number } {
    const node = source.node(path) as Node | undefined;
    if (!node || !isScalar(node) || !node.range) return source.locate(path);
    const type = (node as Scalar).type;
    if (type === "BLOCK_LITERAL" || type === "BLOCK_FOLDED") {
      const header = source.position(node.range[0]);
      const lines = text.split("\n");
      const contentLines = lines.slice(header.line); // 0-based index header.line = the first content line
      const first = contentLines.find((l) => l.trim() !== "") ?? "";
      const indent = first.length - first.trimStart().length;
      return { line: header.line + p.line, column: indent + p.column + 1 };
    }
    const start = at(path);
    return p.line === 1 ? { line: start.line, column: start.column + p.column } : { line: start.line + p.line - 1, column: p.column + 1 };
  }

  /** {{param}} in strings filled with report params (titles, paths, analysis params). */
  function templateParamProblems(value: string, path: Path): void {
    for (const m of value.matchAll(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g)) {
      const name = m[1]!;
      if (paramNames.includes(name) || name === "period_grain") continue;
      problems.push({ ...at(path, m.index! + m[0].indexOf(name)), message: `"{{${name}}}" names no report parameter`, hint: did(name, paramNames, "parameters") });
    }
  }

  function needsProblems(cell: Record<string, unknown>, i: number): Problem[] {
    const a = registry.get(cell.analysis as string);
    if (!a) return [];
    const out: Problem[] = [];
    const datasets = Object.entries(spec.datasets ?? {}).map(([name, d]) => ({ name, role: (d.role as Role | undefined) ?? (isRole(vocabulary, name) ? name : undefined), columns: d.columns ?? {} }));
    const have = new Set(datasets.map((d) => d.role).filter((r): r is Role => !!r));
    const params = (cell.params as Record<string, unknown> | undefined) ?? {};
    for (const need of a.needs) {
      const alternatives = Array.isArray(need) ? need : [need];
      const met = alternatives.some((n) => (isParamNeed(n) ? params[n.param] !== undefined && params[n.param] !== "" : have.has(n.role)));
      if (met) continue;
      const roleOptions = alternatives.filter((n): n is RoleNeed => !isParamNeed(n));
      const orParam = alternatives.filter(isParamNeed).map((n) => ` (or the param ${n.param})`).join("");
      out.push({
        ...at(["cells", i, "analysis"]),
        message: `analysis "${a.id}" of ${cellName(i)} needs a ${roleOptions.map((o) => `"${o.role}"`).join(" or ")} dataset${orParam}, which the definition lacks`,
        hint: `datasets here: ${datasets.map((d) => `${d.name}${d.role && d.role !== d.name ? ` (role ${d.role})` : ""}`).join(", ") || "(none)"}; add e.g. datasets: { ${roleOptions[0]?.role}: { path: … } } with fields ${roleOptions[0]?.fields.join(", ")}`,
      });
    }
    return out;
  }

  // {{param}} templates in the strings the runner fills with report params.
  for (const key of ["title", "description", "currency"] as const) if (typeof spec[key] === "string") templateParamProblems(spec[key] as string, [key]);
  for (const key of ["accent", "logo_text", "name"] as const) if (typeof spec.theme?.[key] === "string") templateParamProblems(spec.theme[key] as string, ["theme", key]);
  for (const [name, d] of Object.entries(spec.datasets ?? {})) {
    // A dataset whose name breaks the name pattern is not checked by the schema: its values may be anything.
    if (typeof d?.path === "string") templateParamProblems(d.path, ["datasets", name, "path"]);
    if (d && typeof d === "object") problems.push(...datasetSourceProblems(name, d, at));
    // A columns: mapping renames file columns to the role's fields: a key close to a field the
    // mapping does not provide is a typo of that field.
    const role = (d?.role as Role | undefined) ?? (isRole(vocabulary, name) ? name : undefined);
    if (!role || !isRole(vocabulary, role) || typeof d.columns !== "object" || d.columns === null) continue;
    const fields = Object.keys(roles[role]);
    for (const key of Object.keys(d.columns ?? {})) {
      if (fields.includes(key)) continue;
      const near = closeMatches(key, fields.filter((f) => !Object.hasOwn(d.columns!, f)));
      if (near.length && near[0] !== key) problems.push({ ...source.locate(["datasets", name, "columns", key], true), message: `columns: "${key}" is not a field of the ${role} role`, hint: `did you mean "${near[0]}"? the mapping is <field>: <file column>; ${role} fields: ${fields.join(", ")}` });
    }
  }
  return problems;
}

/**
 * A dataset reads a file (path) or a database (connection with a table or a query), never both;
 * file options (format, encoding, delimiter) do not apply to a database, and date_format and
 * derive (DuckDB expressions) are not available there: type the columns in the table or query.
 */
function datasetSourceProblems(name: string, d: Record<string, unknown>, at: (path: Path) => { line: number; column: number }): Problem[] {
  const out: Problem[] = [];
  const here = ["datasets", name];
  if (d.connection === undefined) {
    if (d.path === undefined) out.push({ ...at(here), message: `dataset "${name}" needs a path (a file) or a connection (a database)`, hint: 'e.g. path: data/subscriptions.csv, or connection: "env:CHURNBOOK_PG_URL" with table: subscriptions' });
    for (const k of ["table", "query"]) if (d[k] !== undefined) out.push({ ...at([...here, k]), message: `dataset "${name}": ${k} reads from a database and needs a connection`, hint: 'add connection: "env:CHURNBOOK_PG_URL" (the environment variable holding the URL)' });
    return out;
  }
  if (d.path !== undefined) out.push({ ...at([...here, "path"]), message: `dataset "${name}" has both a path and a connection: it reads one of them`, hint: "keep path for a file or connection (with table or query) for a database" });
  if ((d.table === undefined) === (d.query === undefined)) out.push({ ...at([...here, "connection"]), message: `dataset "${name}" reads its connection with ${d.table === undefined ? "a table or a query" : "either a table or a query, not both"}`, hint: "table: subscriptions, or query: select … from …" });
  for (const k of ["format", "encoding", "delimiter", "date_format", "derive"]) {
    if (d[k] !== undefined) out.push({ ...at([...here, k]), message: `dataset "${name}": ${k} applies to files, not to a database connection`, hint: k === "date_format" || k === "derive" ? "type and compute the columns in the table, a view or the query instead" : `remove ${k}` });
  }
  return out;
}
