// The natural order of ordinal categories. Labels such as company sizes ("1-10", "11-50",
// "51-200", "201-1000", "1000+") sort as text into 1-10, 1000+, 11-50 …; read by their
// leading number they sort as a reader expects.

/** The number a label starts with ("11-50" → 11, "1000+" → 1000, "<10" → 10), or null. */
function leadingNumber(label: string): number | null {
  const m = /^\s*[<>≤≥~]?\s*(\d+(?:[.,]\d+)?)/.exec(label);
  return m ? Number(m[1]!.replace(",", ".")) : null;
}

/** Whether every label starts with a number: then they are ordered ranges, not names. */
export function isNumberedOrdinal(labels: readonly string[]): boolean {
  return labels.length > 0 && labels.every((l) => leadingNumber(l) !== null);
}

/** Compares two labels by their leading numbers ("<10" before "10-49"), then as text. */
export function compareNatural(a: string, b: string): number {
  const x = leadingNumber(a), y = leadingNumber(b);
  if (x !== null && y !== null && x !== y) return x - y;
  if (x !== null && y !== null) {
    // Same number: "<10" (below) before "10" before "10+" (above).
    const rank = (s: string) => (/^\s*[<≤]/.test(s) ? 0 : /[+>≥]\s*$/.test(s) ? 2 : 1);
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
