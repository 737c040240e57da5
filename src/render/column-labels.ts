// Labels that are not in the declared outputs: a table column's header and format come from its
// declaration (render/output-formats.ts: the label or description, the format); only a column
// nothing declares — new in a transform, or named after the data — is headed by its humanised
// name. Dataset roles as readers name them (the catalogue's roles).

import type { Locale } from "../core/vocabulary.js";
import { msg } from "../locales/index.js";

/** The header of an undeclared column (new in a transform, or named after the data): its name, humanised. */
export function columnLabel(key: string): string {
  const human = key.replace(/_/g, " ");
  return human.charAt(0).toUpperCase() + human.slice(1);
}

/** A dataset role as readers name it. */
export function roleLabel(role: string, locale: Locale): string {
  const names = msg(locale).roles;
  return Object.hasOwn(names, role) ? names[role as keyof typeof names] : role;
}
