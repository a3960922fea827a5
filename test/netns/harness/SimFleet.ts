import { fetchView, type MeshView } from './meshView.js'

export type BreakerView = MeshView['breakers'][number]

/** Addresses of a `scripts/simulate` fleet: node nI is 10.213.<id>.(10+I), admin port 7947. */
export class SimFleet {
  constructor(
    readonly id: number,
    readonly size: number,
  ) {
    if (!Number.isInteger(id) || id < 0 || id > 255) throw new RangeError(`id must be an integer from 0 to 255, got ${id}`)
    if (!Number.isInteger(size) || size < 1 || size > 100) throw new RangeError(`size must be an integer from 1 to 100, got ${size}`)
  }

  /** 1..size */
  get indexes(): number[] {
    return Array.from({ length: this.size }, (_, k) => k + 1)
  }

  ip(i: number): string {
    return `10.213.${this.id}.${10 + i}`
  }

  admin(i: number): string {
    return `${this.ip(i)}:7947`
  }

  /** Address of the flaky upstream on the bridge. */
  get upstream(): string {
    return `10.213.${this.id}.1:8080`
  }

  /** Views of the given nodes (default all), fetched in parallel; undefined where a node did not answer. */
  views(indexes: readonly number[] = this.indexes, timeoutMs = 2_000): Promise<Array<MeshView | undefined>> {
    return Promise.all(indexes.map((i) => fetchView(this.admin(i), timeoutMs)))
  }

  static breaker(view: MeshView, name: string): BreakerView | undefined {
    return view.breakers.find((b) => b.name === name)
  }
}
