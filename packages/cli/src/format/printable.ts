/**
 * Characters a terminal must never receive from the network: control
 * characters (C0, DEL, C1: they move the cursor, clear the screen, rewrite
 * earlier lines; U+009B alone starts an escape sequence on some terminals),
 * format characters (bidi overrides and isolates U+202A–U+202E,
 * U+2066–U+2069, U+061C, LRM/RLM, zero-width and tag characters: text that
 * reads differently from what it is), line and paragraph separators, and
 * lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu

/**
 * Make text from the network safe for a terminal: every unsafe character
 * becomes '?'. Names, ids and reasons come from peers (or from whatever
 * server --admin points at), so every human-readable line passes through here.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, '?')
}

/**
 * What JSON.stringify leaves raw inside strings: it escapes C0 and lone
 * surrogates itself, and a raw C0 in its output is the indentation's newline.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu

/**
 * `JSON.stringify(value, null, indent)` with every unsafe character inside
 * strings written as a `\uXXXX` escape: the same JSON document (a parser
 * reads back the exact value), but nothing a terminal would act on.
 */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (ch) => {
    let escaped = ''
    for (let i = 0; i < ch.length; i++) escaped += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`
    return escaped
  })
}
