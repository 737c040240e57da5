import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/engine.js";
import { spellsSql } from "../../src/analysis/sql/spells.js";

describe("spells", () => {
  it("merges overlapping and back-to-back subscriptions, splits on gaps", async () => {
    const engine = await createEngine();
    await engine.loadRows("subscriptions", { customer_id: "VARCHAR", start_date: "DATE", end_date: "DATE" }, [
      { customer_id: "a", start_date: "2026-01-01", end_date: "2026-02-01" },
      { customer_id: "a", start_date: "2026-02-01", end_date: "2026-03-15" }, // back-to-back: same spell
      { customer_id: "a", start_date: "2026-03-01", end_date: "2026-03-10" }, // inside: same spell
      { customer_id: "a", start_date: "2026-05-01", end_date: null }, // after a gap: reactivation
      { customer_id: "b", start_date: "2026-04-01", end_date: "2026-04-01" }, // empty: ignored
      { customer_id: "c", start_date: "2026-04-01", end_date: null },
    ]);
    const rows = await engine.query(`SELECT * FROM ${spellsSql({ churn: { kind: "subscriptions" } })} ORDER BY customer_id, spell_no`);
    expect(rows).toEqual([
      { customer_id: "a", spell_no: 1, start_date: "2026-01-01", end_date: "2026-03-15" },
      { customer_id: "a", spell_no: 2, start_date: "2026-05-01", end_date: null },
      { customer_id: "c", spell_no: 1, start_date: "2026-04-01", end_date: null },
    ]);
    engine.close();
  });

  it("turns transactions into inactivity spells", async () => {
    const engine = await createEngine();
    await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE" }, [
      { customer_id: "a", date: "2026-01-01", amount: 1 },
      { customer_id: "a", date: "2026-02-15", amount: 1 }, // within 90 days: same spell
      { customer_id: "a", date: "2026-09-01", amount: 1 }, // > 90 days after 2026-02-15: new spell
    ]);
    const rows = await engine.query(`SELECT * FROM ${spellsSql({ churn: { kind: "inactivity", days: 90 } })} ORDER BY spell_no`);
    expect(rows).toEqual([
      { customer_id: "a", spell_no: 1, start_date: "2026-01-01", end_date: "2026-05-16" },
      { customer_id: "a", spell_no: 2, start_date: "2026-09-01", end_date: "2026-11-30" },
    ]);
    engine.close();
  });
});

describe("spells with past-due grace days", () => {
  it("continues a spell across a lapse shorter than the grace and recognises churn after it", async () => {
    const engine = await createEngine();
    await engine.loadRows("subscriptions", { customer_id: "VARCHAR", start_date: "DATE", end_date: "DATE" }, [
      { customer_id: "a", start_date: "2026-01-01", end_date: "2026-02-01" },
      { customer_id: "a", start_date: "2026-02-10", end_date: "2026-03-01" }, // 9-day lapse < 14: same spell
      { customer_id: "b", start_date: "2026-01-01", end_date: "2026-02-01" },
      { customer_id: "b", start_date: "2026-03-01", end_date: null }, // 28-day lapse > 14: reactivation
    ]);
    const rows = await engine.query(`SELECT * FROM ${spellsSql({ churn: { kind: "subscriptions", graceDays: 14 } })} ORDER BY customer_id, spell_no`);
    expect(rows).toEqual([
      { customer_id: "a", spell_no: 1, start_date: "2026-01-01", end_date: "2026-03-15" },
      { customer_id: "b", spell_no: 1, start_date: "2026-01-01", end_date: "2026-02-15" },
      { customer_id: "b", spell_no: 2, start_date: "2026-03-01", end_date: null },
    ]);
    engine.close();
  });
});

describe("spells with churn recognised at cancellation", () => {
  it("ends a subscription on its cancellation date when that comes before the end of the paid period", async () => {
    const engine = await createEngine();
    await engine.loadRows("subscriptions", { customer_id: "VARCHAR", start_date: "DATE", end_date: "DATE", cancel_date: "DATE" }, [
      { customer_id: "a", start_date: "2026-01-01", end_date: "2026-12-31", cancel_date: "2026-03-10" }, // annual plan cancelled in March
      { customer_id: "b", start_date: "2026-01-01", end_date: null, cancel_date: "2026-05-01" }, // open-ended, cancelled
      { customer_id: "c", start_date: "2026-01-01", end_date: "2026-06-01", cancel_date: null }, // not cancelled: ends when paid period ends
    ]);
    const sql = (recognition: "period_end" | "cancellation") => `SELECT customer_id, end_date FROM ${spellsSql({ churn: { kind: "subscriptions", recognition } })} ORDER BY customer_id`;
    expect(await engine.query(sql("cancellation"))).toEqual([
      { customer_id: "a", end_date: "2026-03-10" },
      { customer_id: "b", end_date: "2026-05-01" },
      { customer_id: "c", end_date: "2026-06-01" },
    ]);
    expect(await engine.query(sql("period_end"))).toEqual([
      { customer_id: "a", end_date: "2026-12-31" },
      { customer_id: "b", end_date: null },
      { customer_id: "c", end_date: "2026-06-01" },
    ]);
    engine.close();
  });
});

describe("spells on line items (several identical intervals per customer)", () => {
  it("never overlap and are the same whatever the row order", async () => {
    // 2,000 customers × 12 purchase days × 4 line items: enough rows for DuckDB to sort the
    // windows in parallel, where tied rows used to fall on either side of a spell boundary.
    const rows: { customer_id: string; date: string; amount: number }[] = [];
    for (let c = 0; c < 2000; c++) {
      let day = (c * 7) % 60;
      for (let k = 0; k < 12; k++) {
        day += k % 4 === 3 ? 120 : 20 + ((c + k) % 30);
        const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
        for (let item = 0; item < 4; item++) rows.push({ customer_id: `c${c}`, date, amount: 10 + item });
      }
    }
    const spellsOf = async (input: typeof rows) => {
      const engine = await createEngine();
      await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE" }, input);
      const out = await engine.query(`SELECT * FROM ${spellsSql({ churn: { kind: "inactivity", days: 90 }, fields: { transactions: ["customer_id", "date", "amount"] } })} ORDER BY customer_id, spell_no`);
      const overlaps = await engine.query(`
        WITH s AS (SELECT * FROM ${spellsSql({ churn: { kind: "inactivity", days: 90 } })})
        SELECT count(*) AS n FROM s a JOIN s b ON a.customer_id = b.customer_id AND a.spell_no < b.spell_no AND (a.end_date IS NULL OR a.end_date >= b.start_date)`);
      engine.close();
      return { out, overlaps: Number(overlaps[0]!.n) };
    };
    const first = await spellsOf(rows);
    expect(first.overlaps).toBe(0);
    // Each customer: 120-day gaps (> 90) before purchases 4, 8 and 12 → 4 spells.
    expect(first.out.length).toBe(2000 * 4);
    const reversed = await spellsOf([...rows].reverse());
    expect(reversed.out).toEqual(first.out);
  }, 60_000);
});
