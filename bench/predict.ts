// Benchmark of the churn models: 100,000 synthetic customers × 40 features; times the
// logistic regression (IRLS) and the histogram GBDT (100 rounds, depth 6). Run with
// `npx tsx bench/predict.ts` (the budget: logistic in seconds, GBDT under a minute).

import { fitGbdt, predictGbdt, seededRandom } from "../src/analysis/predict/gbdt.js";
import { fitLogistic, predictLogistic } from "../src/analysis/predict/logistic.js";
import { rocAuc } from "../src/analysis/predict/metrics.js";

const n = Number(process.env.BENCH_ROWS ?? 100_000), p = 40;
const rand = seededRandom(2026);
const x = new Float64Array(n * p), y = new Float64Array(n);
const beta = Array.from({ length: p }, (_, j) => (j < 10 ? 0.6 - 0.12 * j : 0));
for (let i = 0; i < n; i++) {
  let eta = -1.2;
  for (let j = 0; j < p; j++) {
    // a mix of continuous, count-like and binary columns
    const v = j % 4 === 0 ? Math.floor(rand() * 12) : j % 4 === 1 ? (rand() < 0.3 ? 1 : 0) : rand() * 2 - 1 + (rand() - 0.5);
    x[i * p + j] = v;
    eta += beta[j]! * (j % 4 === 0 ? v / 6 - 1 : v);
  }
  eta += 0.8 * Math.sin(3 * x[i * p + 2]!); // a non-linearity for the trees
  y[i] = rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
}

function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return out;
}

console.log(`${n} customers × ${p} features`);
const lr = time("logistic regression (IRLS)", () => fitLogistic(x, y, n, p));
console.log(`  converged ${lr.converged} in ${lr.iterations} iterations; in-sample AUC ${rocAuc(y, predictLogistic(lr, x, n))!.toFixed(4)}`);
const gb = time("GBDT 100 rounds, depth 6", () => fitGbdt(x, y, n, p, { rounds: 100, depth: 6, learningRate: 0.1, minLeaf: 20, validationFraction: 0 }));
console.log(`  ${gb.trees.length} trees; in-sample AUC ${rocAuc(y, predictGbdt(gb, x, n))!.toFixed(4)}`);
