/**
 * Many `MemoryHost`s in one process over core's `MemoryNetwork` (latency,
 * loss, duplication, reordering, partitions), for in-process tests of
 * `Mesh`, `MeshBreaker` and option resolution without sockets or libp2p.
 *
 * The meshes on top run on real timers (SWIM ticks, flushes), so the
 * network's `FakeClock` is pumped in step with real time: a message with
 * 1..5 ms of latency arrives 1..5 real ms later. Tests poll for what they
 * expect with a deadline, as with real processes.
 */
import { FakeClock, MemoryNetwork } from '@breaker-mesh/core/testing'
import type { LinkConditions } from '@breaker-mesh/core/testing'
import { MemoryHost } from './MemoryHost.js'
import type { MemoryHostOptions, MemoryLinks, MemoryPacket } from './MemoryHost.js'

export interface MemoryHostNetworkOptions extends Partial<LinkConditions> {
  /** Seed of the network's PRNG (latency, loss) [1]. */
  seed?: number
  /** ms of real time between pumps of the network's clock [2]. */
  pumpMs?: number
}

export class MemoryHostNetwork implements MemoryLinks {
  readonly clock = new FakeClock(0)
  readonly network: MemoryNetwork<MemoryPacket>
  readonly #hosts = new Map<string, MemoryHost>()
  readonly #pumpMs: number
  #pump: NodeJS.Timeout | undefined
  #realNow = 0
  #next = 1

  constructor(options: MemoryHostNetworkOptions = {}) {
    const { pumpMs = 2, ...conditions } = options
    this.#pumpMs = pumpMs
    this.network = new MemoryNetwork<MemoryPacket>({ clock: this.clock, ...conditions })
  }

  /** A new host on this network (started: it receives at once). */
  host(options: MemoryHostOptions = {}): MemoryHost {
    const id = options.id ?? `mem-${this.#next++}`
    if (this.#hosts.has(id)) throw new RangeError(`a host ${JSON.stringify(id)} is already on this network`)
    const host = new MemoryHost(this, id, options)
    this.#hosts.set(id, host)
    this.#startPump()
    return host
  }

  /** The running host `id`, if any. */
  get(id: string): MemoryHost | undefined {
    return this.#hosts.get(id)
  }

  /** Split the network into groups (see `MemoryNetwork.partition`); connections stay up but carry nothing across. */
  partition(groups: readonly (readonly string[])[]): void {
    this.network.partition(groups)
  }

  /** Remove the partition. */
  heal(): void {
    this.network.heal()
  }

  /** Stop every host and the clock pump. */
  async close(): Promise<void> {
    await Promise.all([...this.#hosts.values()].map((h) => h.stop()))
    this.#stopPump()
  }

  /** A host stopped (called by the host). */
  removed(id: string): void {
    this.#hosts.delete(id)
    if (this.#hosts.size === 0) this.#stopPump()
  }

  #startPump(): void {
    if (this.#pump !== undefined) return
    this.#realNow = performance.now()
    this.#pump = setInterval(() => {
      const now = performance.now()
      this.clock.advance(Math.max(0, now - this.#realNow))
      this.#realNow = now
    }, this.#pumpMs)
    this.#pump.unref()
  }

  #stopPump(): void {
    clearInterval(this.#pump)
    this.#pump = undefined
  }
}
