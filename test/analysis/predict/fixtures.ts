// Test fixtures for the prediction analyses: the IBM Telco table as `customers` rows
// (customerID → customer_id, Churn → churned as a boolean; numeric columns as numbers,
// blanks as null), and a small synthetic subscription company.

import { readFileSync } from "node:fs";
import type { Row } from "../../../src/analysis/types.js";
import { referenceFile } from "../../helpers/reference.js";

export function telcoRows(): Row[] {
  const text = readFileSync(referenceFile("telco", "Telco-Customer-Churn.csv"), "utf8");
  const lines = text.trim().split(/\r?\n/);
  const head = lines[0]!.split(",");
  return lines.slice(1).map((line) => {
    const v = line.split(",");
    const row: Row = {};
    head.forEach((h, i) => {
      const raw = v[i]!;
      if (h === "customerID") row.customer_id = raw;
      else if (h === "Churn") row.churned = raw === "Yes";
      else if (raw.trim() === "") row[h] = null;
      else if (/^-?\d+(\.\d+)?$/.test(raw)) row[h] = Number(raw);
      else row[h] = raw;
    });
    return row;
  });
}

/** A seeded PRNG for fixtures. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function iso(t: number): string {
  return new Date(t * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A synthetic subscription company: `n` customers signing up over 2024–2026, monthly
 * subscriptions, tickets (complaints raise churn), usage (low usage raises churn), plans.
 * Returns the role tables for runOnRows.
 */
export function syntheticCompany(n = 400, seed = 7): { customers: Row[]; subscriptions: Row[]; tickets: Row[]; usage: Row[]; transactions: Row[] } {
  const r = rng(seed);
  const day0 = Date.parse("2024-01-01") / 86_400_000;
  const last = Date.parse("2026-11-01") / 86_400_000;
  const customers: Row[] = [], subscriptions: Row[] = [], tickets: Row[] = [], usage: Row[] = [], transactions: Row[] = [];
  const plans = ["Basic", "Pro", "Enterprise"];
  const regions = ["East", "North", "South", "West"];
  for (let c = 0; c < n; c++) {
    const id = `C${String(c).padStart(4, "0")}`;
    const start = day0 + Math.floor(r() * (last - day0 - 60));
    const plan = plans[Math.floor(r() * 3)]!;
    const region = regions[Math.floor(r() * 4)]!;
    const engaged = r(); // latent: low engagement → more churn, less usage, more complaints
    const mrr = plan === "Basic" ? 30 : plan === "Pro" ? 120 : 600;
    customers.push({ customer_id: id, signup_date: iso(start), plan, region });
    // monthly hazard
    const hazard = 0.01 + 0.12 * (1 - engaged) ** 2 + (plan === "Basic" ? 0.02 : 0);
    let end: number | null = null;
    for (let m = start + 30; m < last; m += 30) if (r() < hazard) { end = m; break; }
    subscriptions.push({ customer_id: id, start_date: iso(start), end_date: end === null ? null : iso(end), mrr, plan });
    const stop = end ?? last;
    for (let m = start; m < stop; m += 30) {
      usage.push({ customer_id: id, date: iso(m + 5), count: Math.round(40 * engaged + 5 * r()) });
      transactions.push({ customer_id: id, date: iso(m), amount: mrr, cost: mrr * 0.4 });
      if (r() < 0.05 + 0.3 * (1 - engaged)) {
        const d = m + Math.floor(r() * 25);
        tickets.push({ customer_id: id, date: iso(d), category: "bug", satisfaction: 1 + Math.round(4 * engaged * r() + engaged), resolved_date: iso(d + 1 + Math.floor(r() * 10)) });
      }
    }
  }
  return { customers, subscriptions, tickets, usage, transactions };
}
