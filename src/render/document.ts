// The report document: what the runner hands to the renderer. Everything is computed and
// plain; rendering is a pure function of this object (no data access, no clock).

import type { ChartSpec } from "../charts/spec.js";
import type { Locale, Row, Value } from "../core/vocabulary.js";
import type { Period } from "../util/period.js";
import type { DataFinding } from "../data/quality.js";
import type { Brand } from "../definition/brand.js";
import type { AlertEvaluation, ExecutiveSummary } from "./summary.js";

export type { ValueFormat } from "../util/format.js";
import type { ValueFormat } from "../util/format.js";

export interface ColumnSpec {
  key: string;
  label: string;
  format: ValueFormat;
}

export interface KpiItem {
  label: string;
  value: number | null;
  format: ValueFormat;
  /** Value in the previous period (环比) and the same period last year (同比), when known. */
  previous?: number | null;
  lastYear?: number | null;
  /** Whether a rise is good news ("up": growth, retention) or bad ("down": churn). */
  better: "up" | "down";
}

/**
 * Chart, table and KPI cells may carry `notes`: the analysis notes (in the report's language)
 * of the results they are the first to show, printed in a note box right after the cell. KPI and
 * markdown cells showing a value the data leave undefined ("—") carry a note saying which and why.
 */
export type CellOutput =
  | { kind: "markdown"; id: string; /** Markdown with Handlebars already applied (values escaped). */ markdown: string; /** Why a value it shows is "—". */ notes?: string[] }
  | { kind: "kpi"; id: string; title?: string; items: KpiItem[]; notes?: string[] }
  | { kind: "chart"; id: string; title?: string; caption?: string; chart: ChartSpec; data: Record<string, Row[]>; landscape?: boolean; notes?: string[] }
  | { kind: "table"; id: string; title?: string; caption?: string; columns: ColumnSpec[]; rows: Row[]; totalRows: number; landscape?: boolean; notes?: string[] }
  | { kind: "pagebreak"; id: string }
  /** A cell that failed under --keep-going. */
  | { kind: "error"; id: string; message: string };

export interface MetricDefinition {
  id: string;
  title: string;
  definition: string;
}

export interface DatasetCoverage {
  name: string;
  role: string;
  path: string;
  rows: number;
  dropped: number;
  /** Why rows were dropped, e.g. "12 rows without customer_id". */
  droppedReasons: string[];
  /** What loading found (duplicates, bad rows, future dates); shown in the report's language
   * instead of droppedReasons when present. */
  findings?: DataFinding[];
  minDate: string | null;
  maxDate: string | null;
}

export interface ReportDocument {
  title: string;
  description?: string;
  locale: Locale;
  currency: string;
  /** Theme name (templates/themes/<theme>.css) and brand colour. */
  theme: { name: string; accent?: string; logoText?: string };
  client?: string;
  /** A client's brand (batch runs): logo, colours, fonts, cover and footer text, theme. */
  brand?: Brand;
  period: Period;
  /** ISO timestamp of generation (injected, for reproducible tests). */
  generatedAt: string;
  params: Record<string, Value>;
  page: { size: "A4" | "Letter"; orientation: "portrait" | "landscape" };
  cells: CellOutput[];
  /** The first page: a cover page (default), a compact title block above the summary, or none. */
  cover?: "full" | "compact" | "none";
  /** The executive summary on page one (runner/summary.ts). */
  summary?: ExecutiveSummary;
  /** The definition's alerts evaluated on the results (also in manifest.json). */
  alerts?: AlertEvaluation;
  appendix: {
    /** plain (absent): definitions in words; full: with formulas and settings; none: no appendix printed. */
    level?: "plain" | "full" | "none";
    definitions: MetricDefinition[];
    conventions: { name: string; value: string }[];
    coverage: DatasetCoverage[];
  };
}
