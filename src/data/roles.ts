// The shared vocabulary: dataset roles and their canonical fields. A dataset's column
// mapping renames the file's columns to these names; analyses speak only this vocabulary.
// Fields not listed here are attributes (segment columns) and keep their (snake_case) names.

export const fieldTypes = ["string", "date", "number", "integer", "boolean"] as const;
export type FieldType = (typeof fieldTypes)[number];

export const roles = {
  customers: { customer_id: "string", signup_date: "date", churned: "boolean", region: "string", industry: "string", plan: "string", channel: "string" },
  subscriptions: { customer_id: "string", start_date: "date", end_date: "date", mrr: "number", plan: "string", cancel_date: "date" },
  transactions: { customer_id: "string", date: "date", amount: "number", cost: "number", quantity: "number" },
  tickets: { customer_id: "string", date: "date", category: "string", satisfaction: "number", resolved_date: "date" },
  churn_events: { customer_id: "string", date: "date", reason: "string", type: "string" },
  lifetimes: { customer_id: "string", duration: "number", event: "boolean" },
  summary: { customer_id: "string", frequency: "number", recency: "number", T: "number", monetary: "number" },
  usage: { customer_id: "string", date: "date", count: "number" },
} as const satisfies Record<string, Record<string, FieldType>>;

export type Role = keyof typeof roles;
export const roleNames = Object.keys(roles) as Role[];

export function isRole(s: string): s is Role {
  return Object.hasOwn(roles, s);
}

/** The canonical type of a field of a role, or undefined for attributes. */
export function canonicalType(role: Role, field: string): FieldType | undefined {
  return (roles[role] as Record<string, FieldType>)[field];
}

/** Text encodings a dataset file may declare (`encoding:`); files are read as UTF-8 otherwise. */
export const encodings = ["utf-8", "gb18030", "gbk", "big5", "shift_jis", "euc-kr", "latin1", "windows-1252"] as const;
export type Encoding = (typeof encodings)[number];
