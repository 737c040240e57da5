// RFM segment maps: which named segment each (R score, F score) cell belongs to.
//
// The default is the widely used 5×5 R×F grid (recency score first, frequency second):
//   R 1–2: F 1–2 hibernating, F 3–4 at risk, F 5 can't lose
//   R 3:   F 1–2 about to sleep, F 3 need attention, F 4–5 loyal
//   R 4:   F 1 promising, F 2–3 potential loyalist, F 4–5 loyal
//   R 5:   F 1 new, F 2–3 potential loyalist, F 4–5 champions
// A map is written compactly as "name=R<a>[-<b>]F<c>[-<d>][+R…F…];name=…" and must map every
// cell of the bins×bins grid exactly once: a gap or an overlap is an error naming the cells.

import { ChurnbookError } from "../../util/errors.js";
import type { Localized } from "../types.js";

export const defaultRfmSegmentMap =
  "champions=R5F4-5;loyal=R3-4F4-5;potential_loyalist=R4-5F2-3;new=R5F1;promising=R4F1;need_attention=R3F3;about_to_sleep=R3F1-2;at_risk=R1-2F3-4;cant_lose=R1-2F5;hibernating=R1-2F1-2";

export interface SegmentMap {
  /** Segment names in the order written. */
  segments: string[];
  /** cell[r-1][f-1] = segment name. */
  cell: string[][];
  bins: number;
}

/** zh-CN/en-US labels and recommended actions of the default segments (DOMAIN.md playbook). */
export const rfmSegmentText: Record<string, { label: Localized; action: Localized }> = {
  champions: {
    label: { "zh-CN": "冠军客户", "en-US": "Champions" },
    action: { "zh-CN": "专属服务：配备专属客户经理，新品优先体验，邀请推荐新客户", "en-US": "Dedicated service: an account manager, early access to new products, ask for referrals" },
  },
  loyal: {
    label: { "zh-CN": "忠诚客户", "en-US": "Loyal" },
    action: { "zh-CN": "保持联系：会员权益、交叉销售和追加销售", "en-US": "Keep in touch: loyalty benefits, cross-selling and up-selling" },
  },
  potential_loyalist: {
    label: { "zh-CN": "潜在忠诚客户", "en-US": "Potential loyalists" },
    action: { "zh-CN": "会员计划与个性化推荐，促成稳定复购", "en-US": "Membership offers and personalised recommendations to build steady repeat purchases" },
  },
  new: {
    label: { "zh-CN": "新客户", "en-US": "New customers" },
    action: { "zh-CN": "新客引导与培训，尽快促成第二次购买", "en-US": "Onboarding and training; secure the second purchase soon" },
  },
  promising: {
    label: { "zh-CN": "有潜力客户", "en-US": "Promising" },
    action: { "zh-CN": "加深品牌认知，提供试用或小额优惠", "en-US": "Build awareness; offer trials or small incentives" },
  },
  need_attention: {
    label: { "zh-CN": "需要关注客户", "en-US": "Need attention" },
    action: { "zh-CN": "按购买历史推送限时定制化优惠", "en-US": "Time-limited tailored offers based on purchase history" },
  },
  about_to_sleep: {
    label: { "zh-CN": "即将沉睡客户", "en-US": "About to sleep" },
    action: { "zh-CN": "推荐相关产品与折扣，重新建立联系", "en-US": "Re-engage with relevant products and discounts" },
  },
  at_risk: {
    label: { "zh-CN": "有流失风险客户", "en-US": "At risk" },
    action: { "zh-CN": "个性化挽留沟通，定制化优惠与客户关怀", "en-US": "Personalised win-back contact, tailored discounts and customer care" },
  },
  cant_lose: {
    label: { "zh-CN": "不能流失的客户", "en-US": "Can't lose them" },
    action: { "zh-CN": "专属客户经理主动联系，了解原因并优先挽回", "en-US": "A dedicated manager reaches out, learns why and wins them back first" },
  },
  hibernating: {
    label: { "zh-CN": "沉睡客户", "en-US": "Hibernating" },
    action: { "zh-CN": "低成本唤醒；无响应则不再投入", "en-US": "Low-cost reactivation; stop spending if they do not respond" },
  },
};

const cellRe = /^R(\d+)(?:-(\d+))?F(\d+)(?:-(\d+))?$/i;

function badMap(message: string): ChurnbookError {
  return new ChurnbookError("bad-param", `param "segment_map": ${message}`, {
    hint: `write name=R<from>-<to>F<from>-<to> rectangles joined by "+", segments separated by ";", e.g. ${defaultRfmSegmentMap.split(";").slice(0, 2).join(";")};…`,
  });
}

/** Parses and validates a segment map for a bins×bins grid. */
export function parseSegmentMap(text: string, bins: number): SegmentMap {
  const owners: string[][][] = Array.from({ length: bins }, () => Array.from({ length: bins }, () => [] as string[]));
  const segments: string[] = [];
  for (const part of text.split(";").map((s) => s.trim()).filter((s) => s !== "")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw badMap(`"${part}" is not name=cells`);
    const name = part.slice(0, eq).trim();
    if (segments.includes(name)) throw badMap(`segment "${name}" is defined twice`);
    segments.push(name);
    for (const rect of part.slice(eq + 1).split("+").map((s) => s.trim())) {
      const m = cellRe.exec(rect.replace(/\s+/g, ""));
      if (!m) throw badMap(`"${rect}" (segment "${name}") is not R<a>[-<b>]F<c>[-<d>]`);
      const [r0, r1, f0, f1] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3]), Number(m[4] ?? m[3])];
      for (const v of [r0, r1, f0, f1]) if (v < 1 || v > bins) throw badMap(`"${rect}" (segment "${name}") uses score ${v}, outside 1–${bins}`);
      if (r0 > r1 || f0 > f1) throw badMap(`"${rect}" (segment "${name}") has a reversed range`);
      for (let r = r0; r <= r1; r++) for (let f = f0; f <= f1; f++) owners[r - 1]![f - 1]!.push(name);
    }
  }
  if (segments.length === 0) throw badMap("no segments");
  const overlaps: string[] = [];
  const gaps: string[] = [];
  for (let r = 1; r <= bins; r++) {
    for (let f = 1; f <= bins; f++) {
      const o = owners[r - 1]![f - 1]!;
      if (o.length === 0) gaps.push(`R${r}F${f}`);
      else if (o.length > 1) overlaps.push(`R${r}F${f} (${o.join(", ")})`);
    }
  }
  if (overlaps.length) throw badMap(`cells mapped more than once: ${overlaps.join("; ")}`);
  if (gaps.length) throw badMap(`cells not mapped: ${gaps.join(", ")}`);
  return { segments, cell: owners.map((row) => row.map((o) => o[0]!)), bins };
}

/** The localised label of a segment (custom names are their own label). */
export function segmentLabel(name: string, locale: keyof Localized): string {
  return rfmSegmentText[name]?.label[locale] ?? name;
}

/** The recommended action of a default segment; null for a custom name. */
export function segmentAction(name: string, locale: keyof Localized): string | null {
  return rfmSegmentText[name]?.action[locale] ?? null;
}
