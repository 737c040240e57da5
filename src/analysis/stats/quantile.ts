// Quantiles, ranks and quantile bins, reproducing numpy/pandas to the last bit.
//
// RFM scoring is usually done in pandas (`pd.qcut(x, 5)`, `x.rank(method='first')`), and
// users compare our scores with theirs. So this module follows the libraries' arithmetic,
// not just their definitions: an edge that differs by one ulp puts a customer sitting on it
// in another bin. The steps copied, each from numpy 2.x / pandas 2.x:
// - `np.linspace(0, 1, q + 1)`: i·(1/q), the last point set to exactly 1;
// - pandas `Series.quantile` calls `np.percentile(values, qs·100)`, which divides by 100
//   again (so 0.6000000000000001 stays 0.6000000000000001, but other values may move);
// - numpy "linear" (Hyndman & Fan type 7): h = (n − 1)·p, lower = x[⌊h⌋], and the lerp
//   a + (b − a)·g for g < 0.5, b − (b − a)·(1 − g) for g ≥ 0.5; h ≥ n − 1 gives x[n − 1];
// - pandas `cut(..., right=True, include_lowest=True)`: bin i (1-based) holds
//   edges[i−1] < x ≤ edges[i], with x = edges[0] put in bin 1; `searchsorted(side='left')`.

/** `np.linspace(start, stop, num)` with endpoint: start + i·step, the last point = stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/** numpy's `_lerp`: the two-sided formula that keeps g = 1 exactly at b. */
function lerp(a: number, b: number, g: number): number {
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/**
 * Type-7 quantile (numpy `method="linear"`, R `type = 7`, pandas default) of values that are
 * already sorted ascending. p in [0, 1]. Returns null for an empty array.
 */
export function quantileSorted(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  if (h >= n - 1) return sorted[n - 1]!;
  if (h <= 0) return sorted[0]!;
  const lo = Math.floor(h);
  return lerp(sorted[lo]!, sorted[lo + 1]!, h - lo);
}

/** Type-7 quantile of unsorted values; nulls and non-finite numbers are dropped. */
export function quantile(values: readonly (number | null)[], p: number): number | null {
  return quantileSorted(finiteSorted(values), p);
}

/** pandas `Series.quantile(qs)`: each p goes through np.percentile(p·100) → (p·100)/100. */
export function pandasQuantiles(values: readonly (number | null)[], qs: readonly number[]): (number | null)[] {
  const sorted = finiteSorted(values);
  return qs.map((p) => quantileSorted(sorted, (p * 100) / 100));
}

function finiteSorted(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
}

/**
 * pandas `rank(method='first')`: ranks 1..n by value ascending, ties ranked in order of
 * appearance (so the caller's row order is the tie-breaker). Nulls get null.
 */
export function rankFirst(values: readonly (number | null)[]): (number | null)[] {
  const idx: number[] = [];
  values.forEach((v, i) => {
    if (typeof v === "number" && Number.isFinite(v)) idx.push(i);
  });
  // Array.prototype.sort is stable, so equal values keep their order of appearance.
  idx.sort((i, j) => (values[i] as number) - (values[j] as number));
  const out: (number | null)[] = values.map(() => null);
  idx.forEach((i, r) => (out[i] = r + 1));
  return out;
}

/** The first index i with edges[i] ≥ x (numpy `searchsorted(side='left')`). */
function searchLeft(edges: readonly number[], x: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface QcutResult {
  /** 1-based bin of each value (1 = lowest values), null for null inputs. */
  codes: (number | null)[];
  /** The q + 1 quantile edges (before dropping duplicates). */
  edges: number[];
  /** False when two edges coincide: pandas raises "Bin edges must be unique". */
  unique: boolean;
}

/**
 * `pd.qcut(values, q)` (labels = 1..q): edges are the pandas quantiles at linspace(0, 1, q+1);
 * a value v goes to bin i when edges[i−1] < v ≤ edges[i] (the minimum to bin 1). When edges
 * are not unique pandas raises; here `unique` is false and the codes are those of
 * `duplicates='drop'` (1..k over the k distinct intervals) so the caller can decide.
 */
export function qcut(values: readonly (number | null)[], q: number): QcutResult {
  if (!Number.isInteger(q) || q < 1) throw new Error(`qcut: q must be a positive integer, got ${q}`);
  const raw = pandasQuantiles(values, linspace(0, 1, q + 1));
  if (raw.some((e) => e === null)) return { codes: values.map(() => null), edges: [], unique: true };
  const edges = raw as number[];
  const distinct = edges.filter((e, i) => i === 0 || e !== edges[i - 1]);
  const unique = distinct.length === edges.length;
  const codes = values.map((v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) return null;
    if (v === distinct[0]) return 1;
    const id = searchLeft(distinct, v);
    return id === 0 || id === distinct.length ? null : id;
  });
  return { codes, edges, unique };
}

/** Score 1..q by `pd.qcut(x.rank(method='first'), q)`: always unique edges when n ≥ q. */
export function qcutRankFirst(values: readonly (number | null)[], q: number): QcutResult {
  return qcut(rankFirst(values), q);
}
