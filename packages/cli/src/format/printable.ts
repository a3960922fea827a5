/**
 * Make text from the network safe for a terminal: control characters (which
 * could move the cursor or rewrite earlier lines) and bidirectional overrides
 * become '?'. Names and reasons come from peers, so every human-readable line
 * passes through here.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?')
}
