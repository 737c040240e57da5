// The normal form of a report definition: every default filled in, every shorthand expanded.
// Later stages see only a `Report`, never raw YAML.

import { createHash } from "node:crypto";
import { basename, dirname, extname, resolve } from "node:path";
import type { ChurnBasis, Locale, ReturnsConvention } from "../core/vocabulary.js";
import type { ChartSpec } from "../charts/spec.js";
import type { Encoding, FieldType, Role } from "../data/roles.js";
import type { ValueFormat } from "../render/document.js";
import type { Grain } from "../util/period.js";
import type { CellKind, ReportSpecT } from "./spec.js";
import type { SourceMap } from "./validate.js";
import { normalizeTransformStep, type TransformStep } from "./transform.js";
import { normalizeAlerts, normalizeCover, normalizeSummary, type AlertRule, type AppendixLevel, type CoverSpecT as CoverSpecValue, type CoverStyle, type SummaryOptions } from "./page-one.js";

export interface ReportParam {
  type: "period" | "string" | "number" | "integer" | "boolean";
  /** null for a period means: the last complete period in the data. */
  default: string | number | boolean | null;
  grain: Grain;
}

export interface DatasetDef {
  name: string;
  role: Role;
  /** Path template relative to the report's folder (may hold {{param}}); absent for a database source. */
  path?: string;
  /** A database source: the environment variable reference (env:NAME) and a table or query. */
  source?: { connection: string; table?: string; query?: string };
  format?: "csv" | "parquet" | "json";
  /** canonical field → file column */
  columns: Record<string, string>;
  types: Record<string, FieldType>;
  dateFormat?: string;
  delimiter?: string;
  /** Text encoding of the file (default: UTF-8). */
  encoding?: Encoding;
  derive: Record<string, string>;
  line: number;
}

interface CellBase {
  id: string;
  title?: string;
  caption?: string;
  /** Source line, for messages and preview. */
  line: number;
}

export type ReportCell =
  | (CellBase & { kind: "markdown"; markdown: string })
  | (CellBase & { kind: "analysis"; analysis: string; params: Record<string, unknown>; show: boolean })
  | (CellBase & { kind: "chart"; from: string; spec: Omit<ChartSpec, "title"> | null; landscape: boolean })
  | (CellBase & { kind: "table"; from: string; table: string | null; columns: { key: string; label?: string; format?: ValueFormat }[] | null; limit: number | null; sort: string | null; landscape: boolean })
  | (CellBase & { kind: "kpi"; items: { label: string; value: string; previous?: string; last_year?: string; format: ValueFormat; better: "up" | "down" }[] })
  | (CellBase & { kind: "pagebreak" })
  | (CellBase & { kind: "transform"; from: string; steps: TransformStep[] });

export interface Report {
  file: string;
  dir: string;
  /** File name without extension: the output folder's name. */
  name: string;
  /** sha256 of the definition text. */
  hash: string;
  title: string;
  description: string;
  locale: Locale;
  currency: string;
  theme: { name: string; accent?: string; logoText?: string };
  page: { size: "A4" | "Letter"; orientation: "portrait" | "landscape" };
  params: Record<string, ReportParam>;
  churn: ChurnBasis;
  /** Returns and cancellations in money figures (analysis/money.ts). */
  returns: ReturnsConvention;
  datasets: DatasetDef[];
  cells: ReportCell[];
  /** When the report is due (`churnbook due`); absent: not scheduled. */
  schedule?: ReportSchedule;
  /** The first page: a full cover, a compact title block above the summary, or none. */
  cover: CoverStyle;
  /** How much the appendix says: plain words (default), full formulas and settings, or none. */
  appendix: AppendixLevel;
  /** The executive summary on page one (absent: none). */
  summary?: SummaryOptions;
  /** Alert thresholds (runner/alerts.ts). */
  alerts: AlertRule[];
}

export interface ReportSchedule {
  grain: Grain;
  /** Day of the month after the period closes (clamped to the month's length). */
  day: number;
  /** First month of the fiscal year, 1–12. */
  fiscalYearStart: number;
  line: number;
}

export function normalizeReport(spec: ReportSpecT, kinds: CellKind[], source: SourceMap, text: string): Report {
  const file = resolve(source.file);
  return {
    file,
    dir: dirname(file),
    name: basename(file, extname(file)),
    hash: createHash("sha256").update(text).digest("hex"),
    title: spec.title,
    description: spec.description ?? "",
    locale: (spec.locale as Locale | undefined) ?? "en-US", // en-US unless stated
    currency: spec.currency ?? "USD",
    theme: { name: spec.theme?.name ?? "default", accent: spec.theme?.accent, logoText: spec.theme?.logo_text },
    page: { size: (spec.page?.size as "A4" | "Letter" | undefined) ?? "A4", orientation: (spec.page?.orientation as "portrait" | "landscape" | undefined) ?? "portrait" },
    params: normalizeParams(spec),
    churn: normalizeChurn(spec),
    returns: (spec.returns as ReturnsConvention | undefined) ?? "net",
    datasets: Object.entries(spec.datasets).map(([name, d]) => normalizeDataset(name, d, source)),
    cells: (spec.cells as Record<string, unknown>[]).map((c, i) => normalizeCell(c, kinds[i]!, i, source)),
    ...(spec.schedule ? { schedule: normalizeSchedule(spec.schedule, source) } : {}),
    cover: normalizeCover(spec.cover as CoverSpecValue),
    appendix: (spec.appendix as AppendixLevel | undefined) ?? "plain",
    ...(normalizeSummary(spec.summary) ? { summary: normalizeSummary(spec.summary)! } : {}),
    alerts: normalizeAlerts(spec.alerts, source),
  };
}

function normalizeSchedule(s: NonNullable<ReportSpecT["schedule"]>, source: SourceMap): ReportSchedule {
  const grain: Grain = s.monthly ? "month" : s.quarterly ? "quarter" : "year";
  const day = (s.monthly ?? s.quarterly ?? s.yearly)?.day ?? 1;
  return { grain, day, fiscalYearStart: s.fiscal_year_start ?? 1, line: source.locate(["schedule"]).line };
}

function normalizeParams(spec: ReportSpecT): Record<string, ReportParam> {
  const out: Record<string, ReportParam> = {};
  for (const [name, p] of Object.entries(spec.params ?? {})) {
    out[name] = { type: p.type as ReportParam["type"], default: (p.default as ReportParam["default"]) ?? null, grain: (p.grain as Grain | undefined) ?? "month" };
  }
  // Every report has a period: the last complete month by default.
  out.period ??= { type: "period", default: null, grain: "month" };
  return out;
}

function normalizeChurn(spec: ReportSpecT): ChurnBasis {
  if (spec.churn?.basis === "inactivity") return { kind: "inactivity", days: spec.churn.days ?? 90 };
  if (spec.churn?.basis === "subscriptions") return { kind: "subscriptions", graceDays: spec.churn.grace_days ?? 0, recognition: (spec.churn.recognition as "period_end" | "cancellation" | undefined) ?? "period_end" };
  // Without a stated basis: contractual when subscriptions are loaded, else inactivity (90 days).
  const hasSubs = Object.entries(spec.datasets).some(([name, d]) => (d.role ?? name) === "subscriptions");
  return hasSubs ? { kind: "subscriptions", graceDays: 0, recognition: "period_end" } : { kind: "inactivity", days: 90 };
}

function normalizeDataset(name: string, d: ReportSpecT["datasets"][string], source: SourceMap): DatasetDef {
  return {
    name,
    // Validation made sure: a dataset without a role: key is named after its role.
    role: (d.role as Role | undefined) ?? (name as Role),
    path: d.path,
    ...(d.connection ? { source: { connection: d.connection, ...(d.table !== undefined ? { table: d.table } : {}), ...(d.query !== undefined ? { query: d.query } : {}) } } : {}),
    format: d.format as DatasetDef["format"],
    columns: d.columns ?? {},
    types: (d.types ?? {}) as Record<string, FieldType>,
    dateFormat: d.date_format,
    delimiter: d.delimiter,
    encoding: d.encoding as Encoding | undefined,
    derive: d.derive ?? {},
    line: source.locate(["datasets", name]).line,
  };
}

function normalizeCell(c: Record<string, unknown>, kind: CellKind, i: number, source: SourceMap): ReportCell {
  const base: CellBase = {
    id: (c.id as string | undefined) ?? `${kind}-${i + 1}`,
    title: c.title as string | undefined,
    caption: c.caption as string | undefined,
    line: source.locate(["cells", i]).line,
  };
  switch (kind) {
    case "markdown":
      return { ...base, kind, markdown: c.markdown as string };
    case "analysis":
      return { ...base, kind, analysis: c.analysis as string, params: (c.params as Record<string, unknown> | undefined) ?? {}, show: c.show === true };
    case "chart": {
      if (typeof c.chart === "string") return { ...base, kind, from: c.chart, spec: null, landscape: Boolean(c.landscape) };
      const { from, ...spec } = c.chart as { from: string } & Omit<ChartSpec, "title">;
      return { ...base, kind, from, spec, landscape: Boolean(c.landscape) };
    }
    case "table": {
      const [from, table] = (c.table as string).split(".") as [string, string | undefined];
      const columns = (c.columns as (string | { key: string; label?: string; format?: ValueFormat })[] | undefined)?.map((col) => (typeof col === "string" ? { key: col } : col)) ?? null;
      return { ...base, kind, from, table: table ?? null, columns, limit: (c.limit as number | undefined) ?? null, sort: (c.sort as string | undefined) ?? null, landscape: Boolean(c.landscape) };
    }
    case "kpi":
      return {
        ...base,
        kind,
        items: (c.kpi as { label: string; value: string; previous?: string; last_year?: string; format?: ValueFormat; better?: "up" | "down" }[]).map((k) => ({ ...k, format: k.format ?? "number", better: k.better ?? "up" })),
      };
    case "pagebreak":
      return { ...base, kind };
    case "transform": {
      const t = c.transform as { from: string; steps: Record<string, unknown>[] };
      return { ...base, kind, from: t.from, steps: t.steps.map((s, j) => normalizeTransformStep(s, source.locate(["cells", i, "transform", "steps", j]).line)) };
    }
  }
}
