/**
 * Characters that must never reach a scrape raw: control characters (C0, DEL,
 * C1: a terminal showing `curl /metrics` would act on ESC sequences, CR
 * rewrites lines), format characters (bidi overrides U+202A–U+202E,
 * U+2066–U+2069, U+061C, LRM/RLM, zero-width and tag characters, which make
 * text read differently from what it is), line and paragraph separators, and
 * lone surrogates (not UTF-8).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu

/**
 * A Prometheus label value that prints as what it is: every unsafe character
 * becomes the visible text `\uXXXX` (`\u{XXXXX}` past the BMP). Breaker names
 * are limited to a printable set, but an old or hostile record may carry
 * anything; the exposition format itself escapes only `\`, `"` and newline.
 */
export function safeLabelValue(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const cp = ch.codePointAt(0) ?? 0
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`
  })
}

/**
 * Safe label values for `names`, distinct from each other: if two names
 * escape to the same text (only possible with unsafe characters), the later
 * ones get ` #2`, ` #3`… so their series never merge.
 */
export function safeLabelValues(names: readonly string[]): string[] {
  const used = new Set<string>()
  return names.map((name) => {
    const base = safeLabelValue(name)
    let label = base
    for (let n = 2; used.has(label); n++) label = `${base} #${n}`
    used.add(label)
    return label
  })
}
