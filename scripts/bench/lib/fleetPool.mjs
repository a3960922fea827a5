// One idle fleet may be handed from a suite to the next when both want the same
// size and profile: starting 10 processes costs ~10 s of CPU on a small machine,
// and the quick run must stay under 3 minutes. Suites that leave a fleet in a
// different shape (kills not replaced, extra records that matter) do not release it.
import { Fleet } from './Fleet.mjs'

/**
 * A running, fully meshed fleet of `size` nodes on `profile`: the pooled one if
 * it matches (its event switch set to `events`), else a new one (the pooled one,
 * if any, is stopped first so two fleets never compete for the cores).
 */
export async function acquireFleet(ctx, { size, profile = 'local', label, events }) {
  const pooled = ctx.pool.fleet
  ctx.pool.fleet = null
  if (pooled && pooled.size === size && pooled.profile === profile && pooled.live.length === size) {
    pooled.adopt({ signal: ctx.signal, log: ctx.log })
    try {
      await pooled.setEvents(events)
      await pooled.waitMembership({ timeoutMs: 30_000 })
      ctx.log(`reusing the fleet of ${size} left by the previous suite`)
      return pooled
    } catch (err) {
      ctx.log(`pooled fleet unusable (${err.message}); starting a new one`)
    }
  }
  if (pooled) await pooled.stop()
  const fleet = new Fleet({ label, profile, events, log: ctx.log, signal: ctx.signal })
  try {
    await fleet.start(size)
  } catch (err) {
    await fleet.stop()
    throw err
  }
  return fleet
}

/** Done with `fleet`: keep it for the next suite if it is whole and the suite was not stopped, else stop it. */
export async function releaseFleet(ctx, fleet, { reusable = true } = {}) {
  if (reusable && !ctx.aborted && fleet.size !== undefined && fleet.live.length === fleet.size) {
    fleet.adopt({ signal: undefined, log: () => {} })
    ctx.pool.fleet = fleet
    return
  }
  await fleet.stop()
}
