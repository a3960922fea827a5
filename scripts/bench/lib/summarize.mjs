// Percentiles from HdrHistogram (hdr-histogram-js), never hand-rolled.
// Values are recorded as integers in `resolution` units (default 1 µs for
// values given in ms), with 3 significant digits: a reported percentile is
// within 0.1 % of the exact sample value.
import * as hdr from 'hdr-histogram-js'

/**
 * Summary of samples given in `unit` (e.g. ms): count, min, p50, p90, p99, max, mean.
 * `scale` converts a sample to the integer recorded (1000: ms → µs).
 * Returns null for no samples.
 */
export function summarize(samples, { scale = 1000 } = {}) {
  const values = samples.filter((v) => typeof v === 'number' && Number.isFinite(v))
  if (values.length === 0) return null
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true, numberOfSignificantValueDigits: 3 })
  for (const v of values) h.recordValue(Math.max(0, Math.round(v * scale)))
  const min = values.reduce((a, b) => Math.min(a, b))
  const max = values.reduce((a, b) => Math.max(a, b))
  // HdrHistogram reports the highest value equivalent to the bucket; never beyond the real extremes.
  const at = (p) => Math.min(max, Math.max(min, h.getValueAtPercentile(p) / scale))
  const out = {
    count: h.totalCount,
    min,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max,
    mean: h.mean / scale,
  }
  h.destroy?.()
  return out
}

/** Median of a few round results (via the same histogram), e.g. ns per call over rounds. */
export function median(samples, { scale = 1000 } = {}) {
  return summarize(samples, { scale })?.p50 ?? null
}
