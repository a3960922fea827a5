import { MessageSize } from '../wire/MessageSize.js'

/**
 * Fills messages one list at a time: an item goes into the current message
 * while its list is under its count limit and the message's encoded size
 * (`MessageSize`) has room, else a new message starts with it. What push-pull
 * parts and gossip deltas are cut with, whatever sections they carry.
 */
export class Packer<P> {
  readonly parts: P[] = []
  private size: MessageSize

  constructor(
    private readonly self: string,
    private readonly limit: number,
    private readonly empty: () => P,
    public current: P = empty(),
  ) {
    this.size = new MessageSize(limit).id(self)
  }

  put<T>(items: readonly T[], list: (p: P) => T[], max: number, add: (size: MessageSize, item: T) => boolean): void {
    for (const item of items) {
      if (list(this.current).length >= max || !add(this.size, item)) {
        this.parts.push(this.current)
        this.current = this.empty()
        this.size = new MessageSize(this.limit).id(this.self)
        add(this.size, item)
      }
      list(this.current).push(item)
    }
  }

  /** Every message, the current one included. */
  done(): P[] {
    return [...this.parts, this.current]
  }
}
