// What the namespace-fleet suites (heal, loss) share: they run in full mode
// only, as root on Linux; otherwise they record why they measured nothing.
import { NetnsFleet, netnsUnavailable } from '../../sim/NetnsFleet.mjs'
import { notMeasuredRow } from './targets.mjs'

/**
 * The suite's namespace fleet (not up yet: call `up()`), or null after recording
 * in `out` why it cannot run here: in quick mode `quick.reason` (and the shorter
 * `quick.note` in the summary row), else what netnsUnavailable() says. The fleet
 * keeps its state in /tmp/bmsim-bench<id>, apart from a demo's.
 */
export function netnsFleetFor(ctx, out, { id, size, what, metric, target, quick }) {
  const why = ctx.quick ? null : netnsUnavailable()
  if (ctx.quick || why) {
    out.notMeasured.push({ what, reason: ctx.quick ? `full mode only: ${quick.reason}` : why })
    out.summary.push(notMeasuredRow(metric, target, ctx.quick ? `full mode only (${quick.note})` : why))
    return null
  }
  return new NetnsFleet({ id, size, env: { BMSIM_STATE_DIR: `/tmp/bmsim-bench${id}` }, log: ctx.log })
}
