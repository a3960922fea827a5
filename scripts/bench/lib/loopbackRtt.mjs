// The floor under any propagation time: one TCP round trip between two
// processes over loopback, measured in the same run as the fleet numbers.
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { JsonLinesProcess } from '../../lib/JsonLinesProcess.mjs'
import { withTimeout } from '../../lib/poll.mjs'

const ECHO = fileURLToPath(new URL('../fixtures/rtt-echo.mjs', import.meta.url))

/** `count` sequential 1-byte ping-pongs with an echo process (TCP_NODELAY); resolves with the RTTs in ms. */
export async function loopbackRtt({ count = 1000, timeoutMs = 20_000 } = {}) {
  const echo = new JsonLinesProcess('rtt-echo', ECHO)
  try {
    const { port } = await echo.whenReady(timeoutMs)
    const socket = connect({ port, host: '127.0.0.1', noDelay: true })
    await withTimeout(new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject)), timeoutMs, 'connect')
    const rtts = []
    const byte = Buffer.from([1])
    const once = () =>
      new Promise((resolve) => {
        const t0 = performance.now()
        socket.once('data', () => resolve(performance.now() - t0))
        socket.write(byte)
      })
    await withTimeout(
      (async () => {
        for (let i = 0; i < 50; i++) await once() // warm-up
        for (let i = 0; i < count; i++) rtts.push(await once())
      })(),
      timeoutMs,
      `${count} loopback round trips`,
    )
    socket.destroy()
    return rtts
  } finally {
    await echo.stop(1000)
  }
}
