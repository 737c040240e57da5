// The sample-company generator: a seeded, month-by-month simulation of a subscription
// business, written in the canonical role vocabulary of src/data/roles.ts.
//
// Every customer is billed monthly on the day of the month they signed up (1–28). In each
// billing cycle they use the product (usage), open tickets, pay an invoice (transactions),
// and at the end of the cycle may change plan/seats (a new subscription segment) or churn.
// Churn is a sum of cause-specific monthly hazards, so reasons and types follow their causes:
//   natural (closing down)              → voluntary / natural,     reason other
//   competition                         → voluntary / competitive, reason competition
//   price (spike after the Basic price rise) → voluntary / competitive (or natural), reason price
//   service (recent tickets, low ratings, the outage) → voluntary / fault or involuntary / retaliatory, reason service
//   product (usage decline, low usage)  → voluntary / fault, competitive or natural, reason product
//   payment failures                    → involuntary / non_malicious, reason other
//   fraud / bad credit                  → involuntary / malicious, reason other
// The common multipliers are tenure (early churn), plan, channel, region, industry and a
// per-customer frailty. Some churned customers come back after a gap (reactivation).

import { ChurnbookError } from "../util/errors.js";
import {
  brands,
  channels,
  companySizes,
  industries,
  industryNouns,
  levelLabel,
  nameSuffixes,
  planLabels,
  planPricing,
  plans,
  regionsCny,
  regionsGlobal,
  sampleLanguages,
  scriptName,
  signupSeason,
  ticketCategories,
  usageSeason,
  zhBrands,
  zhCities,
  zhIndustryNouns,
  zhNameSuffixes,
  zhScriptName,
  type Level,
  type Plan,
  type SampleLanguage,
} from "./catalog.js";
import { Rng } from "./random.js";

export type { SampleLanguage } from "./catalog.js";

export interface SampleOptions {
  seed: number;
  customers: number;
  /** ISO month start, e.g. "2024-01-01". */
  start: string;
  /** Exclusive ISO date, e.g. "2026-11-01". */
  end: string;
  name?: string;
  currency?: string;
  /** Multiplies all prices and costs (default 1: USD-like; ~7 gives yuan). */
  priceLevel?: number;
  /**
   * Language of the written attribute values: region, industry, plan and channel labels and
   * company names (default "en"). Codes the analyses localise themselves (ticket categories,
   * churn reason/type/subtype) and company-size bands stay the same in every language, and the
   * simulation does not depend on it: the same seed gives the same events, only labels differ.
   */
  language?: SampleLanguage;
}

export interface CustomerRow {
  customer_id: string;
  name: string;
  signup_date: string;
  region: string;
  industry: string;
  plan: string;
  channel: string;
  company_size: string;
}

export interface SubscriptionRow {
  subscription_id: string;
  customer_id: string;
  start_date: string;
  /** Null while still active at the end of the data. */
  end_date: string | null;
  mrr: number;
  plan: string;
  /** The day a voluntary churner asked to cancel (5–30 days before the end of the paid period);
   * null for plan changes, involuntary churn and active subscriptions. */
  cancel_date: string | null;
}

export interface TransactionRow {
  transaction_id: string;
  customer_id: string;
  date: string;
  amount: number;
  cost: number;
  quantity: number;
}

export interface TicketRow {
  ticket_id: string;
  customer_id: string;
  date: string;
  category: string;
  /** 1–5, null when not rated. */
  satisfaction: number | null;
  /** Null while open. */
  resolved_date: string | null;
}

export interface ChurnEventRow {
  customer_id: string;
  date: string;
  reason: string;
  type: string;
  subtype: string;
}

export interface UsageRow {
  customer_id: string;
  date: string;
  count: number;
}

/** The scripted events of the simulated history (useful for narrating the demo reports). */
export interface SampleEvents {
  /** Basic's list price rises by `factor` for invoices on or after `date` (`plan`: its written label). */
  priceRise: { plan: string; date: string; factor: number };
  /** A service outage on `date` that floods support and drives service churn. */
  outage: { date: string };
}

export interface SampleMeta {
  name: string;
  currency: string;
  seed: number;
  start: string;
  end: string;
  priceLevel: number;
  language: SampleLanguage;
  events: SampleEvents;
}

export interface SampleTables {
  customers: CustomerRow[];
  subscriptions: SubscriptionRow[];
  transactions: TransactionRow[];
  tickets: TicketRow[];
  churn_events: ChurnEventRow[];
  usage: UsageRow[];
}

export type SampleCompany = SampleMeta & SampleTables;

/** Receives rows as they are generated (customer by customer). */
export interface SampleSink {
  customer(row: CustomerRow): void;
  subscription(row: SubscriptionRow): void;
  transaction(row: TransactionRow): void;
  ticket(row: TicketRow): void;
  churnEvent(row: ChurnEventRow): void;
  usage(row: UsageRow): void;
}

export const sampleTableNames = ["customers", "subscriptions", "transactions", "tickets", "churn_events", "usage"] as const;
export type SampleTableName = (typeof sampleTableNames)[number];

const DAY_MS = 86_400_000;
const PRICE_RISE_FACTOR = 1.2;

function badOption(message: string, hint?: string): ChurnbookError {
  return new ChurnbookError("bad-sample-option", message, { hint });
}

function parseIsoDate(s: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s + "T00:00:00Z")) || new Date(s + "T00:00:00Z").toISOString().slice(0, 10) !== s) {
    throw badOption(`invalid ${what} date: "${s}"`, "write an ISO date, e.g. 2024-01-01");
  }
  return Math.round(Date.parse(s + "T00:00:00Z") / DAY_MS);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Calendar helpers over epoch days and month indices (year × 12 + month0), with caches. */
class Calendar {
  private readonly dayStrings = new Map<number, string>();
  private readonly monthStarts = new Map<number, number>();

  monthStart(mi: number): number {
    let v = this.monthStarts.get(mi);
    if (v === undefined) {
      v = Math.round(Date.UTC(Math.floor(mi / 12), mi % 12, 1) / DAY_MS);
      this.monthStarts.set(mi, v);
    }
    return v;
  }

  /** The billing day (day of month d ≤ 28) in month mi, as an epoch day. */
  billing(mi: number, d: number): number {
    return this.monthStart(mi) + d - 1;
  }

  iso(day: number): string {
    let s = this.dayStrings.get(day);
    if (s === undefined) {
      s = new Date(day * DAY_MS).toISOString().slice(0, 10);
      this.dayStrings.set(day, s);
    }
    return s;
  }

  monthOf(day: number): number {
    const s = this.iso(day);
    return Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

interface Segment {
  start: number;
  end: number | null;
  mrr: number;
  plan: Plan;
}

const causes = ["natural", "competition", "price", "service", "product", "payment", "malicious"] as const;
type Cause = (typeof causes)[number];

/** Streams a generated company into `sink` and returns its description. */
export function generateInto(options: SampleOptions, sink: SampleSink): SampleMeta {
  const { seed, customers: n } = options;
  if (!Number.isFinite(seed)) throw badOption(`seed must be a number, got ${String(seed)}`);
  if (!Number.isInteger(n) || n < 1) throw badOption(`customers must be a positive integer, got ${String(n)}`);
  const startDay = parseIsoDate(options.start, "start");
  const endDay = parseIsoDate(options.end, "end");
  if (!options.start.endsWith("-01")) throw badOption(`start must be the first day of a month, got "${options.start}"`);
  if (endDay <= startDay) throw badOption(`end (${options.end}) must be after start (${options.start})`);
  const priceLevel = options.priceLevel ?? 1;
  if (!(priceLevel > 0)) throw badOption(`priceLevel must be positive, got ${String(priceLevel)}`);
  const currency = options.currency ?? "USD";
  const language = options.language ?? "en";
  if (!(sampleLanguages as readonly string[]).includes(language)) {
    throw badOption(`language must be one of ${sampleLanguages.join(", ")}, got ${String(language)}`);
  }
  const planLabel = planLabels[language];
  const label = (level: Level): string => levelLabel(level, language);
  const companyName = options.name ?? "Sample Co";

  const rng = new Rng(seed);
  const cal = new Calendar();
  const startMi = Number(options.start.slice(0, 4)) * 12 + Number(options.start.slice(5, 7)) - 1;
  const lastMi = cal.monthOf(endDay - 1);
  const nMonths = lastMi - startMi + 1;

  // Scripted events: a Basic price rise ~55% into the history, an outage ~80% into it.
  const riseMi = startMi + Math.min(nMonths - 1, Math.max(1, Math.round(nMonths * 0.55)));
  const riseDay = cal.monthStart(riseMi);
  const outageMi = startMi + Math.min(nMonths - 1, Math.max(1, Math.round(nMonths * 0.8)));
  const outageDay = Math.min(endDay - 1, cal.monthStart(outageMi) + 9);
  const events: SampleEvents = {
    priceRise: { plan: planLabel.Basic, date: cal.iso(riseDay), factor: PRICE_RISE_FACTOR },
    outage: { date: cal.iso(outageDay) },
  };

  const regions = currency.toUpperCase() === "CNY" ? regionsCny : regionsGlobal;
  const regionWeights = regions.map((r) => r.weight);
  const industryWeights = industries.map((r) => r.weight);
  const channelWeights = channels.map((r) => r.weight);
  const sizeWeights = companySizes.map((s) => s.weight);

  // Signups: growth (~50% a year) × seasonality; billing day 1–28.
  const monthWeights: number[] = [];
  for (let m = 0; m < nMonths; m++) {
    const mi = startMi + m;
    const first = cal.monthStart(mi);
    const days = Math.min(28, Math.min(endDay, cal.monthStart(mi + 1)) - first);
    monthWeights.push(Math.exp(0.034 * m) * signupSeason[mi % 12]! * (days / 28));
  }
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of monthWeights) cumulative.push((acc += w));
  const signupCodes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.next() * acc;
    let lo = 0;
    let hi = nMonths - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    const mi = startMi + lo;
    const days = Math.min(28, Math.min(endDay, cal.monthStart(mi + 1)) - cal.monthStart(mi));
    signupCodes[i] = mi * 32 + rng.int(1, days);
  }
  signupCodes.sort();

  const idWidth = Math.max(5, String(n).length);
  let subSeq = 0;
  let txSeq = 0;
  let ticketSeq = 0;
  const scriptIndex = Math.min(n - 1, 6);
  // Chinese names come from their own stream so that the main stream (and thus every event) is
  // the same in every language; they are made unique by redrawing.
  const nameRng = language === "zh" ? new Rng((Math.trunc(seed) ^ 0x6e616d65) >>> 0) : undefined;
  const zhNames = new Set<string>();
  const zhName = (industry: Level): string => {
    const r = nameRng!;
    const nouns = zhIndustryNouns[industry.name]!;
    for (let attempt = 0; ; attempt++) {
      let s = r.pick(zhCities) + r.pick(zhBrands) + r.pick(nouns) + r.pick(zhNameSuffixes);
      if (attempt >= 20) s += r.pick(zhCities) + "分公司"; // e.g. …有限公司杭州分公司
      if (attempt >= 200) s += `第${attempt - 199}营业部`;
      if (!zhNames.has(s)) {
        zhNames.add(s);
        return s;
      }
    }
  };

  const price = (plan: Plan, seats: number, day: number): number => {
    const p = planPricing[plan];
    const rise = plan === "Basic" && day >= riseDay ? PRICE_RISE_FACTOR : 1;
    return Math.round((p.base + p.perSeat * seats) * priceLevel * rise);
  };
  const hz = new Float64Array(causes.length);
  const categoryWeights = [0.14, 0.3, 0.3, 0, 0.2]; // billing, bug, how_to, outage, feature_request
  const clampSeats = (plan: Plan, seats: number): number => Math.max(planPricing[plan].minSeats, Math.min(planPricing[plan].maxSeats, Math.round(seats)));

  for (let ci = 0; ci < n; ci++) {
    const code = signupCodes[ci]!;
    let mi = Math.floor(code / 32);
    const d = code - mi * 32;
    const customerId = "C" + pad(ci + 1, idWidth);

    // Attributes and latent traits.
    const size = companySizes[rng.weighted(sizeWeights)]!;
    let plan: Plan = plans[rng.weighted(size.plan)]!;
    let seats = clampSeats(plan, rng.int(size.seats[0], size.seats[1]));
    const region = regions[rng.weighted(regionWeights)]!;
    const industry = industries[rng.weighted(industryWeights)]!;
    const channel = channels[rng.weighted(channelWeights)]!;
    const friction = Math.pow(rng.next(), 1.8); // proneness to problems: mostly low
    const frailty = rng.lognormal(-0.06, 0.35);
    const badPayer = rng.bool(0.05 * size.fragility);
    const heavy = rng.bool(0.06); // expensive to serve
    const infraRate = heavy ? rng.uniform(0.8, 1.5) : rng.uniform(0.1, 0.28);
    const perSeatUsage = rng.lognormal(Math.log(22), 0.45) * (channel.name === "paid_search" ? 0.85 : 1);
    const grower = rng.bool(0.22);

    // The English name is drawn in every language: it consumes the main stream.
    let name: string;
    if (ci === scriptIndex) name = scriptName;
    else {
      const nouns = industryNouns[industry.name]!;
      name = `${rng.pick(brands)} ${rng.pick(nouns)}` + (rng.bool(0.55) ? ` ${rng.int(2, 99)}` : ` ${rng.pick(nameSuffixes)}`);
    }
    if (language === "zh") name = ci === scriptIndex ? zhScriptName : zhName(industry);
    sink.customer({
      customer_id: customerId,
      name,
      signup_date: cal.iso(cal.billing(mi, d)),
      region: label(region),
      industry: label(industry),
      plan: planLabel[plan],
      channel: label(channel),
      company_size: size.label,
    });

    const segments: Segment[] = [];
    const txs: Omit<TransactionRow, "transaction_id">[] = [];
    const tickets: Omit<TicketRow, "ticket_id">[] = [];
    const churns: ChurnEventRow[] = [];
    const usage: UsageRow[] = [];

    const common = region.churn * industry.churn * frailty;
    let low = 0;
    let supportCost = 0;
    let shockLeft = 0;
    let outageLeft = 0;
    const openTicket = (date: number, category: string): void => {
      let sat: number | null = null;
      if (rng.bool(0.62)) {
        const s = 4.6 - 2.0 * friction + 0.8 * rng.normal() - (category === "outage" ? 1.3 : 0) - (category === "bug" ? 0.4 : 0) - (category === "billing" && shockLeft > 0 ? 0.8 : 0) + (plan === "Enterprise" ? 0.3 : 0);
        sat = Math.max(1, Math.min(5, Math.round(s)));
        if (sat <= 2) low++;
      }
      const open = category === "feature_request" ? rng.bool(0.35) : rng.bool(0.02);
      const resolved = date + Math.min(90, Math.floor(rng.lognormal(Math.log(category === "outage" ? 1.5 : 2.5), 1.0)));
      tickets.push({
        customer_id: customerId,
        date: cal.iso(date),
        category,
        satisfaction: sat,
        resolved_date: open || resolved >= endDay ? null : cal.iso(resolved),
      });
      supportCost += (category === "outage" ? 6 : 18) * priceLevel;
    };
    let episode = 0;
    episodes: for (;;) {
      episode++;
      const reactivated = episode > 1 ? 1.3 : 1;
      let k = 0;
      let seg: Segment = { start: cal.billing(mi, d), end: null, mrr: price(plan, seats, cal.billing(mi, d)), plan };
      segments.push(seg);
      const usageHist: number[] = [];
      const ticketHist: number[] = [];
      const lowHist: number[] = [];
      let disengaging = false;
      let trend = 1;
      shockLeft = 0;
      outageLeft = 0;

      for (;;) {
        const day = cal.billing(mi, d);
        const nextDay = cal.billing(mi + 1, d);

        // Price or plan/seat changes take effect on the billing day: close and reopen.
        const want = price(plan, seats, day);
        if (want !== seg.mrr || plan !== seg.plan) {
          if (plan === "Basic" && seg.plan === "Basic" && seg.start < riseDay && day >= riseDay) shockLeft = 3;
          seg.end = day;
          seg = { start: day, end: null, mrr: want, plan };
          segments.push(seg);
        }

        // Usage in this cycle, attributed to the calendar month of the billing day.
        if (!disengaging && k >= 1 && rng.bool(0.012 + 0.025 * friction + (shockLeft > 0 ? 0.02 : 0))) disengaging = true;
        else if (disengaging && rng.bool(0.08)) disengaging = false;
        if (disengaging) trend *= rng.uniform(0.6, 0.88);
        else if (grower) trend = Math.min(2.5, trend * rng.uniform(1.0, 1.06));
        else trend = 1 + (trend - 1) * 0.75;
        const baseline = seats * perSeatUsage;
        const used = Math.max(0, Math.round(baseline * trend * usageSeason[mi % 12]! * rng.lognormal(0, 0.18) * (k === 0 ? 0.7 : 1)));
        usage.push({ customer_id: customerId, date: cal.iso(cal.monthStart(mi)), count: used });
        usageHist.push(used);

        // Tickets opened in [day, min(nextDay, end)).
        const hi = Math.min(nextDay, endDay);
        const lambda =
          (0.05 + 0.55 * friction) * size.tickets * (k < 2 ? 1.7 : 1) * (disengaging ? 1.3 : 1) * (shockLeft > 0 ? 1.4 : 1) * ((hi - day) / (nextDay - day));
        let nt = rng.poisson(lambda);
        low = 0;
        supportCost = 0;
        for (let t = 0; t < nt; t++) {
          const date = day + rng.int(0, hi - day - 1);
          categoryWeights[0] = shockLeft > 0 ? 0.35 : 0.14;
          categoryWeights[2] = k < 3 ? 0.5 : 0.3;
          openTicket(date, ticketCategories[rng.weighted(categoryWeights)]!);
        }
        if (outageDay >= day && outageDay < hi && rng.bool(0.35 + 0.4 * friction)) {
          openTicket(Math.min(hi - 1, outageDay + rng.int(0, 2)), "outage");
          nt++;
          outageLeft = 3;
        }
        ticketHist.push(nt);
        lowHist.push(low);

        // The invoice on the billing day: MRR plus occasional one-off services; cost to serve.
        let oneOff = 0;
        if (k === 0 && episode === 1 && plan !== "Basic" && rng.bool(0.5)) oneOff = (plan === "Pro" ? 300 : 1500) * priceLevel;
        else if (k > 0 && rng.bool(0.015)) oneOff = rng.int(15, 120) * 10 * priceLevel;
        const usageFactor = Math.sqrt(Math.max(0.3, Math.min(2, used / Math.max(1, baseline))));
        txs.push({
          customer_id: customerId,
          date: cal.iso(day),
          amount: round2(seg.mrr + oneOff),
          cost: round2(seg.mrr * infraRate * usageFactor + supportCost + 0.55 * oneOff),
          quantity: seats,
        });

        if (nextDay >= endDay) break episodes; // still active at the end of the data

        // Churn at the end of the cycle (the next billing day is the first day without service).
        const n90 = ticketHist[k]! + (ticketHist[k - 1] ?? 0) + (ticketHist[k - 2] ?? 0);
        const low90 = lowHist[k]! + (lowHist[k - 1] ?? 0) + (lowHist[k - 2] ?? 0);
        let prior = 0;
        let priorN = 0;
        for (let j = Math.max(0, k - 3); j < k; j++) {
          prior += usageHist[j]!;
          priorN++;
        }
        const ratio = priorN > 0 && prior > 0 ? used / (prior / priorN) : 1;
        const perSeat = used / Math.max(1, seats);
        const tenure = (k < 3 ? 2.0 : k < 6 ? 1.3 : k < 12 ? 1.0 : 0.8) * reactivated;
        const m = common * tenure * planPricing[plan].churn * channel.churn;
        // Cause-specific hazards, in the order of `causes`.
        hz[0] = 0.0018 * size.fragility * industry.churn * frailty; // natural
        hz[1] = 0.0028 * m; // competition
        hz[2] = 0.002 * m * (plan === "Basic" ? 1.5 : 1) + (shockLeft > 0 && plan === "Basic" ? 0.09 * Math.sqrt(m) : 0); // price
        hz[3] = 0.001 * m + ((0.008 * n90 + 0.04 * low90) * (k < 6 ? 1.3 : 1) + (outageLeft > 0 ? 0.02 : 0)) * common * planPricing[plan].churn * channel.churn; // service
        hz[4] = m * (0.0012 + 0.08 * Math.max(0, 0.8 - ratio) + (perSeat < 6 ? 0.008 : 0)); // product
        hz[5] = 0.0018 * size.fragility * (badPayer ? 6 : 1); // payment
        hz[6] = badPayer ? 0.0012 : 0.00005; // malicious
        let total = 0;
        for (let c = 0; c < hz.length; c++) total += hz[c]!;
        if (rng.next() < 1 - Math.exp(-total)) {
          const cause = causes[rng.weighted(hz)]!;
          const ev = classify(cause, rng);
          seg.end = nextDay;
          churns.push({ customer_id: customerId, date: cal.iso(nextDay), ...ev });
          // Leaving without paying: the last invoice is never collected.
          if (ev.subtype === "malicious" || (ev.subtype === "retaliatory" && rng.bool(0.6))) txs.pop();
          const back = ev.subtype === "malicious" ? 0 : ev.subtype === "non_malicious" ? 0.3 : ev.subtype === "retaliatory" ? 0.03 : 0.09;
          if (!rng.bool(back)) break episodes;
          mi = mi + 2 + rng.geometric(0.3); // a gap of at least one month
          if (cal.billing(mi, d) >= endDay) break episodes;
          if (plan !== "Basic" && rng.bool(0.35)) plan = plan === "Enterprise" ? "Pro" : "Basic";
          seats = clampSeats(plan, seats);
          continue episodes;
        }

        // Plan and seat changes for the next cycle.
        if (k >= 1) {
          const pIdx = plans.indexOf(plan);
          const r = rng.next();
          const up = pIdx < 2 ? 0.006 + (perSeat > 35 ? 0.02 : 0) + (grower ? 0.006 : 0) : 0;
          const expand = (disengaging ? 0.004 : 0.018) * (grower ? 2 : 1) * (seats < planPricing[plan].maxSeats ? 1 : 0);
          const down = pIdx > 0 ? 0.002 + (disengaging ? 0.025 : 0) + (shockLeft > 0 ? 0.01 : 0) : 0;
          const contract = seats > planPricing[plan].minSeats ? 0.005 + (disengaging ? 0.03 : 0) : 0;
          if (r < up) {
            plan = plans[pIdx + 1]!;
            seats = clampSeats(plan, seats * rng.uniform(1.0, 1.4));
          } else if (r < up + expand) seats = clampSeats(plan, seats + Math.max(1, seats * rng.uniform(0.1, 0.4)));
          else if (r < up + expand + down) {
            plan = plans[pIdx - 1]!;
            seats = clampSeats(plan, seats * rng.uniform(0.6, 1.0));
          } else if (r < up + expand + down + contract) seats = clampSeats(plan, seats - Math.max(1, seats * rng.uniform(0.1, 0.35)));
        }
        mi++;
        k++;
        if (shockLeft > 0) shockLeft--;
        if (outageLeft > 0) outageLeft--;
      }
    }

    // Cancellation notice, drawn from the subscription's sequence number rather than the random
    // stream, so adding it left every simulated event unchanged.
    const voluntaryEnds = new Set(churns.filter((c) => c.type === "voluntary").map((c) => c.date));
    for (const s of segments) {
      const seq = ++subSeq;
      const end = s.end === null ? null : cal.iso(s.end);
      const notice = 5 + ((seq * 7919) % 26);
      const cancel = end !== null && voluntaryEnds.has(end) ? cal.iso(Math.max(s.start + 1, s.end! - notice)) : null;
      sink.subscription({
        subscription_id: "S" + pad(seq, 6),
        customer_id: customerId,
        start_date: cal.iso(s.start),
        end_date: end,
        mrr: s.mrr,
        plan: planLabel[s.plan],
        cancel_date: cancel,
      });
    }
    for (const t of txs) sink.transaction({ transaction_id: "T" + pad(++txSeq, 7), ...t });
    tickets.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const t of tickets) sink.ticket({ ticket_id: "K" + pad(++ticketSeq, 6), ...t });
    for (const c of churns) sink.churnEvent(c);
    for (const u of usage) sink.usage(u);
  }

  return { name: companyName, currency, seed, start: options.start, end: options.end, priceLevel, language, events };
}

function classify(cause: Cause, rng: Rng): { reason: string; type: string; subtype: string } {
  const ev = ((): { reason: string; type: string; subtype: string } => {
    switch (cause) {
      case "natural":
        return { reason: "other", type: "voluntary", subtype: "natural" };
      case "competition":
        return { reason: "competition", type: "voluntary", subtype: "competitive" };
      case "price":
        return { reason: "price", type: "voluntary", subtype: rng.bool(0.8) ? "competitive" : "natural" };
      case "service":
        return rng.bool(0.25) ? { reason: "service", type: "involuntary", subtype: "retaliatory" } : { reason: "service", type: "voluntary", subtype: "fault" };
      case "product": {
        const r = rng.next();
        return { reason: "product", type: "voluntary", subtype: r < 0.55 ? "fault" : r < 0.85 ? "competitive" : "natural" };
      }
      case "payment":
        return { reason: "other", type: "involuntary", subtype: "non_malicious" };
      case "malicious":
        return { reason: "other", type: "involuntary", subtype: "malicious" };
    }
  })();
  // Exit surveys are imperfect: a few voluntary reasons are recorded as "other".
  if (ev.type === "voluntary" && ev.reason !== "other" && rng.bool(0.05)) ev.reason = "other";
  return ev;
}

/** Generates a whole company in memory: one plain row array per role. */
export function generateCompany(options: SampleOptions): SampleCompany {
  const tables: SampleTables = { customers: [], subscriptions: [], transactions: [], tickets: [], churn_events: [], usage: [] };
  const meta = generateInto(options, {
    customer: (r) => tables.customers.push(r),
    subscription: (r) => tables.subscriptions.push(r),
    transaction: (r) => tables.transactions.push(r),
    ticket: (r) => tables.tickets.push(r),
    churnEvent: (r) => tables.churn_events.push(r),
    usage: (r) => tables.usage.push(r),
  });
  return { ...meta, ...tables };
}
