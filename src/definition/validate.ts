// Parsing and validating a report definition. YAML is parsed with source positions; every
// problem is reported with file:line:column, the offending key and what was expected.
// Nothing renders from an invalid definition: all problems are collected, then thrown at once.

import type { ErrorObject, Options, ValidateFunction } from "ajv";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLError } from "yaml";
import { ChurnbookError, closeMatches, type ErrorCode } from "../util/errors.js";
import { isPeriodLabel } from "../util/period.js";
import { schemaCheck } from "../util/schema-check.js";
import { cellKinds, definitionSchemas, type CellKind, type ReportSpecT } from "./spec.js";
import { checkTransformStep } from "./transform.js";
import { referenceProblems } from "./references.js";
import { isRole, roleNames, type DefinitionVocabulary } from "./vocabulary.js";

export interface Problem {
  line: number;
  column: number;
  message: string;
  hint?: string;
  /** Problems with the same key are one slip seen at several places (a renamed cell that references still name). */
  key?: string;
}

export type Path = (string | number)[];

/** A parsed YAML document that can point at any path. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line and column of the node at `path` (or of its closest existing ancestor). */
  locate(path: Path, key = false): { line: number; column: number } {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      let node: unknown;
      if (key && n === path.length && n > 0) {
        const parent = sub.length > 1 ? this.doc.getIn(sub.slice(0, -1), true) : this.doc.contents;
        if (isMap(parent)) node = parent.items.find((p) => isScalar(p.key) && p.key.value === sub[sub.length - 1])?.key;
      }
      node ??= n === 0 ? this.doc.contents : this.doc.getIn(sub, true);
      const range = (node as Node | undefined)?.range;
      if (range) {
        const { line, col } = this.lines.linePos(range[0]);
        return { line, column: col };
      }
    }
    return { line: 1, column: 1 };
  }

  /** The YAML node at `path` (undefined when absent): for positions inside a value (references.ts, templates.ts). */
  node(path: Path): Node | undefined {
    const n = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    return (n ?? undefined) as Node | undefined;
  }

  /** The plain value at `path` (undefined when absent). */
  value(path: Path): unknown {
    return this.doc.getIn(path);
  }

  /**
   * How a message names the place at `path`: a cell by its id (or its kind and line), a list
   * item by its list and position ("KPI 2 of cell \"kpis\""), never by a bare array index; a
   * key by its name and the nearest list item holding it ("format of KPI 2 of cell \"kpis\"").
   */
  placeName(path: Path): string {
    if (path.length === 0) return "";
    if (path.length === 2 && path[0] === "cells" && typeof path[1] === "number") return this.cellName(path[1]);
    const last = path[path.length - 1]!;
    const own = typeof last === "number" ? `${itemNames[String(path[path.length - 2] ?? "")] ?? "item"} ${last + 1}` : String(last);
    // The nearest list item above (a KPI, an alert, a cell) says which one is meant.
    for (let n = path.length - 2; n >= 1; n--) if (typeof path[n] === "number") return `${own} of ${this.placeName(path.slice(0, n + 1))}`;
    const named = path.length > 2 ? entryNames[String(path[0])] : undefined;
    return named ? `${own} of ${named} "${path[1]}"` : own;
  }

  /** A cell named by its id, or by its kind and line when it has none. */
  cellName(i: number): string {
    const node = this.node(["cells", i]);
    if (!isMap(node)) return `cell at line ${this.locate(["cells", i]).line}`;
    const id = node.get("id");
    if (typeof id === "string" && id) return `cell "${id}"`;
    const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
    const kind = keys.filter((k) => (cellKinds as readonly string[]).includes(k));
    return `${kind.length === 1 ? `${kind[0]} ` : ""}cell at line ${this.locate(["cells", i]).line}`;
  }

  /** Line and column (1-based) of a character offset of the source text. */
  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** The schema checks of a definition: its top level, and each kind of cell. */
export interface DefinitionValidators {
  report: ValidateFunction;
  cells: Record<CellKind, ValidateFunction>;
}

/** Ajv's options for the definition's schemas (every error, with its schema: schemaProblems reads it). */
export const definitionAjvOptions: Options = { allErrors: true, strict: false, verbose: true };

const compiled = new WeakMap<DefinitionVocabulary, DefinitionValidators>();

/** The checks for a vocabulary's schemas: the precompiled ones it brings when they match, else compiled once. */
function validatorsFor(vocabulary: DefinitionVocabulary): DefinitionValidators {
  let v = compiled.get(vocabulary);
  if (!v) {
    const schemas = definitionSchemas(vocabulary);
    const check = (name: string, schema: object) => schemaCheck(definitionAjvOptions, schema, vocabulary.precompiled?.[name]);
    v = { report: check("report", schemas.report), cells: Object.fromEntries(cellKinds.map((k) => [k, check(`cell_${k}`, schemas.cells[k])])) as DefinitionValidators["cells"] };
    compiled.set(vocabulary, v);
  }
  return v;
}

export interface ParsedReport {
  spec: ReportSpecT;
  source: SourceMap;
  cellKinds: CellKind[];
}

/** The path of the first value that contains itself (through YAML aliases), or null. */
function selfContaining(value: unknown, path: (string | number)[] = [], open = new Set<object>()): (string | number)[] | null {
  if (value === null || typeof value !== "object") return null;
  if (open.has(value)) return path;
  open.add(value);
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = selfContaining(v, [...path, k], open);
    if (found) return found;
  }
  open.delete(value);
  return null;
}

/** Parses and validates against a vocabulary; throws one ChurnbookError listing every problem. */
export function parseReport(text: string, file: string, vocabulary: DefinitionVocabulary): ParsedReport {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new SourceMap(file, doc, lines);
  const problems: Problem[] = [];
  if (doc.errors.length) throw definitionError(file, [yamlSyntaxProblem(doc.errors, lines)]);
  const spec = doc.toJS() as unknown;
  // An alias inside the node it names (`a: &x [*x]`) makes a value that contains itself.
  const loop = selfContaining(spec);
  if (loop) throw definitionError(file, [{ ...source.locate(loop), message: "a YAML alias refers to the value that contains it (a loop)", hint: "an alias (*name) may only repeat a value defined before it, outside itself" }]);
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw definitionError(file, [{ line: 1, column: 1, message: "a report definition must be a mapping with title, datasets and cells" }]);
  }
  const validators = validatorsFor(vocabulary);
  if (!validators.report(spec)) problems.push(...schemaProblems(validators.report.errors ?? [], [], source));
  const kinds: CellKind[] = [];
  const s = spec as ReportSpecT;
  if (Array.isArray(s.cells)) {
    s.cells.forEach((cell, i) => {
      const kind = cellKindOf(cell);
      const path: Path = ["cells", i];
      if (!kind) {
        const keys = cell && typeof cell === "object" ? Object.keys(cell) : [];
        const unknown = keys.filter((k) => !["id", "title", "caption"].includes(k));
        const near = unknown.flatMap((k) => closeMatches(k, cellKinds));
        problems.push({
          ...source.locate(unknown.length ? [...path, unknown[0]!] : path, unknown.length > 0),
          message: unknown.length ? `unknown cell kind "${unknown[0]}"` : "a cell needs a kind",
          hint: `expected one of ${cellKinds.join(", ")}${near.length ? `; did you mean "${near[0]}"?` : ""}`,
        });
        kinds.push("markdown");
        return;
      }
      kinds.push(kind);
      const v = validators.cells[kind];
      if (kind === "transform") {
        // Steps are checked one by one (one verb each, Arquero's parser for expressions): clearer
        // than the schema's union errors.
        if (!v(cell)) problems.push(...schemaProblems((v.errors ?? []).filter((e) => !e.instancePath.startsWith("/transform/steps/")), path, source));
        const steps = (cell as { transform?: { steps?: unknown } }).transform?.steps;
        if (Array.isArray(steps)) {
          steps.forEach((step, j) => {
            for (const p of checkTransformStep(step)) problems.push({ ...source.locate([...path, "transform", "steps", j, ...p.path], p.key), message: p.message, hint: p.hint });
          });
        }
      } else if (!v(cell)) problems.push(...schemaProblems(v.errors ?? [], path, source));
    });
  }
  if (problems.length === 0) problems.push(...semanticProblems(s, kinds, source, vocabulary), ...referenceProblems(s, kinds, source, text, vocabulary));
  if (problems.length) throw definitionError(file, problems);
  return { spec: s, source, cellKinds: kinds };
}

function cellKindOf(cell: unknown): CellKind | undefined {
  if (!cell || typeof cell !== "object") return undefined;
  const found = cellKinds.filter((k) => Object.hasOwn(cell, k));
  return found.length === 1 ? found[0] : undefined;
}

/** What one item of a list is called in messages (the list's key → the item's name). */
const itemNames: Record<string, string> = { cells: "cell", kpi: "KPI", marks: "mark", columns: "column", steps: "step", alerts: "alert", clients: "client", domain: "domain value", range: "range value", ticks: "tick" };

/** What one entry of a top-level map is called in messages. */
const entryNames: Record<string, string> = { datasets: "dataset", params: "parameter" };

/** Turns Ajv errors into located, readable problems: one per slip, duplicates dropped. */
export function schemaProblems(errors: ErrorObject[], prefix: Path, source: SourceMap): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  // anyOf/union errors repeat their branches' errors: keep the leaf messages only.
  const leaves = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
  const unionPaths = new Set(leaves.filter((e) => e.keyword === "const").map((e) => e.instancePath));
  // A union of a scalar and an object (summary: true | { changes, actions }) fails both ways: when
  // the object branch has something to say about the value, "must be boolean" is noise.
  const insideObject = (path: string) => leaves.some((x) => x.instancePath.startsWith(path + "/") || (x.instancePath === path && (x.keyword === "additionalProperties" || x.keyword === "required")));
  // A misspelt required key ("labl" for "label") is one slip, reported once: as the unknown key.
  const extras = (path: string) => leaves.filter((x) => x.keyword === "additionalProperties" && x.instancePath === path).map((x) => (x.params as { additionalProperty: string }).additionalProperty);
  for (const e of leaves) {
    const path = [...prefix, ...e.instancePath.split("/").slice(1).map(unescapePointer)];
    const place = source.placeName(path);
    let p: Problem;
    if (e.keyword === "additionalProperties") {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const schema = e.parentSchema as { properties?: object; required?: string[] } | undefined;
      const allowed = Object.keys(schema?.properties ?? {});
      const present = source.value(path);
      const missing = (schema?.required ?? []).filter((k) => !(present && typeof present === "object" && "has" in present && (present as { has(k: string): boolean }).has(k)));
      const near = closeMatches(extra, [...missing, ...allowed.filter((k) => !missing.includes(k))]);
      p = { ...source.locate([...path, extra], true), message: `unknown key "${extra}"${place ? ` in ${place}` : ""}`, hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}expected one of: ${allowed.join(", ")}` };
    } else if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      if (extras(e.instancePath).some((x) => closeMatches(x, [missing]).length)) continue;
      p = { ...source.locate(path), message: `missing required key "${missing}"${place ? ` in ${place}` : ""}` };
    } else if (e.keyword === "const" && unionPaths.has(e.instancePath)) {
      const allowed = leaves.filter((x) => x.keyword === "const" && x.instancePath === e.instancePath).map((x) => JSON.stringify((x.params as { allowedValue: unknown }).allowedValue));
      const value = source.value(path);
      const near = closeMatches(String(value), allowed.map((a) => JSON.parse(a) as string));
      p = { ...source.locate(path), message: `invalid ${place}: ${JSON.stringify(value)}`, hint: `expected one of ${allowed.join(", ")}${near.length ? `; did you mean "${near[0]}"?` : ""}` };
    } else if (e.keyword === "type" && (unionPaths.has(e.instancePath) || insideObject(e.instancePath))) {
      continue;
    } else {
      const value = source.value(path);
      p = { ...source.locate(path), message: `invalid ${place || "value"}: ${value !== undefined && typeof value !== "object" ? `${JSON.stringify(value)} ` : ""}${e.message}` };
    }
    const key = `${p.line}:${p.column}:${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function unescapePointer(s: string): string | number {
  const t = s.replaceAll("~1", "/").replaceAll("~0", "~");
  return /^\d+$/.test(t) ? Number(t) : t;
}

/** Checks the schema cannot express: analysis names and params, references between cells, params. */
function semanticProblems(spec: ReportSpecT, kinds: CellKind[], source: SourceMap, vocabulary: DefinitionVocabulary): Problem[] {
  const problems: Problem[] = [];
  const cells = spec.cells as Record<string, unknown>[];
  // A dataset plays the role it is named after, or the one its role: key names.
  for (const [name, d] of Object.entries(spec.datasets ?? {})) {
    if (d.role !== undefined || isRole(vocabulary, name)) continue;
    const roles = roleNames(vocabulary);
    const near = closeMatches(name, roles);
    problems.push({ ...source.locate(["datasets", name], true), message: `dataset "${name}" has no role: its name is not a role and it has no role: key`, hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}name it after its role or add role: <one of ${roles.join(", ")}>` });
  }
  const ids = new Map<string, number>();
  const analysisIds = new Set<string>();
  cells.forEach((cell, i) => {
    const id = cell.id as string | undefined;
    if (!id) return;
    if (ids.has(id)) problems.push({ ...source.locate(["cells", i, "id"]), message: `duplicate cell id "${id}"`, hint: `first used by the ${kinds[ids.get(id)!]} cell at line ${source.locate(["cells", ids.get(id)!]).line}` });
    ids.set(id, i);
    if (kinds[i] === "analysis" || kinds[i] === "transform") analysisIds.add(id);
  });
  // A transform reads the cells above it.
  const resultsAbove = (i: number) => new Set(cells.slice(0, i).filter((_, j) => kinds[j] === "analysis" || kinds[j] === "transform").map((c) => c.id as string));
  const checkRef = (ref: string, path: Path, what: string) => {
    const target = ref.split(".")[0]!;
    if (!analysisIds.has(target)) {
      const near = closeMatches(target, analysisIds);
      problems.push({ ...source.locate(path), message: `${what} refers to unknown analysis cell "${target}"`, hint: near.length ? `did you mean "${near[0]}"?` : `analysis cells: ${[...analysisIds].join(", ") || "(none)"}`, key: `unknown cell ${target}` });
    }
  };
  cells.forEach((cell, i) => {
    const at: Path = ["cells", i];
    switch (kinds[i]) {
      case "analysis": {
        const name = cell.analysis as string;
        const a = vocabulary.analyses.get(name);
        if (!a) {
          const near = closeMatches(name, vocabulary.analyses.keys());
          problems.push({ ...source.locate([...at, "analysis"]), message: `unknown analysis "${name}"`, hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : `run "churnbook analyses" to list them` });
          break;
        }
        try {
          vocabulary.resolveParams(a, withoutTemplates((cell.params ?? {}) as Record<string, unknown>));
        } catch (e) {
          if (!(e instanceof ChurnbookError)) throw e;
          const key = /"([^"]+)"/.exec(e.message)?.[1];
          const path = key && cell.params && Object.hasOwn(cell.params, key) ? [...at, "params", key] : [...at, "params"];
          problems.push({ ...source.locate(path, e.code === "unknown-param"), message: e.message, hint: e.hint });
        }
        break;
      }
      case "chart":
        checkRef(typeof cell.chart === "string" ? cell.chart : ((cell.chart as { from: string }).from), typeof cell.chart === "string" ? [...at, "chart"] : [...at, "chart", "from"], "chart");
        break;
      case "table":
        checkRef(cell.table as string, [...at, "table"], "table");
        break;
      case "transform": {
        const t = cell.transform as { from: string; steps: Record<string, { with?: string }>[] };
        const above = resultsAbove(i);
        const refs: [string, Path][] = [[t.from, [...at, "transform", "from"]]];
        t.steps.forEach((s, j) => {
          if (s.join?.with) refs.push([s.join.with, [...at, "transform", "steps", j, "join", "with"]]);
        });
        for (const [ref, path] of refs) {
          const target = ref.split(".")[0]!;
          if (above.has(target)) continue;
          const later = analysisIds.has(target);
          const near = closeMatches(target, above);
          problems.push({ ...source.locate(path), message: later ? `transform reads cell "${target}", which comes after it` : `transform refers to unknown cell "${target}"`, hint: later ? "move the transform below the cell it reads" : near.length ? `did you mean "${near[0]}"?` : `analysis and transform cells above: ${[...above].join(", ") || "(none)"}` });
        }
        break;
      }
      case "kpi":
        (cell.kpi as { value: string; previous?: string; last_year?: string }[]).forEach((item, j) => {
          for (const k of ["value", "previous", "last_year"] as const) if (item[k]) checkRef(item[k]!, [...at, "kpi", j, k], "KPI");
        });
        break;
    }
  });
  if (spec.schedule) {
    const grains = (["monthly", "quarterly", "yearly"] as const).filter((g) => spec.schedule![g] !== undefined);
    if (grains.length !== 1) {
      problems.push({ ...source.locate(["schedule", ...(grains.length > 1 ? [grains[1]!] : [])], grains.length > 1), message: grains.length ? `schedule: only one of monthly, quarterly or yearly (found ${grains.join(" and ")})` : "schedule: say monthly, quarterly or yearly", hint: "e.g. schedule: { monthly: { day: 3 } }" });
    }
    const fy = spec.schedule.fiscal_year_start;
    // Periods are calendar months, quarters and years (2026-10, 2026-Q3, 2026): a fiscal quarter
    // must be a calendar quarter, a fiscal year a calendar year, for the period to be rendered.
    if (fy !== undefined && ((grains[0] === "quarterly" && fy % 3 !== 1) || (grains[0] === "yearly" && fy !== 1))) {
      problems.push({
        ...source.locate(["schedule", "fiscal_year_start"]),
        message: `schedule: a fiscal year starting in month ${fy} has ${grains[0] === "quarterly" ? "quarters" : "years"} that are not calendar ${grains[0] === "quarterly" ? "quarters" : "years"}, and a report period is a calendar month, quarter (2026-Q3) or year`,
        hint: grains[0] === "quarterly" ? "use a fiscal_year_start of 1, 4, 7 or 10 (quarters then close with calendar quarters), or a monthly schedule" : "use a quarterly or monthly schedule, or fiscal_year_start: 1",
      });
    }
  }
  for (const [name, p] of Object.entries(spec.params ?? {})) {
    if (p.default === undefined || p.default === null) continue;
    const d = p.default;
    const ok = p.type === "period" ? typeof d === "string" && isPeriodLabel(d) : p.type === "string" ? typeof d === "string" : p.type === "boolean" ? typeof d === "boolean" : typeof d === "number" && (p.type === "number" || Number.isInteger(d));
    if (!ok) problems.push({ ...source.locate(["params", name, "default"]), message: `param "${name}": default ${JSON.stringify(d)} is not a ${p.type}`, hint: p.type === "period" ? "write a month (2026-10), a quarter (2026-Q3) or a year (2026)" : undefined });
  }
  return problems;
}

/** Params may use {{param}} templates; they are checked after substitution at run time. */
function withoutTemplates(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => !(typeof v === "string" && v.includes("{{"))));
}

/**
 * The first YAML syntax error only: after one slip (a bad indent, an unclosed quote) the parser's
 * later errors follow from the first and point at lines that are fine.
 */
export function yamlSyntaxProblem(errors: readonly YAMLError[], lines: LineCounter): Problem {
  const first = errors[0]!;
  const { line, col } = lines.linePos(first.pos[0]);
  const more = errors.length - 1;
  return { line, column: col, message: `YAML syntax error: ${first.message.split("\n")[0]}`, hint: more ? `the parser reported ${more} more error${more === 1 ? "" : "s"} after this one; they usually follow from it` : undefined };
}

/** At most this many problems are listed; the rest are counted. */
const maxProblems = 20;
/** At most this many further places are listed for a problem repeated at several places. */
const maxPlaces = 5;

/**
 * One error listing every problem of a file ("what" names the file: "report definition",
 * "clients file"): in file order; the same problem at several places (one renamed cell that
 * twenty references name) listed once with its other places; at most `maxProblems`, then "N more".
 */
export function problemsError(file: string, what: string, problems: Problem[], code: ErrorCode): ChurnbookError {
  const groups = new Map<string, Problem[]>();
  for (const p of [...problems].sort((a, b) => a.line - b.line || a.column - b.column)) {
    const key = p.key ?? `${p.message}\u0000${p.hint ?? ""}`;
    const group = groups.get(key);
    if (!group) groups.set(key, [p]);
    else if (!group.some((q) => q.line === p.line && q.column === p.column)) group.push(p);
  }
  const condensed = [...groups.values()].map(([first, ...others]) => {
    if (!others.length) return first!;
    const places = others.slice(0, maxPlaces).map((q) => `${q.line}:${q.column}`).join(", ");
    return { ...first!, message: `${first!.message} (also at ${places}${others.length > maxPlaces ? `, and ${others.length - maxPlaces} more places` : ""})` };
  });
  const shown = condensed.slice(0, maxProblems);
  const rest = condensed.length - shown.length;
  const lines = shown.map((p) => `${file}:${p.line}:${p.column} ${p.message}${p.hint ? `\n    ${p.hint}` : ""}`);
  if (rest) lines.push(`… and ${rest} more problem${rest === 1 ? "" : "s"} (fix these first: later ones often follow from them)`);
  const first = shown[0]!;
  return new ChurnbookError(code, condensed.length === 1 ? first.message : `${condensed.length} problems in the ${what}:\n  ${lines.join("\n  ")}`, {
    hint: condensed.length === 1 ? first.hint : undefined,
    location: { file, line: first.line, column: first.column },
    exitCode: 2,
  });
}

export function definitionError(file: string, problems: Problem[]): ChurnbookError {
  return problemsError(file, "report definition", problems, "invalid-definition");
}
