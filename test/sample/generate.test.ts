import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { roles } from "../../src/data/roles.js";
import { generateCompany, type SampleCompany } from "../../src/sample/generate.js";
import { Rng } from "../../src/sample/random.js";
import { createEngine, quoteLiteral } from "../../src/data/engine.js";
import { csvField, sampleColumns, sampleDataCommand, sampleDataParquetCommand, sampleParquetTypes, writeCompany } from "../../src/sample/write.js";
import { ChurnbookError } from "../../src/util/errors.js";

const tmp = mkdtempSync(join(tmpdir(), "churnbook-sample-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = { start: "2024-01-01", end: "2026-11-01" };
const company = generateCompany({ seed: 11, customers: 2000, ...base });

function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

interface Spell {
  customer_id: string;
  start: string;
  end: string | null;
}

/** Back-to-back subscription segments merged into activity spells. */
function spells(c: SampleCompany): Spell[] {
  const out: Spell[] = [];
  let cur: Spell | undefined;
  for (const s of c.subscriptions) {
    if (cur && cur.customer_id === s.customer_id && cur.end === s.start_date) cur.end = s.end_date;
    else {
      if (cur) out.push(cur);
      cur = { customer_id: s.customer_id, start: s.start_date, end: s.end_date };
    }
  }
  if (cur) out.push(cur);
  return out;
}

function monthStarts(start: string, end: string): string[] {
  const out: string[] = [];
  let y = Number(start.slice(0, 4));
  let m = Number(start.slice(5, 7));
  for (;;) {
    const s = `${y}-${String(m).padStart(2, "0")}-01`;
    if (s >= end) return out;
    out.push(s);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(date + "T00:00:00Z") + days * 86_400_000).toISOString().slice(0, 10);
}

describe("random", () => {
  it("is deterministic and uniform enough", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(new Rng(43).next()).not.toBe(new Rng(42).next());
  });
});

describe("generateCompany", () => {
  it("is deterministic: same seed → byte-identical files, different seed → different", () => {
    const again = generateCompany({ seed: 11, customers: 2000, ...base });
    expect(again).toEqual(company);
    writeCompany(company, join(tmp, "a"));
    writeCompany(again, join(tmp, "b"));
    const a = readDir(join(tmp, "a"));
    expect(Object.keys(a)).toEqual(["churn_events.csv", "customers.csv", "subscriptions.csv", "tickets.csv", "transactions.csv", "usage.csv"]);
    expect(readDir(join(tmp, "b"))).toEqual(a);
    const other = generateCompany({ seed: 12, customers: 2000, ...base });
    expect(other.transactions).not.toEqual(company.transactions);
  });

  it("keeps referential integrity", () => {
    const ids = new Set(company.customers.map((c) => c.customer_id));
    expect(ids.size).toBe(2000);
    for (const t of ["subscriptions", "transactions", "tickets", "churn_events", "usage"] as const) {
      expect(company[t].filter((r) => !ids.has(r.customer_id))).toEqual([]);
    }
    const subIds = new Set(company.subscriptions.map((s) => s.subscription_id));
    expect(subIds.size).toBe(company.subscriptions.length);

    const byCustomer = new Map<string, typeof company.subscriptions>();
    const badSubs = company.subscriptions.filter(
      (s) => !(s.start_date >= base.start && s.start_date < base.end && (s.end_date === null || (s.end_date > s.start_date && s.end_date < base.end)) && s.mrr > 0),
    );
    expect(badSubs).toEqual([]);
    for (const s of company.subscriptions) {
      const list = byCustomer.get(s.customer_id) ?? [];
      list.push(s);
      byCustomer.set(s.customer_id, list);
    }
    const firstStart = new Map<string, string>();
    for (const [id, list] of byCustomer) {
      list.sort((x, y) => (x.start_date < y.start_date ? -1 : 1));
      firstStart.set(id, list[0]!.start_date);
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1]!;
        if (prev.end_date === null || list[i]!.start_date < prev.end_date) throw new Error(`overlapping subscriptions of ${id}`);
      }
    }
    expect(company.customers.filter((c) => firstStart.get(c.customer_id) !== c.signup_date)).toEqual([]);

    // Each churn event ends a spell (no segment starts that day); the last spell's end is the last churn.
    const sp = spells(company);
    const ends = new Set(sp.filter((s) => s.end !== null).map((s) => `${s.customer_id}|${s.end}`));
    const churnKeys = company.churn_events.map((e) => `${e.customer_id}|${e.date}`);
    expect(new Set(churnKeys).size).toBe(churnKeys.length);
    expect(new Set(churnKeys)).toEqual(ends);
    const lastSpell = new Map<string, Spell>();
    for (const s of sp) lastSpell.set(s.customer_id, s);
    const lastChurn = new Map<string, string>();
    for (const e of company.churn_events) if ((lastChurn.get(e.customer_id) ?? "") < e.date) lastChurn.set(e.customer_id, e.date);
    for (const [id, s] of lastSpell) if (s.end !== null) expect(lastChurn.get(id)).toBe(s.end);

    // Reactivations exist and come after a gap of at least a month.
    const reactivations = sp.filter((s, i) => i > 0 && sp[i - 1]!.customer_id === s.customer_id);
    expect(reactivations.length).toBeGreaterThan(10);
    expect(sp.filter((s, i) => i > 0 && sp[i - 1]!.customer_id === s.customer_id && s.start < shiftDays(sp[i - 1]!.end!, 28))).toEqual([]);

    // Invoices and usage fall inside the customer's spells; tickets within the data range.
    expect(company.transactions.filter((t) => !(t.date >= base.start && t.date < base.end && t.amount > 0 && t.cost >= 0))).toEqual([]);
    expect(
      company.tickets.filter(
        (t) =>
          !(t.date >= base.start && t.date < base.end) ||
          (t.resolved_date !== null && (t.resolved_date < t.date || t.resolved_date >= base.end)) ||
          (t.satisfaction !== null && ![1, 2, 3, 4, 5].includes(t.satisfaction)),
      ),
    ).toEqual([]);
  });

  it("has the vocabulary of the domain", () => {
    const values = <K extends string>(rows: Record<K, unknown>[], k: K) => new Set(rows.map((r) => r[k]));
    expect(values(company.churn_events, "reason")).toEqual(new Set(["price", "service", "product", "competition", "other"]));
    expect(values(company.churn_events, "type")).toEqual(new Set(["voluntary", "involuntary"]));
    const subtypes: Record<string, string[]> = { voluntary: ["natural", "competitive", "fault"], involuntary: ["non_malicious", "retaliatory", "malicious"] };
    expect(company.churn_events.filter((e) => !subtypes[e.type]!.includes(e.subtype))).toEqual([]);
    expect(values(company.tickets, "category")).toEqual(new Set(["billing", "bug", "how_to", "outage", "feature_request"]));
    expect(values(company.customers, "plan")).toEqual(new Set(["Basic", "Pro", "Enterprise"]));
    expect(values(company.customers, "channel")).toEqual(new Set(["organic", "paid_search", "partner", "referral", "outbound"]));
    expect(company.customers.filter((c) => c.name.includes("<script>alert(1)</script>"))).toHaveLength(1);
    expect(company.customers.some((c) => c.name.includes("&"))).toBe(true);
    expect(company.customers.some((c) => c.name.includes("'"))).toBe(true);
    // Some customers cost more to serve than they pay.
    const value = new Map<string, number>();
    for (const t of company.transactions) value.set(t.customer_id, (value.get(t.customer_id) ?? 0) + t.amount - t.cost);
    const negative = [...value.values()].filter((v) => v < 0).length;
    expect(negative).toBeGreaterThan(10);
    expect(negative).toBeLessThan(value.size / 5);
  });

  it("has a plausible monthly churn rate", () => {
    const sp = spells(company);
    let active = 0;
    let churned = 0;
    const months = monthStarts("2024-07-01", base.end);
    for (let i = 0; i < months.length; i++) {
      const b = months[i]!;
      const e = months[i + 1] ?? base.end;
      for (const s of sp) {
        if (s.start < b && (s.end === null || s.end >= b)) active++;
        if (s.end !== null && s.end >= b && s.end < e) churned++;
      }
    }
    const rate = churned / active;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.06);
  });

  it("churns more after many recent tickets, after the price rise and in the first months", () => {
    const ticketsBy = new Map<string, string[]>();
    for (const t of company.tickets) {
      const list = ticketsBy.get(t.customer_id) ?? [];
      list.push(t.date);
      ticketsBy.set(t.customer_id, list);
    }
    const stats = { none: [0, 0], many: [0, 0] };
    const sp = spells(company);
    const months = monthStarts(base.start, base.end);
    for (const s of sp) {
      const ts = ticketsBy.get(s.customer_id) ?? [];
      for (let i = 0; i + 1 < months.length; i++) {
        const b = months[i]!;
        if (!(s.start < b && (s.end === null || s.end >= b))) continue;
        const from = shiftDays(b, -90);
        const n = ts.filter((d) => d >= from && d < b).length;
        const churned = s.end !== null && s.end >= b && s.end < months[i + 1]! ? 1 : 0;
        const bucket = n === 0 ? stats.none : n >= 3 ? stats.many : undefined;
        if (bucket) {
          bucket[0]!++;
          bucket[1]! += churned;
        }
      }
    }
    const rateNone = stats.none[1]! / stats.none[0]!;
    const rateMany = stats.many[1]! / stats.many[0]!;
    expect(stats.many[0]).toBeGreaterThan(200);
    expect(rateMany).toBeGreaterThan(1.5 * rateNone);

    // The Basic price rise produces a spike of price churn in the following months.
    const priceByMonth = new Map<string, number>();
    for (const e of company.churn_events) if (e.reason === "price") priceByMonth.set(e.date.slice(0, 7), (priceByMonth.get(e.date.slice(0, 7)) ?? 0) + 1);
    const rise = company.events.priceRise.date;
    const after = [1, 2, 3].map((k) => monthStarts(rise, "2100-01-01")[k]!.slice(0, 7)).reduce((s, m) => s + (priceByMonth.get(m) ?? 0), 0);
    const before = [3, 4, 5].map((k) => shiftDays(rise, -30 * k).slice(0, 7)).reduce((s, m) => s + (priceByMonth.get(m) ?? 0), 0);
    expect(after).toBeGreaterThan(3 * Math.max(1, before));

    // Early churn: spells that end within 3 months are over-represented.
    const closed = sp.filter((s) => s.end !== null);
    const early = closed.filter((s) => s.end! < shiftDays(s.start, 92)).length;
    expect(early / closed.length).toBeGreaterThan(0.15);
  });
});

describe("language", () => {
  const zh = generateCompany({ seed: 11, customers: 2000, ...base, language: "zh" });
  const zhPlan: Record<string, string> = { 基础版: "Basic", 专业版: "Pro", 企业版: "Enterprise" };

  it("defaults to English", () => {
    expect(company.language).toBe("en");
    expect(generateCompany({ seed: 11, customers: 2000, ...base, language: "en" })).toEqual(company);
  });

  it("writes region, industry, plan, channel and company names in Chinese", () => {
    const asciiWord = /^[A-Za-z_ ]+$/;
    for (const k of ["region", "industry", "plan", "channel"] as const) {
      const vals = new Set(zh.customers.map((c) => c[k]));
      expect([...vals].filter((v) => asciiWord.test(v) || !/[\u4e00-\u9fff]/.test(v)), k).toEqual([]);
    }
    expect(new Set(zh.customers.map((c) => c.plan))).toEqual(new Set(["基础版", "专业版", "企业版"]));
    expect(new Set(zh.subscriptions.map((s) => s.plan))).toEqual(new Set(["基础版", "专业版", "企业版"]));
    expect(new Set(zh.customers.map((c) => c.channel))).toEqual(new Set(["自然流量", "付费搜索", "合作伙伴", "客户推荐", "电话销售"]));
    expect(new Set(zh.customers.map((c) => c.industry))).toEqual(new Set(["零售", "制造", "物流", "医疗", "教育", "金融", "软件", "传媒"]));
    // Company sizes stay numeric bands.
    expect(zh.customers.map((c) => c.company_size)).toEqual(company.customers.map((c) => c.company_size));
    expect(zh.events.priceRise.plan).toBe("基础版");
    // Unique, realistic names; the escaping probes survive.
    const names = zh.customers.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.includes("<script>alert(1)</script>"))).toHaveLength(1);
    expect(names.some((n) => n.includes("&"))).toBe(true);
    const ordinary = names.filter((n) => !n.includes("<script>"));
    expect(ordinary.filter((n) => !/^[\u4e00-\u9fff&]+有限公司$/.test(n) && !/分公司|营业部/.test(n))).toEqual([]);
  });

  it("does not change the simulation: the same seed gives the same events in every language", () => {
    for (const t of ["transactions", "tickets", "churn_events", "usage"] as const) expect(zh[t], t).toEqual(company[t]);
    expect(zh.subscriptions.map((s) => ({ ...s, plan: zhPlan[s.plan] }))).toEqual(company.subscriptions);
    const strip = (c: SampleCompany["customers"][number]) => ({ customer_id: c.customer_id, signup_date: c.signup_date, company_size: c.company_size });
    expect(zh.customers.map(strip)).toEqual(company.customers.map(strip));
    expect(zh.customers.map((c) => zhPlan[c.plan])).toEqual(company.customers.map((c) => c.plan));
    // The codes the analyses localise stay canonical English.
    expect(new Set(zh.tickets.map((t) => t.category))).toEqual(new Set(["billing", "bug", "how_to", "outage", "feature_request"]));
    expect(new Set(zh.churn_events.map((e) => e.reason))).toEqual(new Set(["price", "service", "product", "competition", "other"]));
    expect(generateCompany({ seed: 11, customers: 2000, ...base, language: "zh" })).toEqual(zh);
  });

  it("writes the event tables byte-identically across languages", () => {
    const out = join(tmp, "zh");
    sampleDataCommand({ seed: 11, customers: 2000, out, ...base, language: "zh" });
    const files = readDir(out);
    const en = readDir(join(tmp, "a"));
    for (const f of ["transactions.csv", "tickets.csv", "churn_events.csv", "usage.csv"]) expect(files[f], f).toBe(en[f]);
    expect(files["subscriptions.csv"]!.replace(/,(基础版|专业版|企业版),/g, (_, p: string) => "," + zhPlan[p] + ",")).toBe(en["subscriptions.csv"]);
    expect(files["customers.csv"]).toContain("测试账户 <script>alert(1)</script>");
    expect(readFileSync(join(out, "customers.csv")).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false); // no BOM
  });

  it("rejects an unknown language", () => {
    expect(() => generateCompany({ seed: 1, customers: 10, ...base, language: "fr" as never })).toThrow(ChurnbookError);
  });
});

describe("CSV output", () => {
  it("uses the canonical field names and RFC 4180 quoting", () => {
    for (const [table, columns] of Object.entries(sampleColumns)) {
      const canonical = Object.keys(roles[table as keyof typeof roles]).filter((f) => f !== "churned");
      for (const f of canonical) expect(columns).toContain(f);
    }
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("x\ny")).toBe('"x\ny"');
    expect(csvField(null)).toBe("");
    expect(csvField(1.005 + 2)).toBe("3.01");
    expect(csvField(12.3456)).toBe("12.35");
    expect(csvField(-0)).toBe("0");

    const files = readDir(join(tmp, "a"));
    for (const [name, text] of Object.entries(files)) {
      expect(text.endsWith("\n")).toBe(true);
      expect(text).not.toContain("\r");
      const [header, ...rows] = text.trimEnd().split("\n");
      expect(header).toBe(sampleColumns[name.replace(".csv", "") as keyof typeof sampleColumns].join(","));
      if (name !== "customers.csv") for (const r of rows.slice(0, 500)) expect(r).toMatch(/^[\w.,-]*$/);
    }
    expect(files["customers.csv"]).toContain("Test Account <script>alert(1)</script>");
    expect(files["transactions.csv"]).not.toMatch(/\.\d{3}/);
    expect(files["subscriptions.csv"]).toMatch(/,\d{4}-\d{2}-\d{2},,\d+,/); // open subscriptions: empty end_date
    expect(readdirSync(join(tmp, "a")).some((f) => f.includes("tmp"))).toBe(false);
  });

  it("streams through sampleDataCommand with the same bytes as writeCompany", () => {
    const out = join(tmp, "cmd");
    const summary = sampleDataCommand({ seed: 11, customers: 2000, out, ...base });
    expect(summary.files.map((f) => f.name)).toEqual(["customers.csv", "subscriptions.csv", "transactions.csv", "tickets.csv", "churn_events.csv", "usage.csv"]);
    expect(summary.files.find((f) => f.name === "transactions.csv")!.rows).toBe(company.transactions.length);
    expect(readDir(out)).toEqual(readDir(join(tmp, "a")));
  });

  it("rejects bad options with a ChurnbookError", () => {
    expect(() => generateCompany({ seed: 1, customers: 0, ...base })).toThrow(ChurnbookError);
    expect(() => generateCompany({ seed: 1, customers: 10, start: "2024-01-15", end: base.end })).toThrow(ChurnbookError);
    expect(() => generateCompany({ seed: 1, customers: 10, start: "2024-01-01", end: "2023-12-01" })).toThrow(ChurnbookError);
    expect(() => generateCompany({ seed: 1, customers: 10, start: "2024-13-01", end: base.end })).toThrow(ChurnbookError);
  });
});

describe("Parquet output", () => {
  it("writes the same rows as the generator, typed, and leaves no staging files", async () => {
    const out = join(tmp, "parquet");
    const small = generateCompany({ seed: 11, customers: 300, ...base, language: "zh" });
    const summary = await sampleDataParquetCommand({ seed: 11, customers: 300, out, ...base, language: "zh" });
    expect(readdirSync(out).sort()).toEqual(["churn_events.parquet", "customers.parquet", "subscriptions.parquet", "tickets.parquet", "transactions.parquet", "usage.parquet"]);
    const engine = await createEngine();
    try {
      for (const t of Object.keys(sampleColumns) as (keyof typeof sampleColumns)[]) {
        const file = quoteLiteral(join(out, `${t}.parquet`));
        expect(summary.files.find((f) => f.name === `${t}.parquet`)!.rows, t).toBe(small[t].length);
        // Row for row in generation order: dates as ISO text, missing values null, money to the cent.
        expect(await engine.query(`SELECT * FROM read_parquet(${file})`), t).toEqual(small[t].map((r) => ({ ...r })));
        const types = await engine.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${file}))`);
        expect(Object.fromEntries(types.map((r) => [r.column_name, r.column_type])), t).toEqual(sampleParquetTypes[t]);
      }
    } finally {
      engine.close();
    }
  });
});
