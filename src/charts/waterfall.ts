// The "waterfall" composite mark: a leaky-bucket or MRR bridge. Rows carry `step` (the x
// category, in the order given), `value`, and `kind`: start and end are totals drawn from
// zero; in adds to the running level, out takes away (its magnitude, whatever its sign).
// It expands into plain Plot marks: one barY per kind (so colours are constants, not a
// colour scale that would collide with the chart's own), a zero rule and value labels.

import type { Row } from "../core/vocabulary.js";
import { tickStep } from "d3";
import { toFiniteNumber } from "../util/format.js";

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

/**
 * The y axis of a bridge that need not start at zero, so flows small against the totals (+78
 * and −15 against 1,000 customers) stay readable: null when a zero baseline already shows them
 * (they span a third of the highest level or more) or a level is not positive. Otherwise a
 * round domain from below the lowest level (by 60% of the flows' span) to the highest one, and
 * its ticks on one round step, so the baseline is labelled.
 */
export function waterfallAxis(bars: WaterfallBar[]): { domain: [number, number]; ticks: number[] } | null {
  const levels = bars.flatMap((b) => (b.kind === "start" || b.kind === "end" ? [b.value] : [b.y1, b.y2]));
  if (levels.length === 0) return null;
  const lo = Math.min(...levels), hi = Math.max(...levels);
  const span = hi - lo;
  if (lo <= 0 || span === 0 || span >= hi / 3) return null;
  const from = lo - span * 0.6;
  const step = tickStep(from, hi, 5);
  const base = Math.floor(from / step) * step, top = Math.ceil(hi / step) * step;
  if (base <= 0) return null;
  const ticks: number[] = [];
  for (let i = 0; base + i * step <= top + step / 2; i++) ticks.push(Math.round((base + i * step) * 1e9) / 1e9);
  return { domain: [base, top], ticks };
}

