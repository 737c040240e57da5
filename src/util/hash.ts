// A short, stable name for a text: the engine's temporary tables are named after the SQL or the
// params that fill them, so that two cells asking for the same table share it.

/** A 64-bit FNV-1a hash of a text, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}
