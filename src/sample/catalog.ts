// Static vocabularies and effect sizes of the sample-company generator. Multipliers are
// relative monthly churn hazards (1 = average); weights are relative frequencies.

/** The language of the written attribute values (region, industry, plan, channel, company names). */
export const sampleLanguages = ["en", "zh"] as const;
export type SampleLanguage = (typeof sampleLanguages)[number];

/** Internal plan ids: pricing and the simulation are keyed by these, whatever the language. */
export const plans = ["Basic", "Pro", "Enterprise"] as const;
export type Plan = (typeof plans)[number];

/** The written plan label per language. */
export const planLabels: Record<SampleLanguage, Record<Plan, string>> = {
  en: { Basic: "Basic", Pro: "Pro", Enterprise: "Enterprise" },
  zh: { Basic: "基础版", Pro: "专业版", Enterprise: "企业版" },
};

/** List price per month in USD-like units: base + perSeat × seats, seats within [minSeats, maxSeats]. */
export const planPricing: Record<Plan, { base: number; perSeat: number; minSeats: number; maxSeats: number; churn: number }> = {
  Basic: { base: 29, perSeat: 9, minSeats: 1, maxSeats: 10, churn: 1.3 },
  Pro: { base: 99, perSeat: 14, minSeats: 5, maxSeats: 60, churn: 1.0 },
  Enterprise: { base: 490, perSeat: 18, minSeats: 25, maxSeats: 600, churn: 0.55 },
};

export interface CompanySize {
  label: string;
  weight: number;
  /** Initial plan weights: Basic, Pro, Enterprise. */
  plan: [number, number, number];
  seats: [number, number];
  /** Relative ticket volume. */
  tickets: number;
  /** Relative hazard of closing down (natural churn) and of payment failures. */
  fragility: number;
}

export const companySizes: CompanySize[] = [
  { label: "1-10", weight: 0.35, plan: [0.75, 0.23, 0.02], seats: [1, 8], tickets: 0.8, fragility: 1.8 },
  { label: "11-50", weight: 0.32, plan: [0.4, 0.55, 0.05], seats: [5, 30], tickets: 1.0, fragility: 1.2 },
  { label: "51-200", weight: 0.2, plan: [0.1, 0.65, 0.25], seats: [20, 100], tickets: 1.3, fragility: 0.8 },
  { label: "201-1000", weight: 0.1, plan: [0.02, 0.38, 0.6], seats: [60, 300], tickets: 1.7, fragility: 0.5 },
  { label: "1000+", weight: 0.03, plan: [0, 0.15, 0.85], seats: [150, 600], tickets: 2.2, fragility: 0.4 },
];

export interface Level {
  /** Internal id and English label. */
  name: string;
  /** Chinese label. */
  zh: string;
  weight: number;
  churn: number;
}

export const regionsCny: Level[] = [
  { name: "East", zh: "华东", weight: 0.32, churn: 0.85 },
  { name: "North", zh: "华北", weight: 0.22, churn: 1.0 },
  { name: "South", zh: "华南", weight: 0.24, churn: 0.95 },
  { name: "Central", zh: "华中", weight: 0.13, churn: 1.2 },
  { name: "West", zh: "西部", weight: 0.09, churn: 1.45 },
];

export const regionsGlobal: Level[] = [
  { name: "North America", zh: "北美", weight: 0.42, churn: 0.9 },
  { name: "Europe", zh: "欧洲", weight: 0.3, churn: 0.95 },
  { name: "APAC", zh: "亚太", weight: 0.18, churn: 1.2 },
  { name: "LATAM", zh: "拉美", weight: 0.1, churn: 1.5 },
];

export const industries: Level[] = [
  { name: "Retail", zh: "零售", weight: 0.17, churn: 1.3 },
  { name: "Manufacturing", zh: "制造", weight: 0.15, churn: 0.8 },
  { name: "Logistics", zh: "物流", weight: 0.12, churn: 1.0 },
  { name: "Healthcare", zh: "医疗", weight: 0.1, churn: 0.75 },
  { name: "Education", zh: "教育", weight: 0.11, churn: 1.25 },
  { name: "Finance", zh: "金融", weight: 0.1, churn: 0.7 },
  { name: "Software", zh: "软件", weight: 0.15, churn: 1.1 },
  { name: "Media", zh: "传媒", weight: 0.1, churn: 1.4 },
];

export const channels: Level[] = [
  { name: "organic", zh: "自然流量", weight: 0.3, churn: 1.0 },
  { name: "paid_search", zh: "付费搜索", weight: 0.25, churn: 1.8 },
  { name: "partner", zh: "合作伙伴", weight: 0.15, churn: 0.8 },
  { name: "referral", zh: "客户推荐", weight: 0.15, churn: 0.7 },
  { name: "outbound", zh: "电话销售", weight: 0.15, churn: 1.1 },
];

/** Relative signups by calendar month (Jan…Dec): slow around New Year / Spring Festival and summer. */
export const signupSeason = [0.75, 0.7, 1.1, 1.1, 1.05, 1.0, 0.9, 0.88, 1.15, 1.15, 1.05, 0.85];
/** Relative usage by calendar month. */
export const usageSeason = [0.92, 0.85, 1.05, 1.03, 1.02, 1.0, 0.95, 0.93, 1.04, 1.05, 1.03, 0.95];

export const ticketCategories = ["billing", "bug", "how_to", "outage", "feature_request"] as const;

/** Company-name parts; a few carry characters that must survive CSV quoting and HTML escaping. */
export const brands = [
  "Acme", "Northwind", "Blue River", "Summit", "Redwood", "Silverline", "Golden Gate", "Lotus", "Harbor",
  "Orchid", "Evergreen", "Jade", "Peak", "Brightstar", "Crescent", "Falcon", "Granite", "Horizon", "Ironbridge",
  "Kestrel", "Lighthouse", "Maple", "Nimbus", "Oakridge", "Pinnacle", "Quartz", "Riverbend", "Sapphire",
  "Tidewater", "Unity", "Vertex", "Willow", "Yellowstone", "Zenith", "Sunrise", "Pearl River", "Great Wall",
  "Smith & Sons", "O'Neill", "Dragon's Gate", "Lee, Chen & Partners", "Baker & Brown", "D'Angelo", "The \"Original\"",
];

export const industryNouns: Record<string, string[]> = {
  Retail: ["Retail", "Stores", "Outfitters", "Market"],
  Manufacturing: ["Manufacturing", "Industries", "Works", "Fabrication"],
  Logistics: ["Logistics", "Freight", "Shipping", "Transport"],
  Healthcare: ["Health", "Clinics", "Medical", "Care"],
  Education: ["Academy", "Learning", "Education", "Tutoring"],
  Finance: ["Capital", "Finance", "Advisors", "Insurance"],
  Software: ["Software", "Labs", "Systems", "Digital"],
  Media: ["Media", "Studios", "Publishing", "Creative"],
};

export const nameSuffixes = ["Ltd", "Co.", "Group", "Inc.", "Holdings"];

export const scriptName = "Test Account <script>alert(1)</script>";

/** The written label of a level (region, industry, channel) in a language. */
export function levelLabel(level: Level, language: SampleLanguage): string {
  return language === "zh" ? level.zh : level.name;
}

// Chinese company names: city + brand + industry wording + legal-form suffix, e.g.
// 上海恒远物流有限公司, 深圳云帆软件科技有限公司. A few brands carry "&" so HTML escaping stays
// exercised; the script-injection test account is kept (with a Chinese prefix).
export const zhCities = [
  "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "天津", "长沙", "郑州",
  "青岛", "厦门", "宁波", "合肥", "福州", "济南", "昆明", "沈阳", "大连", "无锡", "东莞", "佛山", "南昌", "贵阳",
  "南宁", "石家庄", "太原", "哈尔滨", "长春", "兰州", "珠海", "温州", "常州", "烟台",
];

export const zhBrands = [
  "恒远", "云帆", "华信", "宏达", "鼎盛", "嘉禾", "瑞丰", "盛世", "博远", "天成", "启明", "星河", "蓝海", "金桥",
  "卓越", "联创", "明德", "弘毅", "景泰", "汇通", "信达", "安泰", "永信", "万邦", "海纳", "致远", "正元", "同创",
  "新航", "东方", "中科", "凯旋", "锦程", "和诚", "润泽", "腾跃", "鸿运", "长青", "银河", "晨光", "智汇", "远景",
  "九州", "华瑞", "德润", "泰和", "佳禾", "优联", "美华", "福瑞", "清源", "思博", "领航", "峰汇", "众合", "广益",
  "华信&合众", "金石&百川", "同泰&永昌",
];

export const zhIndustryNouns: Record<string, string[]> = {
  Retail: ["商贸", "百货", "零售连锁", "电子商务"],
  Manufacturing: ["机械制造", "精密工业", "新材料", "电子科技"],
  Logistics: ["物流", "供应链管理", "货运代理", "运输"],
  Healthcare: ["医疗器械", "健康管理", "医药科技", "生物科技"],
  Education: ["教育科技", "培训", "文化教育", "职业教育"],
  Finance: ["投资管理", "融资租赁", "金融信息服务", "保险代理"],
  Software: ["软件科技", "信息技术", "网络科技", "数据科技"],
  Media: ["文化传媒", "广告", "影视传媒", "数字传媒"],
};

/** Legal-form suffixes, the first most common. */
export const zhNameSuffixes = ["有限公司", "有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"];

export const zhScriptName = "测试账户 <script>alert(1)</script>";
