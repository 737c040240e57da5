// Exact money (issue 15) and one returns convention (issue 9, item 6): no rounding residue
// decides a class, a filter or a fit's inclusion, and a return is never a purchase.

import { describe, expect, it } from "vitest";
import { cpm } from "../../src/analysis/cpm.js";
import { customerValue } from "../../src/analysis/customer-value.js";
import { deciles } from "../../src/analysis/deciles.js";
import { compareMoney, isReturnSql, minorUnitDigits, moneySign, netAmountSql } from "../../src/analysis/money.js";
import { summarySql } from "../../src/analysis/stats/rfm-summary.js";
import { createEngine } from "../../src/data/engine.js";
import { rfm } from "../../src/analysis/rfm.js";
import { churnSummary } from "../../src/analysis/churn-summary.js";
import type { Row } from "../../src/analysis/types.js";
import { createRng, type Rng } from "../../src/sample/random.js";
import { addDays } from "../../src/util/period.js";
import { runOnRows } from "../helpers/analysis.js";

describe("money comparisons", () => {
  it("treat anything within half a minor unit as zero, by currency", () => {
    expect([minorUnitDigits("USD"), minorUnitDigits("CNY"), minorUnitDigits("JPY"), minorUnitDigits("KWD")]).toEqual([2, 2, 0, 3]);
    expect(moneySign(-2.8e-17, "USD")).toBe(0);
    expect(moneySign(7e-15, "CNY")).toBe(0);
    expect(moneySign(0.004, "USD")).toBe(0);
    expect(moneySign(0.005, "USD")).toBe(1);
    expect(moneySign(-0.4, "JPY")).toBe(0);
    expect(moneySign(-0.6, "JPY")).toBe(-1);
    expect(moneySign(null, "USD")).toBe(0);
    expect(compareMoney(0.1 + 0.2, 0.3, "USD")).toBe(0);
  });
});

/**
 * Random baskets: customers "z…" buy items and return every one of them (net exactly 0 in
 * cents); customers "p…" buy and keep. Amounts like 0.1 + 0.2 − 0.3 leave double residue.
 */
function baskets(rng: Rng, n: number): Row[] {
  const rows: Row[] = [];
  const prices = [0.1, 0.2, 0.3, 0.7, 1.1, 2.2, 3.3, 19.99, 0.01];
  for (let c = 0; c < n; c++) {
    const zero = c % 2 === 0;
    const id = `${zero ? "z" : "p"}${String(c).padStart(3, "0")}`;
    let day = rng.int(0, 30);
    const bought: number[] = [];
    for (let k = rng.int(2, 6); k > 0; k--) {
      const date = addDays("2026-01-01", day);
      for (let item = rng.int(1, 3); item > 0; item--) {
        const price = prices[rng.int(0, prices.length - 1)]!;
        bought.push(price);
        rows.push({ customer_id: id, date, amount: price, quantity: 1 });
      }
      day += rng.int(3, 40);
    }
    if (zero) {
      // Returned in one or two lumps whose cents add up exactly to what was bought.
      const cents = Math.round(bought.reduce((a, b) => a + b, 0) * 100);
      const first = rng.int(1, cents);
      const date = addDays("2026-01-01", day + 1);
      rows.push({ customer_id: id, date, amount: -first / 100, quantity: -1 });
      if (cents - first > 0) rows.push({ customer_id: id, date: addDays(date, 2), amount: -(cents - first) / 100, quantity: -1 });
    }
  }
  return rows;
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe("net-zero customers are never negative, excluded or lost because of residue", () => {
  for (let seed = 1; seed <= 6; seed++) {
    it(`random baskets, seed ${seed}, in any row order`, async () => {
      const rng = createRng(seed);
      const rows = baskets(rng, 30);
      const orders = [rows, shuffle(rng, rows), [...rows].reverse()];
      const classes: string[] = [];
      for (const transactions of orders) {
        const value = await runOnRows(customerValue, { transactions }, {}, { period: "2026-10" });
        for (const c of value.tables.customers!) {
          if (String(c.customer_id).startsWith("z")) {
            expect(c.value, String(c.customer_id)).toBe(0);
            expect(c.class).not.toBe("negative_value");
          }
        }
        expect(value.scalars.negative_value_customers).toBe(0);
        classes.push(JSON.stringify(value.tables.customers!.map((c) => [c.customer_id, c.class])));

        const d = await runOnRows(deciles, { transactions }, {}, { period: "2026-10" });
        expect(d.notes?.some((n) => /negative/.test(n)) ?? false).toBe(false);

        const c = await runOnRows(cpm, { transactions }, {}, { period: "2026-10" });
        for (const r of c.tables.customers!) if (String(r.customer_id).startsWith("z")) expect(r.spend).toBe(0);
      }
      expect(new Set(classes).size).toBe(1);
    });
  }

  it("a net-zero repeat spend is exactly 0, never a residue that would enter the Gamma–Gamma fit", async () => {
    const rows = baskets(createRng(3), 40);
    const engine = await createEngine();
    await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE", quantity: "DOUBLE" }, shuffle(createRng(4), rows));
    const fields = { transactions: ["customer_id", "date", "amount", "quantity"] };
    const out = await engine.query(summarySql({ unit: "week", floor: "day", calibrationEnd: null, lastDay: "2026-10-31", amount: true, amountSql: netAmountSql({ fields }, "t"), returnSql: isReturnSql({ fields }, "t") }));
    engine.close();
    const repeatZero = out.filter((c) => String(c.customer_id).startsWith("z") && (c.frequency as number) > 0);
    expect(repeatZero.length).toBeGreaterThan(0);
    for (const c of out) {
      const m = c.monetary as number;
      expect(m === 0 || Math.abs(m) >= 0.005, `${c.customer_id}: ${m}`).toBe(true);
    }
  });
});

describe("returns convention", () => {
  const tx: Row[] = [
    { customer_id: "a", date: "2026-01-05", amount: 100, quantity: 1 },
    { customer_id: "a", date: "2026-03-10", amount: -40, quantity: -1 }, // a return-only day
    { customer_id: "b", date: "2026-01-05", amount: 50, quantity: 1 },
    { customer_id: "b", date: "2026-02-05", amount: 50, quantity: 1 },
  ];

  it("net subtracts returns from spend; exclude leaves them out; neither counts a return as a purchase", async () => {
    const net = await runOnRows(rfm, { transactions: tx }, {}, { period: "2026-03" });
    const excl = await runOnRows(rfm, { transactions: tx }, {}, { period: "2026-03", returns: "exclude" });
    const a = (r: typeof net) => r.tables.customers!.find((c) => c.customer_id === "a")!;
    expect(a(net).monetary).toBe(60);
    expect(a(excl).monetary).toBe(100);
    expect(a(net).frequency).toBe(1);
    expect(a(net).recency).toBe(85); // from the purchase on 2026-01-05, not the return
  });

  it("a return-only day is not a repeat purchase in the CLV summary", async () => {
    const engine = await createEngine();
    await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE", quantity: "DOUBLE" }, tx);
    const fields = { transactions: ["customer_id", "date", "amount", "quantity"] };
    const out = await engine.query(summarySql({ unit: "week", floor: "day", calibrationEnd: null, lastDay: "2026-03-31", amount: true, amountSql: netAmountSql({ fields }, "t"), returnSql: isReturnSql({ fields }, "t") }));
    engine.close();
    const a = out.find((c) => c.customer_id === "a")!;
    const b = out.find((c) => c.customer_id === "b")!;
    expect([a.frequency, a.recency]).toEqual([0, 0]);
    expect([b.frequency, b.monetary]).toEqual([1, 50]);
  });

  it("a return never keeps a customer active (inactivity churn)", async () => {
    // a buys on 2026-01-05 only; the return on 03-10 must not extend activity past 2026-04-05.
    // c's purchase in May carries the data past a's churn date (2026-04-05).
    const rows = [...tx, { customer_id: "c", date: "2026-05-20", amount: 10, quantity: 1 }];
    const r = await runOnRows(churnSummary, { transactions: rows }, {}, { period: "2026-04", churn: { kind: "inactivity", days: 90 } });
    expect(r.scalars.churned_customers).toBe(1);
  });
});
