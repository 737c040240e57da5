// Static vocabularies and effect sizes of the sample-company generator. Multipliers are
// relative monthly churn hazards (1 = average); weights are relative frequencies.

export const plans = ["Basic", "Pro", "Enterprise"] as const;
export type Plan = (typeof plans)[number];

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
  name: string;
  weight: number;
  churn: number;
}

export const regionsCny: Level[] = [
  { name: "East", weight: 0.32, churn: 0.85 },
  { name: "North", weight: 0.22, churn: 1.0 },
  { name: "South", weight: 0.24, churn: 0.95 },
  { name: "Central", weight: 0.13, churn: 1.2 },
  { name: "West", weight: 0.09, churn: 1.45 },
];

export const regionsGlobal: Level[] = [
  { name: "North America", weight: 0.42, churn: 0.9 },
  { name: "Europe", weight: 0.3, churn: 0.95 },
  { name: "APAC", weight: 0.18, churn: 1.2 },
  { name: "LATAM", weight: 0.1, churn: 1.5 },
];

export const industries: Level[] = [
  { name: "Retail", weight: 0.17, churn: 1.3 },
  { name: "Manufacturing", weight: 0.15, churn: 0.8 },
  { name: "Logistics", weight: 0.12, churn: 1.0 },
  { name: "Healthcare", weight: 0.1, churn: 0.75 },
  { name: "Education", weight: 0.11, churn: 1.25 },
  { name: "Finance", weight: 0.1, churn: 0.7 },
  { name: "Software", weight: 0.15, churn: 1.1 },
  { name: "Media", weight: 0.1, churn: 1.4 },
];

export const channels: Level[] = [
  { name: "organic", weight: 0.3, churn: 1.0 },
  { name: "paid_search", weight: 0.25, churn: 1.8 },
  { name: "partner", weight: 0.15, churn: 0.8 },
  { name: "referral", weight: 0.15, churn: 0.7 },
  { name: "outbound", weight: 0.15, churn: 1.1 },
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
