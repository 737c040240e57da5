// The vocabulary of churn reasons and churn types (DOMAIN.md, seeds 001 and 004): the
// canonical codes, their localised labels, and the normalisation of the codes found in data.

import { ChurnbookError } from "../../util/errors.js";
import type { Locale, Localized } from "../types.js";

export const reasonCategories = ["price", "service", "product", "competition", "other"] as const;
export type ReasonCategory = (typeof reasonCategories)[number];

export const churnTypes = ["voluntary", "involuntary", "unknown"] as const;
export type ChurnType = (typeof churnTypes)[number];

export const churnSubtypes = ["natural", "competitive", "fault", "non_malicious", "retaliatory", "malicious", "unknown"] as const;
export type ChurnSubtype = (typeof churnSubtypes)[number];

export const categoryLabels: Record<ReasonCategory, Localized> = {
  price: { "zh-CN": "价格", "en-US": "Price" },
  service: { "zh-CN": "服务", "en-US": "Service" },
  product: { "zh-CN": "产品", "en-US": "Product" },
  competition: { "zh-CN": "竞争", "en-US": "Competition" },
  other: { "zh-CN": "其他", "en-US": "Other" },
};

export const typeLabels: Record<ChurnType, Localized> = {
  voluntary: { "zh-CN": "主动流失", "en-US": "Voluntary churn" },
  involuntary: { "zh-CN": "被动流失", "en-US": "Involuntary churn" },
  unknown: { "zh-CN": "未注明", "en-US": "Not stated" },
};

export const subtypeLabels: Record<ChurnSubtype, Localized> = {
  natural: { "zh-CN": "自然流失", "en-US": "Natural churn" },
  competitive: { "zh-CN": "竞争流失", "en-US": "Competitive churn" },
  fault: { "zh-CN": "过失流失", "en-US": "Fault churn" },
  non_malicious: { "zh-CN": "非恶意性被动流失", "en-US": "Non-malicious passive churn" },
  retaliatory: { "zh-CN": "报复性被动流失", "en-US": "Retaliatory passive churn" },
  malicious: { "zh-CN": "恶意被动流失", "en-US": "Malicious passive churn" },
  unknown: { "zh-CN": "未注明", "en-US": "Not stated" },
};

/** The churn type each subtype belongs to. */
export const subtypeParent: Record<Exclude<ChurnSubtype, "unknown">, Exclude<ChurnType, "unknown">> = {
  natural: "voluntary",
  competitive: "voluntary",
  fault: "voluntary",
  non_malicious: "involuntary",
  retaliatory: "involuntary",
  malicious: "involuntary",
};

/** Normalises a data code for matching: trimmed, lower case, spaces and hyphens as underscores. */
export function normalizeCode(code: unknown): string {
  return String(code ?? "").trim().toLowerCase().replace(/[\s-]+/g, "_");
}

const typeSynonyms: Record<string, Exclude<ChurnType, "unknown">> = {
  voluntary: "voluntary", active: "voluntary", 主动: "voluntary", 主动流失: "voluntary",
  involuntary: "involuntary", passive: "involuntary", 被动: "involuntary", 被动流失: "involuntary",
};

const subtypeSynonyms: Record<string, Exclude<ChurnSubtype, "unknown">> = {
  natural: "natural", 自然: "natural", 自然流失: "natural",
  competitive: "competitive", competition: "competitive", competitor: "competitive", 竞争: "competitive", 竞争流失: "competitive",
  fault: "fault", 过失: "fault", 过失流失: "fault",
  non_malicious: "non_malicious", nonmalicious: "non_malicious", 非恶意: "non_malicious", 非恶意性: "non_malicious", 非恶意性被动流失: "non_malicious",
  retaliatory: "retaliatory", 报复: "retaliatory", 报复性: "retaliatory", 报复性被动流失: "retaliatory",
  malicious: "malicious", 恶意: "malicious", 恶意被动流失: "malicious",
};

export function normalizeType(value: unknown): ChurnType {
  return typeSynonyms[normalizeCode(value)] ?? "unknown";
}

export function normalizeSubtype(value: unknown): ChurnSubtype {
  return subtypeSynonyms[normalizeCode(value)] ?? "unknown";
}

/** Built-in reason codes: the category names in both languages. */
const builtinReasons: Record<string, ReasonCategory> = {
  price: "price", 价格: "price",
  service: "service", 服务: "service",
  product: "product", 产品: "product",
  competition: "competition", 竞争: "competition",
  other: "other", 其他: "other",
};

/**
 * Parses a reason_map param ("pricing=price,support=service") into normalised code → category,
 * on top of the built-in codes (the category names themselves, in English and Chinese).
 */
export function parseReasonMap(text: string): Map<string, ReasonCategory> {
  const map = new Map<string, ReasonCategory>(Object.entries(builtinReasons));
  for (const part of String(text ?? "").split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const code = normalizeCode(eq < 0 ? "" : part.slice(0, eq));
    const category = normalizeCode(eq < 0 ? "" : part.slice(eq + 1)) as ReasonCategory;
    if (eq < 0 || code === "") {
      throw new ChurnbookError("bad-param", `param "reason_map": expected code=category, got "${part.trim()}"`, { hint: 'e.g. --param reason_map="pricing=price,support=service"' });
    }
    if (!reasonCategories.includes(category)) {
      throw new ChurnbookError("bad-param", `param "reason_map": unknown category "${part.slice(eq + 1).trim()}" for code "${part.slice(0, eq).trim()}"`, {
        hint: `categories: ${reasonCategories.join(", ")}`,
      });
    }
    map.set(code, category);
  }
  return map;
}

/**
 * A reason code from the data in the report's language: a category name (either language)
 * becomes its label (service → 服务 / Service); other codes are kept as they are; null stays null.
 */
export function reasonLabel(code: unknown, locale: Locale): string | null {
  if (code === null || code === undefined || String(code).trim() === "") return null;
  const category = builtinReasons[normalizeCode(code)];
  return category ? categoryLabels[category][locale] : String(code).trim();
}

export function label(l: Localized, locale: Locale): string {
  return l[locale];
}
