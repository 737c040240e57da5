// Customer value classes of seed 002: most valuable (MVC), most growable (MGC) and
// negative-value (BZC) customers, as a partition of the customers.
//
// Precedence, so every customer is in exactly one class:
//   1. negative value: value < 0 (money: within half a minor unit of 0 is 0, see money.ts);
//   2. most valuable: the first ⌈top_share·n⌉ customers by value (desc, ties by id) with value > 0;
//   3. most growable: of the rest with value ≥ 0 and gap > 0, the first ⌈growable_share·n⌉ by
//      gap (desc, ties by id), where potential = the type-7 percentile of value among the
//      customer's peers (same peer_by attributes; null when the peer group has < min_peers
//      customers) and gap = max(0, potential − value);
//   4. everyone else: other.

import { quantileSorted } from "../stats/quantile.js";
import { compareIds } from "./common.js";
import { moneySign } from "../money.js";
import type { Localized } from "../types.js";

export const valueClasses = ["most_valuable", "most_growable", "other", "negative_value"] as const;
export type ValueClass = (typeof valueClasses)[number];

export interface ClassInput {
  customer_id: string;
  value: number;
  peer_group: string;
}

export interface ClassOptions {
  topShare: number;
  growableShare: number;
  peerPercentile: number;
  minPeers: number;
  /** The report currency, whose minor unit decides what is zero. */
  currency: string;
}

export interface Classified extends ClassInput {
  potential: number | null;
  gap: number | null;
  class: ValueClass;
}

export function classifyValue(rows: readonly ClassInput[], o: ClassOptions): Classified[] {
  const n = rows.length;
  const peers = new Map<string, number[]>();
  for (const r of rows) {
    const list = peers.get(r.peer_group);
    if (list) list.push(r.value);
    else peers.set(r.peer_group, [r.value]);
  }
  const potentialOf = new Map<string, number | null>();
  for (const [k, values] of peers) {
    values.sort((a, b) => a - b);
    potentialOf.set(k, values.length >= o.minPeers ? quantileSorted(values, o.peerPercentile / 100) : null);
  }
  const out: Classified[] = rows.map((r) => {
    const potential = potentialOf.get(r.peer_group) ?? null;
    const gap = potential === null ? null : moneySign(potential - r.value, o.currency) > 0 ? potential - r.value : 0;
    return { ...r, potential, gap, class: moneySign(r.value, o.currency) < 0 ? "negative_value" : "other" };
  });
  const byValue = [...out].sort((a, b) => b.value - a.value || compareIds(a.customer_id, b.customer_id));
  const mvc = Math.ceil(o.topShare * n - 1e-9);
  for (const c of byValue.slice(0, mvc)) if (moneySign(c.value, o.currency) > 0) c.class = "most_valuable";
  const growable = out
    .filter((c) => c.class === "other" && c.gap !== null && c.gap > 0)
    .sort((a, b) => b.gap! - a.gap! || compareIds(a.customer_id, b.customer_id));
  for (const c of growable.slice(0, Math.ceil(o.growableShare * n - 1e-9))) c.class = "most_growable";
  return out;
}

export const valueClassText: Record<ValueClass, { label: Localized; treatment: Localized }> = {
  most_valuable: {
    label: { "zh-CN": "最有价值客户", "en-US": "Most valuable" },
    treatment: { "zh-CN": "重点守护：专属服务与定制化优惠，优先保留", "en-US": "Guard them: dedicated service and tailored offers; retain them first" },
  },
  most_growable: {
    label: { "zh-CN": "最具增长性客户", "en-US": "Most growable" },
    treatment: { "zh-CN": "重点培育：交叉销售与追加销售，尽快转化为最有价值客户", "en-US": "Grow them: cross-sell and up-sell to turn them into most valuable customers" },
  },
  other: {
    label: { "zh-CN": "一般客户", "en-US": "Other" },
    treatment: { "zh-CN": "标准服务，低成本维系", "en-US": "Standard service at low cost" },
  },
  negative_value: {
    label: { "zh-CN": "负值客户", "en-US": "Negative-value" },
    treatment: { "zh-CN": "不投入任何挽留资源；降低服务成本或调整价格", "en-US": "Spend nothing on retaining them; cut the cost to serve or reprice" },
  },
};
