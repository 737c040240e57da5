// Decile (十分位) and Pareto (二八) arithmetic on per-customer values, in JavaScript: the oracle
// the deciles analysis (which ranks and sums in the engine) is checked against.
//
// Customers are sorted by value descending, ties by customer_id ascending. With n = 10k + r
// customers, deciles 1..r (the top ones) get k + 1 customers and the rest k, so sizes differ
// by at most one and the order of customers never changes across the cut. Negative values
// stay in (a "whale curve"): shares are of the net total, so the cumulative share can rise
// above 100% and come back down to exactly 100% at the last customer.

import { compareIds } from "../../src/analysis/segmentation/common.js";

export interface Valued {
  customer_id: string;
  value: number;
}

export interface Decile {
  decile: number;
  customers: number;
  total: number;
  average: number | null;
  share: number | null;
  cumulative_share: number | null;
  cumulative_customer_share: number | null;
  min_value: number | null;
  max_value: number | null;
}

export function sortByValue<T extends Valued>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => b.value - a.value || compareIds(a.customer_id, b.customer_id));
}

/** Group sizes for n customers in `groups` equal-count groups, the remainder to the first groups. */
export function groupSizes(n: number, groups = 10): number[] {
  const k = Math.floor(n / groups), r = n % groups;
  return Array.from({ length: groups }, (_, i) => k + (i < r ? 1 : 0));
}

export function deciles(sorted: readonly Valued[], groups = 10): Decile[] {
  const n = sorted.length;
  const total = sorted.reduce((s, c) => s + c.value, 0);
  const out: Decile[] = [];
  let start = 0, cum = 0;
  for (const [i, size] of groupSizes(n, groups).entries()) {
    const part = sorted.slice(start, start + size);
    start += size;
    const t = part.reduce((s, c) => s + c.value, 0);
    cum += t;
    out.push({
      decile: i + 1,
      customers: size,
      total: t,
      average: size ? t / size : null,
      share: total !== 0 ? t / total : null,
      cumulative_share: total !== 0 ? cum / total : null,
      cumulative_customer_share: n ? start / n : null,
      min_value: size ? part[size - 1]!.value : null,
      max_value: size ? part[0]!.value : null,
    });
  }
  return out;
}

/**
 * The smallest k such that the top k customers bring at least `target` (0.8) of the net total,
 * customer-level (no interpolation). A relative tolerance of 1e-9 × Σ|value| absorbs rounding
 * in the running sum. Null when the total is not positive (there is no 80% to reach).
 */
export function customersForShare(sorted: readonly Valued[], target = 0.8): number | null {
  const total = sorted.reduce((s, c) => s + c.value, 0);
  if (!(total > 0)) return null;
  const abs = sorted.reduce((s, c) => s + Math.abs(c.value), 0);
  const goal = target * total - 1e-9 * abs;
  let cum = 0;
  for (let k = 0; k < sorted.length; k++) {
    cum += sorted[k]!.value;
    if (cum >= goal) return k + 1;
  }
  return sorted.length;
}
