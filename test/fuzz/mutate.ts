// Seeded mutators for the fuzz suite (issue 9): report definitions (YAML text) and data files
// (CSV bytes). Deterministic: the same seed gives the same bytes, so a failing case is
// reproduced from its seed alone. Shared by test/fuzz/fuzz.test.ts and scripts/fuzz.ts.

/** mulberry32: small, fast, good enough for fuzzing; never Math.random. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
    for (let i = 0; i < 4; i++) this.next();
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ── definitions ──────────────────────────────────────────────────────────────────────────────

export const cellKinds = ["markdown", "kpi", "chart", "table", "pagebreak", "analysis", "params", "show", "limit", "from", "marks"] as const;
const analysisIds = ["churn-summary", "churn-trend", "mrr-movements", "leaky-bucket", "cohort-retention", "early-churn", "cohort-revenue", "cohort-projection", "survival", "hazard", "cox", "churn-reasons", "churned-value", "rfm", "cpm", "deciles", "segments", "customer-value", "clv", "clv-contractual", "churn-model", "risk-list", "playbook", "customer-card"];

/** Values of every other type (and of hostile sizes) to put where a scalar was. */
const otherScalars = [
  "0", "-1", "1.5", "-0", "1e309", "-1e309", "1e-400", ".nan", ".inf", "-.inf", "99999999999999999999999999999", "9".repeat(400), "0x7fffffff", "0o17",
  "true", "false", "yes", "no", "null", "~", "''", '""', "[]", "{}", "[1, 2, 3]", "{ a: 1 }", "[[[[[]]]]]", "2026-13-45", "2026-10", "2026-Q5", "1998-06",
  '"{{"', '"{{#each x}}"', '"{{percent}}"', '"{{nope.field}}"', '"}}{{"', '"\\u0000"', '"\\uD800"', '"../../../../etc/passwd"', '"/dev/null"', '"C:\\\\x"',
  "'" + "x".repeat(5000) + "'", "!!binary aGVsbG8=", "!!int '12'", "!!float x", "!!map []", "!custom tag", "&a 1", "*a", "*undefined_alias", "|\n  block",
  '"#ff00zz"', "A3", "Letter", "landscape", "zh-CN", "en-US", "fr-FR", "XXX", "CNY", "percent", "currency", "up", "down",
];

const unicodeBits = [
  "\u0000", "\u0007", "\u001b[31m", "\u00a0", "\u200b", "\u200e", "\u202e", "\ufeff", "\uffff", "\ud83d\ude00", "\ud800", "é", "ñ", "中文", "客户流失", "𝔘𝔫𝔦", "\u0301\u0301\u0301",
  "\t", "\r", "\u2028", "\u2029", "\u0085", "'", '"', "\\", ":", "#", "- ", "? ", "{", "}", "[", "]", "&", "*", "!", "|", ">", "%", "@", "`", "{{", "}}",
];

function lines(text: string): string[] {
  return text.split("\n");
}

/** Indices of lines that hold `key: value` with a scalar value. */
function scalarLines(ls: string[]): number[] {
  const out: number[] = [];
  ls.forEach((l, i) => {
    if (/^\s*(- )?[A-Za-z_][\w-]*:\s+[^\s{[|>#]/.test(l)) out.push(i);
  });
  return out;
}

function typo(word: string, rng: Rng): string {
  if (word.length === 0) return "x";
  const i = rng.int(word.length);
  switch (rng.int(5)) {
    case 0: return word.slice(0, i) + word.slice(i + 1); // drop
    case 1: return word.slice(0, i) + word[i] + word.slice(i); // double
    case 2: return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word + "s"; // swap
    case 3: return word.slice(0, i) + String.fromCharCode(97 + rng.int(26)) + word.slice(i + 1); // replace
    default: return rng.chance(0.5) ? word.toUpperCase() : word + "_";
  }
}

type TextMutator = (text: string, rng: Rng) => string;

export const definitionMutators: Record<string, TextMutator> = {
  deleteLine(t, rng) {
    const ls = lines(t);
    ls.splice(rng.int(ls.length), 1);
    return ls.join("\n");
  },
  deleteBlock(t, rng) {
    const ls = lines(t);
    const i = rng.int(ls.length);
    ls.splice(i, rng.range(2, 12));
    return ls.join("\n");
  },
  duplicateLine(t, rng) {
    const ls = lines(t);
    const i = rng.int(ls.length);
    ls.splice(i, 0, ls[i]!);
    return ls.join("\n");
  },
  duplicateBlock(t, rng) {
    const ls = lines(t);
    const i = rng.int(ls.length);
    const n = rng.range(2, 8);
    ls.splice(i + n, 0, ...ls.slice(i, i + n));
    return ls.join("\n");
  },
  swapLines(t, rng) {
    const ls = lines(t);
    const i = rng.int(ls.length), j = rng.chance(0.5) ? Math.min(ls.length - 1, i + 1) : rng.int(ls.length);
    [ls[i], ls[j]] = [ls[j]!, ls[i]!];
    return ls.join("\n");
  },
  indentation(t, rng) {
    const ls = lines(t);
    const i = rng.int(ls.length);
    const how = rng.int(4);
    ls[i] = how === 0 ? " ".repeat(rng.range(1, 5)) + ls[i] : how === 1 ? ls[i]!.replace(/^ {1,4}/, "") : how === 2 ? "\t" + ls[i] : ls[i]!.trimStart();
    return ls.join("\n");
  },
  replaceScalar(t, rng) {
    const ls = lines(t);
    const idx = scalarLines(ls);
    if (!idx.length) return t;
    const i = rng.pick(idx);
    ls[i] = ls[i]!.replace(/^(\s*(?:- )?[A-Za-z_][\w-]*:\s+).*$/, `$1${rng.pick(otherScalars)}`);
    return ls.join("\n");
  },
  replaceFlowValue(t, rng) {
    // values inside { a: b, c: d } and [x, y] flow collections
    const ls = lines(t);
    const idx = ls.map((l, i) => (/[{[]/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) return t;
    const i = rng.pick(idx);
    const parts = ls[i]!.split(/(:\s+|,\s*)/);
    const candidates = parts.map((p, k) => (k > 0 && /^(:\s+)$/.test(parts[k - 1]!) ? k : -1)).filter((k) => k >= 0);
    if (!candidates.length) return t;
    const k = rng.pick(candidates);
    parts[k] = parts[k]!.replace(/^[^,}\]]*/, rng.pick(otherScalars).replace(/\n/g, " "));
    ls[i] = parts.join("");
    return ls.join("\n");
  },
  typoKey(t, rng) {
    const ls = lines(t);
    const idx = ls.map((l, i) => (/^\s*(- )?[A-Za-z_][\w-]*:/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) return t;
    const i = rng.pick(idx);
    ls[i] = ls[i]!.replace(/^(\s*(?:- )?)([A-Za-z_][\w-]*)/, (_, pre: string, key: string) => pre + typo(key, rng));
    return ls.join("\n");
  },
  typoCellKind(t, rng) {
    const kinds = cellKinds.filter((k) => new RegExp(`\\b${k}:`).test(t));
    if (!kinds.length) return t;
    const k = rng.pick(kinds);
    const all = [...t.matchAll(new RegExp(`\\b${k}:`, "g"))];
    const m = rng.pick(all);
    const replacement = rng.chance(0.3) ? rng.pick(cellKinds) : typo(k, rng);
    return t.slice(0, m.index!) + replacement + ":" + t.slice(m.index! + k.length + 1);
  },
  typoAnalysisId(t, rng) {
    const all = [...t.matchAll(/analysis:\s*([\w-]+)/g)];
    if (!all.length) return t;
    const m = rng.pick(all);
    const id = m[1]!;
    const replacement = rng.chance(0.4) ? rng.pick(analysisIds) : typo(id, rng);
    const at = m.index! + m[0].length - id.length;
    return t.slice(0, at) + replacement + t.slice(at + id.length);
  },
  typoRef(t, rng) {
    // refs: summary.churn_rate, chart: trend, table: trend.periods, from: trend, {{percent x.y}}
    const all = [...t.matchAll(/\b([a-z][\w]*)\.([a-z_][\w]*)\b|\b(?:chart|table|from|value|previous|data):\s*([a-z][\w.]*)/g)];
    if (!all.length) return t;
    const m = rng.pick(all);
    const word = m[0];
    let replacement: string;
    if (m[3]) replacement = word.replace(m[3], typo(m[3], rng));
    else replacement = rng.chance(0.5) ? `${typo(m[1]!, rng)}.${m[2]}` : `${m[1]}.${typo(m[2]!, rng)}`;
    return t.slice(0, m.index!) + replacement + t.slice(m.index! + word.length);
  },
  randomUnicode(t, rng) {
    const at = rng.int(t.length + 1);
    let s = "";
    for (let n = rng.range(1, 4); n > 0; n--) s += rng.chance(0.7) ? rng.pick(unicodeBits) : String.fromCodePoint(rng.int(0x2ffff));
    return t.slice(0, at) + s + t.slice(at);
  },
  anchorsAliases(t, rng) {
    const ls = lines(t);
    const how = rng.int(5);
    if (how === 0) {
      // anchor a mapping key's value and alias it elsewhere
      const idx = scalarLines(ls);
      if (idx.length < 2) return t;
      const a = rng.pick(idx), b = rng.pick(idx);
      ls[a] = ls[a]!.replace(/^(\s*(?:- )?[A-Za-z_][\w-]*:\s+)/, "$1&fz ");
      ls[b] = ls[b]!.replace(/^(\s*(?:- )?[A-Za-z_][\w-]*:\s+).*$/, "$1*fz");
      return ls.join("\n");
    }
    if (how === 1) return t.replace(/^cells:\s*$/m, "cells: &cells") + "\nextra: *cells\n";
    if (how === 2) {
      // merge key into a cell
      const i = ls.findIndex((l) => /^\s+- id:/.test(l));
      if (i < 0) return t + "\nbase: &b { x: 1 }\nother: { <<: *b }\n";
      ls.splice(i + 1, 0, ls[i]!.replace(/- id:.*/, "  <<: { show: true, limit: 3 }"));
      return ls.join("\n");
    }
    if (how === 3) {
      // a small alias bomb (the yaml library caps alias expansion)
      const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]", "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]", "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]"];
      return bomb.join("\n") + "\n" + t;
    }
    // an undefined alias, or a self-referencing one
    const idx = scalarLines(ls);
    if (!idx.length) return t;
    const i = rng.pick(idx);
    ls[i] = ls[i]!.replace(/^(\s*(?:- )?[A-Za-z_][\w-]*:\s+).*$/, rng.chance(0.5) ? "$1*missing" : "$1&self [*self]");
    return ls.join("\n");
  },
  hugeNumber(t, rng) {
    const all = [...t.matchAll(/(?<![\w.-])\d+(\.\d+)?(?![\w-])/g)];
    if (!all.length) return t;
    const m = rng.pick(all);
    const n = rng.pick(["1e309", "-1e309", "9".repeat(rng.range(20, 400)), "-" + "9".repeat(30), "0", "-1", "0.0000000001", "4294967296", "9007199254740993", ".nan", "1_000"]);
    return t.slice(0, m.index!) + n + t.slice(m.index! + m[0].length);
  },
  truncate(t, rng) {
    return t.slice(0, rng.int(t.length));
  },
  crlf(t, rng) {
    return rng.chance(0.5) ? t.replace(/\n/g, "\r\n") : t.replace(/\n/g, () => (rng.chance(0.3) ? "\r\n" : rng.chance(0.1) ? "\r" : "\n"));
  },
  documents(t, rng) {
    return rng.pick(["---\n" + t, t + "\n---\n" + t, t + "\n...\n", "%YAML 1.2\n---\n" + t, "%TAG ! tag:x,2026:\n---\n" + t, "--- !!str\n" + t]);
  },
  insertCell(t, rng) {
    const m = /^cells:[^\n]*\n/m.exec(t);
    const cell = rng.pick(hostileCells) + "\n";
    if (!m) return t + "\ncells:\n" + cell;
    // at the start of the cells, or at the end (after the analyses they refer to)
    return rng.chance(0.5) ? t.slice(0, m.index + m[0].length) + cell + t.slice(m.index + m[0].length) : t.replace(/\n*$/, "\n") + cell;
  },
  cellParamEdge(t, rng) {
    const all = [...t.matchAll(/^(\s+)params:.*$/gm)];
    const ids = [...t.matchAll(/^(\s+)analysis:.*$/gm)];
    const name = rng.pick(Object.keys(cellParamEdges));
    const value = rng.pick(cellParamEdges[name]!);
    if (all.length && rng.chance(0.6)) {
      const m = rng.pick(all);
      return t.slice(0, m.index!) + `${m[1]}params: { ${name}: ${value} }` + t.slice(m.index! + m[0].length);
    }
    if (!ids.length) return t;
    const m = rng.pick(ids);
    const at = m.index! + m[0].length;
    return t.slice(0, at) + `\n${m[1]}params: { ${name}: ${value} }` + t.slice(at);
  },
  moveCell(t, rng) {
    // cells in another order: a ref before the analysis it names
    const parts = t.split(/(?=^  - )/m);
    if (parts.length < 4) return t;
    const i = rng.range(1, parts.length - 1), j = rng.range(1, parts.length - 1);
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
    return parts.join("");
  },
  handlebars(t, rng) {
    const bad = rng.pick(["{{", "}}", "{{#if}}", "{{#each x}}", "{{/each}}", "{{> missing}}", "{{percent}}", "{{delta}}", "{{nope.x}}", "{{{raw}}}", "{{!-- ", "{{lookup . 'constructor'}}", "{{__proto__}}", "{{constructor.constructor}}", "{{percent summary.nope}}", "{{currency 1e309}}"]);
    const i = t.search(/markdown:|title:|label:|description:/);
    if (i < 0) return t + `\ntitle: "${bad}"\n`;
    const eol = t.indexOf("\n", i);
    const at = eol < 0 ? t.length : eol;
    return t.slice(0, at) + (t.slice(i, at).includes('"') ? "" : " ") + bad.replace(/"/g, "") + t.slice(at);
  },
};

/** Cells that are valid YAML but ask for odd things: unknown marks, fields, refs, edge params. */
const hostileCells = [
  "  - chart: { from: summary, marks: [{ mark: nope, data: metrics }] }",
  "  - chart: { from: summary, marks: [{ mark: barY, data: nope, options: { x: a, y: b } }] }",
  "  - chart: { from: summary, marks: [{ mark: lineY, data: metrics, options: { x: 1e309, y: null } }], y: { format: nope } }",
  "  - chart: { from: summary, marks: [] }",
  "  - chart: nope",
  "  - chart: summary.metrics",
  "  - table: summary.nope",
  "  - table: summary\n    limit: -1",
  "  - table: summary\n    limit: 0",
  "  - table: summary\n    limit: 1e309",
  "  - kpi: [{ label: x, value: summary.nope, format: percent }]",
  "  - kpi: [{ label: x, value: summary.churn_rate, format: weird, better: sideways }]",
  "  - kpi: []",
  '  - markdown: "{{percent summary.churn_rate}} {{delta 1}} {{currency summary.nope}}"',
  '  - markdown: "{{#each summary}}x{{/each}} {{lookup summary \'constructor\'}}"',
  '  - markdown: "{{> nope}}"',
  '  - markdown: "{{percent}}{{delta}}{{currency}}{{number}}"',
  '  - markdown: ""',
  "  - id: fz1\n    analysis: churn-summary\n    params: { period: \"1990-01\" }\n    show: true",
  "  - id: fz2\n    analysis: churn-trend\n    params: { periods: 0 }\n    show: true",
  "  - id: fz3\n    analysis: survival\n    params: { by: nope }\n    show: true",
  "  - id: fz4\n    analysis: cohort-projection\n    params: { cohorts: 1 }\n    show: true",
  "  - id: fz5\n    analysis: rfm\n    params: { bins: 2 }\n    show: true",
  "  - id: fz6\n    analysis: cohort-retention\n    params: { periods: 0, cohorts: 0 }\n    show: true",
  "  - id: fz7\n    analysis: customer-card\n    show: true",
  "  - id: fz8\n    analysis: deciles\n    params: { target_share: 0 }\n    show: true",
  "  - id: fz9\n    analysis: cox\n    params: { covariates: nope }\n    show: true",
  "  - id: fz10\n    analysis: churn-reasons\n    params: { reason_map: \"x=y=z\" }\n    show: true",
  "  - id: fz11\n    analysis: early-churn\n    params: { horizons: \"0,999\" }\n    show: true",
  "  - id: fz12\n    analysis: leaky-bucket\n    params: { periods: 1, grain: year }\n    show: true",
  "  - id: fz13\n    analysis: clv\n    params: { unit: day }\n    show: true",
  "  - id: fz14\n    analysis: mrr-movements\n    params: { period: \"2030-01\" }\n    show: true",
  "  - pagebreak: false",
];

/** Param values at the edges inside cells' `params: { … }`. */
const cellParamEdges: Record<string, string[]> = {
  periods: ["0", "1", "500", "-1", "1.5"],
  cohorts: ["0", "1", "200"],
  horizons: ['"0"', '"999"', '"1,1"', '""'],
  top: ["0", "100000"],
  bins: ["1", "2", "20"],
  period: ['"1990-01"', '"2030-01"', '"2026"', '"2026-Q3"'],
  grain: ["year", "quarter"],
  convention: ["rolling30", "stripe", "compare"],
  conventions: ["compare"],
  by: ["nope", "plan", "customer_id"],
  target_share: ["0", "1"],
  top_share: ["0", "1"],
};

export type DefinitionInput = { kind: "text"; text: string; ops: string[] } | { kind: "bytes"; bytes: Buffer; ops: string[] };

/** One mutated definition from a seed text: 1–3 text mutations, or a whole-file replacement. */
export function mutateDefinition(seedText: string, rng: Rng): DefinitionInput {
  const whole = rng.int(40);
  if (whole === 0) return { kind: "text", text: "", ops: ["empty"] };
  if (whole === 1) return { kind: "text", text: rng.pick(["   \n\n", "# only a comment\n", "null\n", "~", "[]\n", "42\n", '"a string"\n', "- a\n- b\n", "cells: []\n", "title: x\ncells:\n"]), ops: ["trivial"] };
  if (whole === 2) return { kind: "bytes", bytes: randomBytes(rng, rng.range(1, 4096)), ops: ["binary"] };
  if (whole === 3) {
    // UTF-16, Latin-1 or a BOM: not what a YAML file should be
    const how = rng.int(3);
    if (how === 0) return { kind: "bytes", bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(seedText, "utf16le")]), ops: ["utf16le"] };
    if (how === 1) return { kind: "bytes", bytes: Buffer.from(seedText, "latin1"), ops: ["latin1"] };
    return { kind: "bytes", bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(seedText)]), ops: ["bom"] };
  }
  if (whole === 4) {
    // binary garbage spliced into the text
    const b = Buffer.from(seedText);
    const at = rng.int(b.length);
    return { kind: "bytes", bytes: Buffer.concat([b.subarray(0, at), randomBytes(rng, rng.range(1, 64)), b.subarray(at)]), ops: ["splice-binary"] };
  }
  const names = Object.keys(definitionMutators);
  let text = seedText;
  const ops: string[] = [];
  for (let n = rng.chance(0.5) ? 1 : rng.range(2, 3); n > 0; n--) {
    const name = rng.pick(names);
    ops.push(name);
    text = definitionMutators[name]!(text, rng);
  }
  return { kind: "text", text, ops };
}

export function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

// ── data files ───────────────────────────────────────────────────────────────────────────────

interface Table {
  header: string[];
  rows: string[][];
}

function parseSimpleCsv(text: string): Table {
  // The seed files are simple (no quoted commas): split is enough to mutate them.
  const ls = text.replace(/\r?\n$/, "").split(/\r?\n/);
  return { header: ls[0]!.split(","), rows: ls.slice(1).map((l) => l.split(",")) };
}

function writeCsv(t: Table, eol = "\n", sep = ","): string {
  return [t.header, ...t.rows].map((r) => r.join(sep)).join(eol) + eol;
}

const badNumbers = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e-400", "", " ", "-0", "0x10", "1,234.50", "$12", "¥1200", "12元", "1.2.3", "--1", "1e", "١٢٣", "9".repeat(40), "null", "NULL", "N/A", "#DIV/0!", "true", "=1+1", "1 000"];
const badDates = ["2026-02-30", "2026-13-01", "0000-00-00", "2099-12-31", "2150-01-01", "1900-01-01", "0001-01-01", "9999-12-31", "20261001", "2026/10/01", "01/10/2026", "10/01/2026", "2026-10-01T25:00:00", "2026-10", "yesterday", "", "NaT", "1e309", "-1", "2026-10-01 ", " 2026-10-01", "２０２６-１０-０１"];
const latin1Bits = [Buffer.from("Café Müller", "latin1"), Buffer.from([0xe9, 0xe8, 0xff, 0xfe]), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]) /* 中文 in GBK */, Buffer.from([0xbf, 0xcd, 0xbb, 0xa7]) /* 客户 in GBK */, Buffer.from([0xc0, 0xaf]) /* overlong */, Buffer.from([0xed, 0xa0, 0x80]) /* surrogate */, Buffer.from([0xe4, 0xb8]) /* truncated 中 */, Buffer.from([0x00]), Buffer.from([0x1a])];

function isDateColumn(name: string): boolean {
  return /date/i.test(name);
}
function isNumberColumn(name: string, sample: string | undefined): boolean {
  return sample !== undefined && /^-?\d+(\.\d+)?$/.test(sample) && !/_id$|^id$/i.test(name);
}

type TableMutator = (t: Table, rng: Rng) => Table | string | Buffer;

export const dataMutators: Record<string, TableMutator> = {
  dropColumn(t, rng) {
    const c = rng.int(t.header.length);
    return { header: t.header.filter((_, i) => i !== c), rows: t.rows.map((r) => r.filter((_, i) => i !== c)) };
  },
  dropHeaderCellOnly(t, rng) {
    const c = rng.int(t.header.length);
    return { header: t.header.filter((_, i) => i !== c), rows: t.rows };
  },
  shuffleColumns(t, rng) {
    const order = t.header.map((_, i) => i).sort(() => rng.next() - 0.5);
    return { header: order.map((i) => t.header[i]!), rows: t.rows.map((r) => order.map((i) => r[i] ?? "")) };
  },
  renameColumn(t, rng) {
    const c = rng.int(t.header.length);
    const h = [...t.header];
    h[c] = rng.pick([typo(h[c]!, rng), h[c]!.toUpperCase(), ` ${h[c]} `, "", h[(c + 1) % h.length]!, "客户编号", "\ufeff" + h[c], h[c] + "\u200b"]);
    return { header: h, rows: t.rows };
  },
  duplicateColumnName(t, rng) {
    const h = [...t.header];
    h[rng.int(h.length)] = h[rng.int(h.length)]!;
    return { header: h, rows: t.rows };
  },
  duplicateRows(t, rng) {
    const rows = [...t.rows];
    for (let n = rng.range(1, 20); n > 0; n--) {
      const i = rng.int(rows.length || 1);
      if (rows[i]) rows.splice(rng.int(rows.length), 0, [...rows[i]!]);
    }
    return { header: t.header, rows };
  },
  shuffleRows(t, rng) {
    return { header: t.header, rows: [...t.rows].sort(() => rng.next() - 0.5) };
  },
  dropRows(t, rng) {
    return { header: t.header, rows: t.rows.filter(() => rng.chance(rng.pick([0.05, 0.5, 0.95]))) };
  },
  badNumbers(t, rng) {
    const cols = t.header.map((h, i) => (isNumberColumn(h, t.rows[0]?.[i]) ? i : -1)).filter((i) => i >= 0);
    if (!cols.length) return t;
    const rows = t.rows.map((r) => [...r]);
    for (let n = rng.range(1, 10); n > 0 && rows.length; n--) rows[rng.int(rows.length)]![rng.pick(cols)] = rng.pick(badNumbers);
    return { header: t.header, rows };
  },
  badDates(t, rng) {
    const cols = t.header.map((h, i) => (isDateColumn(h) ? i : -1)).filter((i) => i >= 0);
    if (!cols.length) return t;
    const rows = t.rows.map((r) => [...r]);
    for (let n = rng.range(1, 10); n > 0 && rows.length; n--) rows[rng.int(rows.length)]![rng.pick(cols)] = rng.pick(badDates);
    return { header: t.header, rows };
  },
  invertDates(t, rng) {
    // end before start (subscriptions), resolved before opened (tickets)
    const s = t.header.findIndex((h) => /start|^date$/.test(h)), e = t.header.findIndex((h) => /end|resolved|cancel/.test(h));
    if (s < 0 || e < 0) return dataMutators.futureDates!(t, rng);
    const rows = t.rows.map((r) => {
      if (!rng.chance(0.3) || !r[e]) return r;
      const c = [...r];
      [c[s], c[e]] = [c[e]!, c[s]!];
      return c;
    });
    return { header: t.header, rows };
  },
  futureDates(t, rng) {
    const cols = t.header.map((h, i) => (isDateColumn(h) ? i : -1)).filter((i) => i >= 0);
    if (!cols.length) return t;
    const rows = t.rows.map((r) => (rng.chance(0.2) ? r.map((v, i) => (cols.includes(i) && v ? v.replace(/^\d{4}/, String(rng.range(2027, 2999))) : v)) : r));
    return { header: t.header, rows };
  },
  extraFields(t, rng) {
    const rows = t.rows.map((r) => (rng.chance(0.05) ? [...r, "extra", ...(rng.chance(0.5) ? ["more"] : [])] : rng.chance(0.03) ? r.slice(0, -1) : r));
    return { header: t.header, rows };
  },
  quotes(t, rng) {
    const rows = t.rows.map((r) => (rng.chance(0.05) ? r.map((v, i) => (i === 0 ? rng.pick([`"${v}`, `${v}"`, `"${v}""`, `"a,b"`, `"line\nbreak"`, `'${v}'`]) : v)) : r));
    return { header: t.header, rows };
  },
  longLine(t, rng) {
    const rows = t.rows.map((r) => [...r]);
    const i = rng.int(rows.length || 1);
    if (rows[i]) rows[i]![rng.int(rows[i]!.length)] = "x".repeat(rng.pick([70_000, 1_100_000, 3_000_000]));
    return { header: t.header, rows };
  },
  emptyCells(t, rng) {
    const rows = t.rows.map((r) => (rng.chance(0.1) ? r.map((v) => (rng.chance(0.5) ? "" : v)) : r));
    return { header: t.header, rows };
  },
  customerIds(t, rng) {
    const c = t.header.indexOf("customer_id");
    if (c < 0) return t;
    const rows = t.rows.map((r) => (rng.chance(0.1) ? r.map((v, i) => (i === c ? rng.pick(["", " ", "0", "C00001", "1e309", "客户", "\u200b", v + v, "NULL"]) : v)) : r));
    return { header: t.header, rows };
  },
};

/** Byte-level mutators, applied to the written CSV. */
export const byteMutators: Record<string, (b: Buffer, rng: Rng) => Buffer> = {
  truncate: (b, rng) => b.subarray(0, rng.int(b.length)),
  byteFlips(b, rng) {
    const c = Buffer.from(b);
    for (let n = rng.range(1, 20); n > 0; n--) {
      const i = rng.int(c.length);
      c[i] = rng.chance(0.5) ? c[i]! ^ (1 << rng.int(8)) : rng.int(256);
    }
    return c;
  },
  encodingBits(b, rng) {
    const parts: Buffer[] = [];
    let at = 0;
    for (let n = rng.range(1, 6); n > 0; n--) {
      const next = Math.min(b.length, at + rng.int(Math.max(1, b.length - at)));
      // place it after a comma so it lands in a field, not in the middle of the header only
      parts.push(b.subarray(at, next), rng.pick(latin1Bits));
      at = next;
    }
    parts.push(b.subarray(at));
    return Buffer.concat(parts);
  },
  wholeLatin1(b) {
    // the UTF-8 text re-encoded as Latin-1 (CJK becomes '?'-less garbage bytes)
    return Buffer.from(b.toString("utf8").replace(/[^\x00-\xff]/g, "\xe9"), "latin1");
  },
  mixedDelimiters(b, rng) {
    const ls = b.toString("utf8").split("\n");
    const sep = rng.pick([";", "\t", "|", ", "]);
    return Buffer.from(ls.map((l, i) => (i === 0 ? (rng.chance(0.3) ? l.replace(/,/g, sep) : l) : rng.chance(0.2) ? l.replace(/,/g, sep) : l)).join("\n"));
  },
  mixedLineEndings(b, rng) {
    return Buffer.from(b.toString("utf8").replace(/\n/g, () => rng.pick(["\n", "\r\n", "\r\n", "\r", "\n\n", "\r\r\n"])));
  },
  allCrlf: (b) => Buffer.from(b.toString("utf8").replace(/\n/g, "\r\n")),
  bom: (b, rng) => Buffer.concat([Buffer.from(rng.pick([[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]])), b]),
  utf16: (b) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString("utf8"), "utf16le")]),
  nulBytes(b, rng) {
    const c = Buffer.from(b);
    for (let n = rng.range(1, 5); n > 0; n--) c[rng.int(c.length)] = 0;
    return c;
  },
  blankLines(b, rng) {
    return Buffer.from(b.toString("utf8").split("\n").flatMap((l) => (rng.chance(0.05) ? ["", l] : rng.chance(0.02) ? [" ", l] : [l])).join("\n"));
  },
  noTrailingNewline: (b) => (b[b.length - 1] === 0x0a ? b.subarray(0, b.length - 1) : b),
};

export type DataInput = { bytes: Buffer; ops: string[] };

/** One corrupted data file from a seed CSV: whole-file cases, or 1–3 table then byte mutations. */
export function mutateData(seedText: string, rng: Rng): DataInput {
  const table = parseSimpleCsv(seedText);
  const whole = rng.int(25);
  if (whole === 0) return { bytes: Buffer.alloc(0), ops: ["empty"] };
  if (whole === 1) return { bytes: Buffer.from(table.header.join(",") + rng.pick(["\n", "", "\r\n"])), ops: ["header-only"] };
  if (whole === 2) return { bytes: randomBytes(rng, rng.range(1, 8192)), ops: ["binary"] };
  if (whole === 3) return { bytes: Buffer.from(rng.pick(["\n", "\n\n\n", ",,,\n,,,\n", "a\n", "x".repeat(2_000_000), "\ufeff", "customer_id\n" + "C1\n".repeat(3)])), ops: ["degenerate"] };
  const ops: string[] = [];
  let current: Table | string | Buffer = table;
  const tableNames = Object.keys(dataMutators);
  for (let n = rng.range(0, 2) + (rng.chance(0.5) ? 1 : 0); n > 0; n--) {
    if (typeof current !== "object" || Buffer.isBuffer(current)) break;
    const name = rng.pick(tableNames);
    ops.push(name);
    current = dataMutators[name]!(current as Table, rng);
  }
  let bytes: Buffer = Buffer.isBuffer(current) ? current : typeof current === "string" ? Buffer.from(current) : Buffer.from(writeCsv(current));
  const byteNames = Object.keys(byteMutators);
  for (let n = ops.length === 0 ? rng.range(1, 2) : rng.range(0, 1); n > 0; n--) {
    const name = rng.pick(byteNames);
    ops.push(name);
    bytes = byteMutators[name]!(bytes, rng);
  }
  return { bytes, ops };
}
