/** A breaker state or member status in colour *and* words (and a shape), never colour alone. */

const SYMBOLS: Record<string, string> = {
  open: '●',
  'half-open': '◐',
  closed: '○',
  alive: '●',
  suspect: '◐',
  dead: '✕',
  left: '–',
}

export function StateBadge({ value }: { value: string }) {
  return (
    <span class={`badge s-${value}`}>
      <span aria-hidden="true">{SYMBOLS[value] ?? '?'}</span> <span class="word">{value}</span>
    </span>
  )
}
