// The branded string the renderer may insert unescaped. Only charts/ mints it, from markup
// it serialised itself through the DOM (so every data value in it was escaped as text);
// templates may triple-stash a TrustedSvg and nothing else (a test scans for this).

declare const trustedSvgBrand: unique symbol;

/** SVG/figure markup produced by charts/: safe to insert into HTML as is. */
export type TrustedSvg = string & { readonly [trustedSvgBrand]: true };

/** Brands DOM-serialised markup. Internal to charts/: never call it on text from a user or data. */
export function trustSerializedSvg(markup: string): TrustedSvg {
  return markup as TrustedSvg;
}

export function isTrustedSvg(value: unknown): value is TrustedSvg {
  return typeof value === "string" && /^<(svg|figure)\b/.test(value);
}
