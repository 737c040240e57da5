// Histogram-based gradient-boosted decision trees for binary log-loss (the LightGBM /
// scikit-learn HistGradientBoosting recipe, kept small):
// - Features are pre-binned once: ≤ 255 bins per feature (distinct values when few, else
//   quantiles), stored row-major in a Uint8Array; bin b holds edges[b−1] < x ≤ edges[b].
// - Start from the log-odds of the training churn rate; each round fits one tree to the
//   gradients g = p − y and hessians h = p(1 − p), grown depth-wise to `depth` levels.
// - A split maximises gain = ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] with at least `minLeaf`
//   rows on each side; ties keep the lowest feature, then the lowest bin. Each child's
//   histogram: the smaller child is built from its rows, the larger is parent − smaller.
// - Leaf value = −learningRate · G/(H+λ).
// - Early stopping: a seeded `validationFraction` of the rows is held out; training stops after
//   `patience` rounds without a lower validation log loss and the model keeps the best round.
// - Importance: total split gain per feature (normalised to sum 1); per-row contributions by
//   the path method (each split adds value(child) − value(node) to its feature).

export interface GbdtOptions {
  rounds?: number;
  depth?: number;
  learningRate?: number;
  minLeaf?: number;
  l2?: number;
  maxBins?: number;
  validationFraction?: number;
  patience?: number;
  seed?: number;
}

export interface Binning {
  /** Per feature: ascending upper edges; a value above the last edge falls in the last bin. */
  edges: Float64Array[];
}

export interface Tree {
  feature: Int32Array;
  threshold: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Value of every node (leaves: the prediction added; internal: the value it would have). */
  value: Float64Array;
}

export interface GbdtModel {
  kind: "gbdt";
  p: number;
  binning: Binning;
  baseScore: number;
  trees: Tree[];
  /** Total split gain per feature, normalised to sum 1 (all 0 when no split). */
  gain: Float64Array;
  bestRound: number;
  validationLoss: number | null;
  /** Indices of the rows held out for early stopping (empty when none). */
  validationRows: Uint32Array;
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** A small seeded PRNG (mulberry32) for the validation split and permutations. */
export function seededRandom(seed: number): () => number {
  let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bin edges per feature from the training rows (row-major n×p). */
export function fitBins(x: Float64Array, n: number, p: number, maxBins = 255): Binning {
  const edges: Float64Array[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) col[i] = x[i * p + j]!;
    const sorted = Float64Array.from(col).sort();
    const uniq: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniq.push(sorted[i]!);
    let e: number[];
    if (uniq.length <= maxBins) {
      e = [];
      for (let k = 0; k + 1 < uniq.length; k++) e.push((uniq[k]! + uniq[k + 1]!) / 2);
    } else {
      const set: number[] = [];
      for (let k = 1; k < maxBins; k++) {
        const v = sorted[Math.min(n - 1, Math.floor((k * n) / maxBins))]!;
        if (set.length === 0 || v > set[set.length - 1]!) set.push(v);
      }
      // an edge equal to the maximum would leave the last bin empty
      e = set.filter((v) => v < sorted[n - 1]!);
    }
    edges.push(Float64Array.from(e));
  }
  return { edges };
}

/** The bin of each value (row-major Uint8Array n×p). */
export function applyBins(binning: Binning, x: Float64Array, n: number): Uint8Array {
  const p = binning.edges.length, out = new Uint8Array(n * p);
  for (let j = 0; j < p; j++) {
    const e = binning.edges[j]!;
    for (let i = 0; i < n; i++) {
      const v = x[i * p + j]!;
      let lo = 0, hi = e.length; // first edge ≥ v
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (e[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      out[i * p + j] = lo;
    }
  }
  return out;
}

interface Node {
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  id: number;
}

/** Fits the boosted trees on a row-major matrix x (n×p) with 0/1 labels y. */
export function fitGbdt(x: Float64Array, y: ArrayLike<number>, n: number, p: number, options: GbdtOptions = {}): GbdtModel {
  const binning = fitBins(x, n, p, Math.min(255, options.maxBins ?? 255));
  const bins = applyBins(binning, x, n);
  return fitGbdtBinned(bins, binning, y, n, p, options);
}

export function fitGbdtBinned(bins: Uint8Array, binning: Binning, y: ArrayLike<number>, n: number, p: number, options: GbdtOptions = {}): GbdtModel {
  const rounds = options.rounds ?? 100, maxDepth = options.depth ?? 4, lr = options.learningRate ?? 0.1;
  const minLeaf = Math.max(1, options.minLeaf ?? 20), lambda = options.l2 ?? 1, patience = options.patience ?? 10;
  const vf = options.validationFraction ?? 0.1;

  // Validation split (seeded shuffle).
  const rand = seededRandom(options.seed ?? 1);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const nValid = vf > 0 && n >= 20 ? Math.max(1, Math.floor(n * vf)) : 0;
  if (nValid > 0) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[k]!;
      order[k] = t;
    }
  }
  const validRows = order.slice(0, nValid).sort();
  const isValid = new Uint8Array(n);
  for (const i of validRows) isValid[i] = 1;
  const nTrain = n - nValid;
  const trainRows = new Uint32Array(nTrain);
  for (let i = 0, k = 0; i < n; i++) if (!isValid[i]) trainRows[k++] = i;

  let pos = 0;
  for (let k = 0; k < nTrain; k++) pos += y[trainRows[k]!]!;
  const rate = nTrain > 0 ? pos / nTrain : 0.5;
  const baseScore = Math.log(Math.min(1 - 1e-6, Math.max(1e-6, rate)) / (1 - Math.min(1 - 1e-6, Math.max(1e-6, rate))));

  const score = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n), hess = new Float64Array(n);
  const nb = binning.edges.map((e) => e.length + 1);
  // histogram layout: feature j's bins start at off[j] (compact: binary features take 2 slots)
  const off = new Int32Array(p + 1);
  for (let j = 0; j < p; j++) off[j + 1] = off[j]! + nb[j]!;
  const histSize = off[p]! * 3;
  const idx = new Uint32Array(nTrain), tmp = new Uint32Array(nTrain);
  const gain = new Float64Array(p);
  const trees: Tree[] = [];
  const gainPerTree: Float64Array[] = [];
  let bestLoss = Infinity, bestRound = 0, since = 0;

  const buildHist = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(histSize);
    for (let k = start; k < end; k++) {
      const i = idx[k]!, gi = grad[i]!, hi = hess[i]!, base = i * p;
      for (let j = 0; j < p; j++) {
        const o = (off[j]! + bins[base + j]!) * 3;
        hist[o]! += gi;
        hist[o + 1]! += hi;
        hist[o + 2]!++;
      }
    }
    return hist;
  };

  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < nTrain; k++) {
      const i = trainRows[k]!, q = sigmoid(score[i]!);
      grad[i] = q - y[i]!;
      hess[i] = Math.max(q * (1 - q), 1e-16);
    }
    idx.set(trainRows);
    const feature: number[] = [], threshold: number[] = [], left: number[] = [], right: number[] = [], value: number[] = [];
    const treeGain = new Float64Array(p);
    const newNode = (g: number, h: number): number => {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push((-lr * g) / (h + lambda));
      return value.length - 1;
    };
    let G = 0, H = 0;
    for (let k = 0; k < nTrain; k++) {
      G += grad[idx[k]!]!;
      H += hess[idx[k]!]!;
    }
    const queue: Node[] = [{ start: 0, end: nTrain, depth: 0, g: G, h: H, hist: buildHist(0, nTrain), id: newNode(G, H) }];
    while (queue.length > 0) {
      const node = queue.shift()!;
      const count = node.end - node.start;
      if (node.depth >= maxDepth || count < 2 * minLeaf) continue;
      // best split
      const parentScore = (node.g * node.g) / (node.h + lambda);
      let bestGain = 1e-12, bf = -1, bt = 0, bgl = 0, bhl = 0;
      const hist = node.hist;
      for (let j = 0; j < p; j++) {
        let gl = 0, hl = 0, cl = 0;
        const o0 = off[j]! * 3;
        for (let b = 0; b < nb[j]! - 1; b++) {
          const o = o0 + b * 3;
          gl += hist[o]!;
          hl += hist[o + 1]!;
          cl += hist[o + 2]!;
          if (cl < minLeaf) continue;
          const cr = count - cl;
          if (cr < minLeaf) break;
          const gr = node.g - gl, hr = node.h - hl;
          const gn = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore);
          if (gn > bestGain) {
            bestGain = gn;
            bf = j;
            bt = b;
            bgl = gl;
            bhl = hl;
          }
        }
      }
      if (bf < 0) continue;
      // partition rows: bin ≤ bt to the left (stable)
      let l = node.start, r = 0;
      for (let k = node.start; k < node.end; k++) {
        const i = idx[k]!;
        if (bins[i * p + bf]! <= bt) idx[l++] = i;
        else tmp[r++] = i;
      }
      idx.set(tmp.subarray(0, r), l);
      const mid = l;
      treeGain[bf]! += bestGain;
      feature[node.id] = bf;
      threshold[node.id] = bt;
      const lid = newNode(bgl, bhl), rid = newNode(node.g - bgl, node.h - bhl);
      left[node.id] = lid;
      right[node.id] = rid;
      const leftSmaller = mid - node.start <= node.end - mid;
      const small = leftSmaller ? buildHist(node.start, mid) : buildHist(mid, node.end);
      const large = node.hist; // reuse the parent's buffer: parent − small
      for (let k = 0; k < histSize; k++) large[k]! -= small[k]!;
      const lh = leftSmaller ? small : large, rh = leftSmaller ? large : small;
      queue.push({ start: node.start, end: mid, depth: node.depth + 1, g: bgl, h: bhl, hist: lh, id: lid });
      queue.push({ start: mid, end: node.end, depth: node.depth + 1, g: node.g - bgl, h: node.h - bhl, hist: rh, id: rid });
    }
    const tree: Tree = {
      feature: Int32Array.from(feature),
      threshold: Uint8Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
    trees.push(tree);
    gainPerTree.push(treeGain);
    // update scores of all rows (train and validation)
    for (let i = 0; i < n; i++) score[i]! += leafValue(tree, bins, i * p);
    if (nValid > 0) {
      let loss = 0;
      for (const i of validRows) {
        const s = score[i]!;
        loss += y[i]! > 0.5 ? softplus(-s) : softplus(s);
      }
      loss /= nValid;
      if (loss < bestLoss - 1e-9) {
        bestLoss = loss;
        bestRound = round + 1;
        since = 0;
      } else if (++since >= patience) break;
    } else bestRound = round + 1;
  }
  const kept = trees.slice(0, bestRound);
  for (let t = 0; t < kept.length; t++) for (let j = 0; j < p; j++) gain[j]! += gainPerTree[t]![j]!;
  let total = 0;
  for (let j = 0; j < p; j++) total += gain[j]!;
  if (total > 0) for (let j = 0; j < p; j++) gain[j]! /= total;
  return { kind: "gbdt", p, binning, baseScore, trees: kept, gain, bestRound, validationLoss: nValid > 0 ? bestLoss : null, validationRows: validRows };
}

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function leafValue(tree: Tree, bins: Uint8Array, base: number): number {
  let node = 0;
  while (tree.left[node]! >= 0) node = bins[base + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  return tree.value[node]!;
}

/** Churn probabilities for binned rows (Uint8Array n×p from applyBins with the model's binning). */
export function predictGbdtBinned(model: GbdtModel, bins: Uint8Array, n: number): Float64Array {
  const out = new Float64Array(n), p = model.p;
  for (let i = 0; i < n; i++) {
    let s = model.baseScore;
    for (const t of model.trees) s += leafValue(t, bins, i * p);
    out[i] = sigmoid(s);
  }
  return out;
}

export function predictGbdt(model: GbdtModel, x: Float64Array, n: number): Float64Array {
  return predictGbdtBinned(model, applyBins(model.binning, x, n), n);
}

/** Path contributions to the log-odds of one binned row: Σ over splits of value(child) − value(node). */
export function gbdtContributions(model: GbdtModel, binsRow: Uint8Array): Float64Array {
  const out = new Float64Array(model.p);
  for (const t of model.trees) {
    let node = 0;
    while (t.left[node]! >= 0) {
      const next = binsRow[t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
      out[t.feature[node]!]! += t.value[next]! - t.value[node]!;
      node = next;
    }
  }
  return out;
}
