// The "waterfall" composite mark: a leaky-bucket or MRR bridge. Rows carry `step` (the x
// category, in the order given), `value`, and `kind`: start and end are totals drawn from
// zero; in adds to the running level, out takes away (its magnitude, whatever its sign).
// It expands into plain Plot marks: one barY per kind (so colours are constants, not a
// colour scale that would collide with the chart's own), a zero rule and value labels.

import type { Row } from "../analysis/types.js";
import { toFiniteNumber } from "../render/format.js";

export const waterfallKinds = ["start", "in", "out", "end"] as const;
export type WaterfallKind = (typeof waterfallKinds)[number];

export const waterfallColors = {
  start: "#5b6b7f",
  end: "#5b6b7f",
  in: "#2e8b57",
  out: "#c0392b",
} as const satisfies Record<WaterfallKind, string>;

export interface WaterfallBar {
  step: string;
  kind: WaterfallKind;
  value: number;
  /** Signed change for in/out, the total for start/end. */
  signed: number;
  y1: number;
  y2: number;
  top: number;
}

export function isWaterfallKind(v: unknown): v is WaterfallKind {
  return typeof v === "string" && (waterfallKinds as readonly string[]).includes(v);
}

/** Computes the bars; rows with an unknown kind or no value are reported and skipped. */
export function waterfallBars(rows: Row[], options: { x?: string; y?: string; kind?: string } = {}): { bars: WaterfallBar[]; warnings: string[] } {
  const xKey = options.x ?? "step", yKey = options.y ?? "value", kindKey = options.kind ?? "kind";
  const bars: WaterfallBar[] = [];
  const warnings: string[] = [];
  let level = 0;
  for (const row of rows) {
    const kind = row[kindKey];
    const value = toFiniteNumber(row[yKey]);
    const step = String(row[xKey] ?? "");
    if (!isWaterfallKind(kind)) {
      warnings.push(`waterfall: invalid kind: ${JSON.stringify(kind)} (expected start, in, out or end)`);
      continue;
    }
    if (value === null) {
      if (kind === "end") {
        bars.push({ step, kind, value: level, signed: level, y1: 0, y2: level, top: Math.max(0, level) });
        continue;
      }
      warnings.push(`waterfall: step "${step}" has no value`);
      continue;
    }
    if (kind === "start" || kind === "end") {
      level = value;
      bars.push({ step, kind, value, signed: value, y1: 0, y2: value, top: Math.max(0, value) });
    } else {
      const signed = kind === "in" ? Math.abs(value) : -Math.abs(value);
      const from = level;
      level += signed;
      bars.push({ step, kind, value: Math.abs(value), signed, y1: from, y2: level, top: Math.max(from, level) });
    }
  }
  return { bars, warnings };
}
