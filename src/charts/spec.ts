// A declarative Observable Plot specification: what a report author writes in a chart cell
// and what an analysis returns as its default chart. Marks name their data by result table.
// It is data (no functions), so a definition can never run code through a chart.

export const markTypes = [
  "lineY", "line", "barY", "barX", "rectY", "cell", "dot", "dotY", "areaY", "ruleY", "ruleX", "text", "textY", "tickX", "tickY", "link", "waterfall",
] as const;
export type MarkType = (typeof markTypes)[number];

export interface MarkSpec {
  /** Plot mark name, e.g. lineY, barY, cell. */
  mark: MarkType;
  /** Name of a table of the analysis result. */
  data: string;
  /** Plot mark options; channels are column names, constants are literals. */
  options?: Record<string, unknown>;
  /** Keep only rows whose column equals the value. */
  filter?: Record<string, string | number | boolean | null>;
}

export interface ScaleSpec {
  label?: string | null;
  /** A d3-format specifier (".0%", ",.0f", "~s") or "date:<d3-time-format>" for ticks. */
  tickFormat?: string;
  /** "currency" or "percent" or "number" in the report's locale. */
  format?: "percent" | "currency" | "number" | "integer";
  domain?: unknown[];
  range?: unknown[];
  type?: string;
  scheme?: string;
  legend?: boolean;
  zero?: boolean;
  grid?: boolean;
  nice?: boolean;
  /** A tick count, or the tick values themselves. */
  ticks?: number | number[];
  tickRotate?: number;
  reverse?: boolean;
  percent?: boolean;
  padding?: number;
  /** Where the axis goes ("top" for a heatmap's age axis); null hides it. */
  axis?: "top" | "bottom" | "left" | "right" | "both" | null;
}

export interface ChartSpec {
  title?: string;
  subtitle?: string;
  caption?: string;
  width?: number;
  height?: number;
  marks: MarkSpec[];
  x?: ScaleSpec;
  y?: ScaleSpec;
  fx?: ScaleSpec;
  fy?: ScaleSpec;
  color?: ScaleSpec;
  marginLeft?: number;
  marginBottom?: number;
}
