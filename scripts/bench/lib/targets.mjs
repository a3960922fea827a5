// A summary row: one measured figure next to its target, and whether it is met.
// Every suite reports through `row()` so BENCHMARKS.md can render any suite's
// JSON with the same table.

/** Format a number with about 3 significant digits and thousands separators. */
export function fmt(value, unit = '') {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a'
  const abs = Math.abs(value)
  let text
  if (abs >= 1000) text = Math.round(value).toLocaleString('en-US')
  else if (abs >= 100) text = value.toFixed(0)
  else if (abs === 0) text = '0'
  else text = String(Number(value.toPrecision(3))) // 3 significant digits, no trailing zeros
  return unit ? `${text} ${unit}` : text
}

const OPS = {
  '<=': { text: '≤', test: (v, t) => v <= t },
  '>=': { text: '≥', test: (v, t) => v >= t },
  '==': { text: '=', test: (v, t) => v === t },
}

/** A target: `target('<=', 50, 'ms')` → "≤ 50 ms". */
export function target(op, value, unit = '') {
  const o = OPS[op]
  if (!o) throw new RangeError(`target: op must be one of ${Object.keys(OPS).join(', ')}, got ${JSON.stringify(op)}`)
  return { op, value, unit, text: `${o.text} ${fmt(value, unit)}` }
}

/**
 * One row of a suite's summary. `value` in `unit`; `target` from `target()` or
 * null (informational). `met` is null when there is no target or no value.
 * `ref: true` also lists the row beside the reference figures in BENCHMARKS.md.
 */
export function row({ metric, value, unit = '', target: t = null, note = '', text, ref = false }) {
  const measured = value === null || value === undefined || Number.isNaN(value) ? null : value
  const met = t === null || measured === null ? null : OPS[t.op].test(measured, t.value)
  return {
    metric,
    value: measured,
    unit,
    measured: text ?? fmt(measured, unit),
    target: t === null ? null : t.text,
    targetSpec: t,
    met,
    note,
    ...(ref ? { ref: true } : {}),
  }
}

/** A row for something that could not be measured in this run, with the reason. */
export function notMeasuredRow(metric, t, reason) {
  return { metric, value: null, unit: t?.unit ?? '', measured: 'not measured', target: t?.text ?? null, targetSpec: t, met: null, note: reason }
}
