// Public API of render/: a ReportDocument → self-contained HTML, and the locale helpers.

export * from "./document.js";
export { renderReport, loadTemplates, isCssColor, reportFontStack, wideTableColumns, type ChartCell, type ChartRenderContext, type RenderOptions, type RenderedReport, type TocEntry } from "./render-report.js";
export { printSetup, runningHeader } from "./print-setup.js";
export { makeHelpers, createHandlebars, applyTemplate, type HelperContext } from "./helpers.js";
export { renderMarkdown, type MarkdownHeading, type RenderedMarkdown } from "./markdown.js";
export { label, labels, isLabelKey, type LabelKey } from "./labels.js";
export {
  formatValue,
  formatNumber,
  formatInteger,
  formatPercent,
  formatCurrency,
  formatDate,
  formatDateTime,
  formatMonth,
  formatPeriod,
  computeDelta,
  deltaTone,
  parseIsoDate,
  toFiniteNumber,
  missing,
  type Delta,
  type DeltaDirection,
  type FormatOptions,
} from "../util/format.js";
