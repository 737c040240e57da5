// Customer attributes as readers name them, in every locale: one map for every analysis that
// groups customers by an attribute (segments, survival and hazard by group, Cox terms, drivers).

import type { Locale, Localized } from "./types.js";
import { msg } from "../locales/index.js";

/** Display names of common customer attributes; other columns show their own name. */
export const attributeNames: Record<string, Localized> = {
  region: { "zh-CN": "区域", "en-US": "Region" },
  industry: { "zh-CN": "行业", "en-US": "Industry" },
  plan: { "zh-CN": "套餐", "en-US": "Plan" },
  channel: { "zh-CN": "获客渠道", "en-US": "Channel" },
  company_size: { "zh-CN": "企业规模", "en-US": "Company size" },
  size: { "zh-CN": "规模", "en-US": "Size" },
  segment: { "zh-CN": "细分", "en-US": "Segment" },
  age_band: { "zh-CN": "年龄段", "en-US": "Age band" },
  gender: { "zh-CN": "性别", "en-US": "Gender" },
  city: { "zh-CN": "城市", "en-US": "City" },
  country: { "zh-CN": "国家", "en-US": "Country" },
  source: { "zh-CN": "来源", "en-US": "Source" },
  cohort: { "zh-CN": "首购月份", "en-US": "Acquisition cohort" },
  first_order_size: { "zh-CN": "首单规模", "en-US": "First order size" },
};

/** An attribute (column) name in the report's language when known, else as it is. */
export function attributeLabel(name: string, locale: Locale): string {
  return Object.hasOwn(attributeNames, name) ? attributeNames[name]![locale] : name;
}

/** A level of an attribute, e.g. "套餐：基础版" / "Plan: Basic". */
export function attributeLevelLabel(name: string, level: string, locale: Locale): string {
  return msg(locale).labelled(attributeLabel(name, locale), level);
}
