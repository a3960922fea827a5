import { randomIndex, shuffle } from './random.js'
import type { NodeId } from '../types.js'

/**
 * SWIM's probe order: a shuffled round-robin over the probe candidates. Each
 * pass visits every candidate once, then the list is reshuffled; a member that
 * becomes a candidate mid-pass is inserted at a random position still ahead, so
 * it is probed within the current pass. Entries that stopped being candidates
 * are skipped lazily.
 */
export class ProbeOrder {
  private list: NodeId[] = []
  private listed = new Set<NodeId>()
  private index = 0

  constructor(private readonly random: () => number) {}

  /** A member became a probe candidate (new, or back from dead). */
  add(id: NodeId): void {
    if (this.listed.has(id)) return
    const at = this.index + randomIndex(this.random, this.list.length - this.index + 1)
    this.list.splice(at, 0, id)
    this.listed.add(id)
  }

  /**
   * The next member to probe: the next listed one that `eligible` accepts;
   * at the end of a pass the list is rebuilt from `candidates()` and shuffled.
   * Undefined when there is nobody to probe.
   */
  next(eligible: (id: NodeId) => boolean, candidates: () => NodeId[]): NodeId | undefined {
    for (let pass = 0; pass < 2; pass++) {
      while (this.index < this.list.length) {
        const id = this.list[this.index++] as NodeId
        if (eligible(id)) return id
      }
      this.list = shuffle(candidates(), this.random)
      this.listed = new Set(this.list)
      this.index = 0
    }
    return undefined
  }
}
