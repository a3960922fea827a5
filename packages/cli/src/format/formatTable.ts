/**
 * Align `rows` under `headers` in columns separated by two spaces; the last
 * column is not padded, so long values (addresses, reasons) do not push
 * trailing blanks. Cells are used as given: pass them through `printable()`.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows]
  const widths = headers.map((_, col) => Math.max(...all.map((row) => [...(row[col] ?? '')].length)))
  return all
    .map((row) =>
      headers
        .map((_, col) => {
          const cell = row[col] ?? ''
          return col === headers.length - 1 ? cell : cell + ' '.repeat((widths[col] ?? 0) - [...cell].length)
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
