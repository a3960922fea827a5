/**
 * Strict UTF-8 decoding for the wire reader: shortest forms only, no
 * surrogates, nothing above U+10FFFF; a string that breaks a rule is refused,
 * never repaired.
 */

/** `ignoreBOM` keeps a leading U+FEFF: it is part of the string, not a byte order mark. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })
const fromCharCode = String.fromCharCode

/** The string `buf[start..stop)` encodes, or undefined when it is not strict UTF-8. */
export function decodeUtf8(buf: Uint8Array, start: number, stop: number): string | undefined {
  const n = stop - start
  if (n === 0) return ''
  let i = start
  while (i < stop && (buf[i] as number) < 0x80) i++
  if (i < stop) return isUtf8(buf, i, stop) ? utf8.decode(buf.subarray(start, stop)) : undefined
  if (n > 1024) return utf8.decode(buf.subarray(start, stop))
  // ASCII: one fromCharCode over the byte values beats TextDecoder on short strings
  const codes = new Array<number>(n)
  for (let k = 0; k < n; k++) codes[k] = buf[start + k] as number
  return fromCharCode.apply(null, codes)
}

/** Strict UTF-8 (RFC 3629): shortest forms only, no surrogates, nothing above U+10FFFF. */
export function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start
  while (i < end) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lo = 0xa0
      else if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lo = 0x90
      else if (b === 0xf4) hi = 0x8f
    } else return false
    // the sequence is bytes i..i+need, all inside the string
    if (i + need >= end) return false
    const b1 = bytes[i + 1] as number
    if (b1 < lo || b1 > hi) return false
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number
      if (c < 0x80 || c > 0xbf) return false
    }
    i += need + 1
  }
  return true
}
