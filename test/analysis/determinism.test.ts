// The same answer every run (issue 9, item 1): invoice line items give several rows per customer
// per day, and the activity spells must not depend on how those ties fall. For every analysis
// of the registry that runs on a transaction log (inactivity churn) or a subscription book:
// - shuffling the input rows, and repeating the run, gives byte-identical results;
// - for the spell-based analyses, splitting a transaction into several same-day rows (line
//   items) or duplicating a subscription's interval changes nothing either.

import { describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { createRng, type Rng } from "../../src/sample/random.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { addDays } from "../../src/util/period.js";
import { runOnRows } from "../helpers/analysis.js";

/** Analyses defined on activity spells: their numbers depend only on purchase days / intervals. */
const spellBased = ["churn-summary", "churn-trend", "leaky-bucket", "early-churn", "cohort-retention", "survival", "hazard", "cox"];

function customers(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({ customer_id: `c${String(i).padStart(3, "0")}`, signup_date: addDays("2025-01-01", (i * 37) % 300), region: ["north", "south", "east"][i % 3]!, plan: ["basic", "pro"][i % 2]! }));
}

/** A transaction log with purchases in cents, some returns, and several customers buying twice a day. */
function transactions(rng: Rng, n: number): Row[] {
  const rows: Row[] = [];
  for (let c = 0; c < n; c++) {
    let day = rng.int(0, 200);
    for (let k = rng.int(1, 8); k > 0 && day < 540; k--) {
      const date = addDays("2025-01-01", day);
      const cents = rng.int(100, 20000);
      rows.push({ customer_id: `c${String(c).padStart(3, "0")}`, date, amount: cents / 100, quantity: rng.int(1, 3) });
      if (rng.next() < 0.15) rows.push({ customer_id: `c${String(c).padStart(3, "0")}`, date: addDays(date, rng.int(1, 20)), amount: -cents / 100, quantity: -1 });
      day += rng.next() < 0.2 ? rng.int(100, 200) : rng.int(5, 60);
    }
  }
  return rows;
}

/** The same purchases as line items: each purchase split into 1–3 same-day rows (amounts in cents). */
function lineItems(rng: Rng, rows: Row[]): Row[] {
  return rows.flatMap((r) => {
    const cents = Math.round((r.amount as number) * 100);
    if (cents <= 2 || rng.next() < 0.4) return [r];
    const cut = rng.int(1, cents - 1);
    return [{ ...r, amount: cut / 100 }, { ...r, amount: (cents - cut) / 100 }];
  });
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Results as text with numbers rounded to 9 significant digits (money split into line items is re-summed). */
function rounded(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v));
}

/** The result as JSON, or the user error it gives (which must be the same every run); null when the analysis needs other data. */
async function run(id: string, data: Parameters<typeof runOnRows>[1], churn: AnalysisContext["churn"]): Promise<string | null> {
  try {
    return JSON.stringify(await runOnRows(registry.get(id)!, data, {}, { period: "2026-03", churn }));
  } catch (e) {
    if (!isChurnbookError(e)) throw e;
    return /^missing-/.test(e.code) ? null : `error ${e.code}: ${e.message}`;
  }
}

describe("determinism on line-item data (inactivity churn)", () => {
  const rng = createRng(11);
  const base = { customers: customers(40), transactions: transactions(rng, 40) };
  const churn = { kind: "inactivity", days: 90 } as const;

  for (const id of registry.keys()) {
    it(`${id}: shuffled rows and a repeated run give identical results`, { timeout: 60_000 }, async () => {
      const first = await run(id, base, churn);
      if (first === null) return; // the analysis needs other data (subscriptions, lifetimes…)
      expect(await run(id, base, churn)).toBe(first);
      const r = createRng(5);
      expect(await run(id, { customers: shuffle(r, base.customers), transactions: shuffle(r, base.transactions) }, churn)).toBe(first);
    });
  }

  for (const id of spellBased) {
    it(`${id}: several same-day rows per purchase (line items) change nothing`, { timeout: 60_000 }, async () => {
      const first = await run(id, base, churn);
      expect(first).not.toBeNull();
      const r = createRng(7);
      const split = await run(id, { customers: base.customers, transactions: shuffle(r, lineItems(r, base.transactions)) }, churn);
      expect(rounded(JSON.parse(split!))).toBe(rounded(JSON.parse(first!)));
    });
  }
});

describe("determinism on a subscription book with duplicated intervals", () => {
  const rng = createRng(3);
  const subs: Row[] = [];
  for (let c = 0; c < 40; c++) {
    let day = rng.int(0, 200);
    for (let k = rng.int(1, 4); k > 0; k--) {
      const start = addDays("2025-01-01", day);
      const length = rng.int(20, 200);
      subs.push({ customer_id: `c${String(c).padStart(3, "0")}`, start_date: start, end_date: k === 1 && rng.next() < 0.4 ? null : addDays(start, length), mrr: rng.int(1, 10) * 50, plan: ["basic", "pro"][c % 2]! });
      day += rng.next() < 0.5 ? length : length + rng.int(1, 90);
    }
  }
  const churn = { kind: "subscriptions" } as const;
  const base = { customers: customers(40), subscriptions: subs };

  for (const id of registry.keys()) {
    it(`${id}: shuffled rows and a repeated run give identical results`, { timeout: 60_000 }, async () => {
      const first = await run(id, base, churn);
      if (first === null) return;
      expect(await run(id, base, churn)).toBe(first);
      const r = createRng(9);
      expect(await run(id, { customers: shuffle(r, base.customers), subscriptions: shuffle(r, base.subscriptions) }, churn)).toBe(first);
    });
  }
});
