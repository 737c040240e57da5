// Public API of charts/: a declarative ChartSpec and its result tables → trusted SVG markup.

export { renderChart, type ChartOptions, type ChartResult } from "./render-chart.js";
export { isTrustedSvg, type TrustedSvg } from "./trusted.js";
export { markTypes, type ChartSpec, type MarkSpec, type MarkType, type ScaleSpec } from "./spec.js";
export { waterfallAxis, waterfallBars, waterfallColors, waterfallKinds, type WaterfallBar, type WaterfallKind } from "./waterfall.js";
export { measureText } from "./measure.js";
