/**
 * A local write of a new breaker name when the table already holds
 * `maxRecords` names. Existing names can still be written. Raise `maxRecords`
 * or use fewer breaker names (one per downstream dependency, not per URL).
 */
export class TableFullError extends Error {
  readonly code = 'ERR_TABLE_FULL'
  override readonly name = 'TableFullError'
  /** The name that could not be added. */
  readonly breaker: string
  readonly maxRecords: number

  constructor(breaker: string, maxRecords: number) {
    super(`breaker table is full (${maxRecords} names): cannot add "${breaker.slice(0, 40)}"; raise maxRecords or use fewer breaker names`)
    this.breaker = breaker
    this.maxRecords = maxRecords
  }
}
