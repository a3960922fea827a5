import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { WIRE_LIMITS, type DigestEntry } from '../wire/messages.js'
import { MessageSize } from '../wire/MessageSize.js'

/** One part of a sync request, before it gets its envelope. */
export interface RequestPart {
  readonly members: Member[]
  readonly digest: DigestEntry[]
  readonly after: string
  readonly through: string | null
}

/** One message of the answer to one request part. */
export interface AnswerPart {
  readonly members: Member[]
  readonly records: BreakerRecord[]
  readonly want: string[]
}

const byName = (a: DigestEntry, b: DigestEntry): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/**
 * Cut a sync request into parts that each fit one message: members first,
 * then the digest sorted by name, so every part with digest entries covers a
 * contiguous name range. The ranges partition all names: each part with
 * entries covers (previous part's last name, its own last name], the last one
 * reaches to the end (`through: null`); parts with members only have an empty
 * range ('', ''). With no digest at all the last part covers every name.
 */
export function requestParts(self: string, members: readonly Member[], digest: readonly DigestEntry[], limit = WIRE_LIMITS.maxMessageBytes): RequestPart[] {
  const sorted = [...digest].sort(byName)
  const parts: Array<{ members: Member[]; digest: DigestEntry[] }> = []
  let current = { members: [] as Member[], digest: [] as DigestEntry[] }
  let size = new MessageSize(limit).id(self)
  const next = (): void => {
    parts.push(current)
    current = { members: [], digest: [] }
    size = new MessageSize(limit).id(self)
  }
  for (const m of members) {
    if (current.members.length >= WIRE_LIMITS.maxMembers || !size.addMember(m)) {
      next()
      size.addMember(m)
    }
    current.members.push(m)
  }
  for (const e of sorted) {
    if (current.digest.length >= WIRE_LIMITS.maxRecordsPerMessage || !size.addDigestEntry(e)) {
      next()
      size.addDigestEntry(e)
    }
    current.digest.push(e)
  }
  parts.push(current)
  const lastWithDigest = parts.reduce((last, p, i) => (p.digest.length > 0 ? i : last), -1)
  let after = ''
  return parts.map((p, i) => {
    if (p.digest.length === 0) {
      const everything = lastWithDigest === -1 && i === parts.length - 1
      return { ...p, after: '', through: everything ? null : '' }
    }
    const part = { ...p, after, through: i === lastWithDigest ? null : (p.digest[p.digest.length - 1] as DigestEntry)[0] }
    after = part.through ?? after
    return part
  })
}

/** Whether `name` lies in the range (`after`, `through`]. */
export function inRange(name: string, after: string, through: string | null): boolean {
  return name > after && (through === null || name <= through)
}

/**
 * Cut the answer to one request part into messages that each fit: members,
 * then records, then wanted names. Always at least one (possibly empty)
 * message, so the requester learns that the part is done.
 */
export function answerParts(
  self: string,
  members: readonly Member[],
  records: readonly BreakerRecord[],
  want: readonly string[],
  limit = WIRE_LIMITS.maxMessageBytes,
): AnswerPart[] {
  const parts: AnswerPart[] = []
  let current: AnswerPart = { members: [], records: [], want: [] }
  let size = new MessageSize(limit).id(self)
  const next = (): void => {
    parts.push(current)
    current = { members: [], records: [], want: [] }
    size = new MessageSize(limit).id(self)
  }
  for (const m of members) {
    if (current.members.length >= WIRE_LIMITS.maxMembers || !size.addMember(m)) {
      next()
      size.addMember(m)
    }
    current.members.push(m)
  }
  for (const r of records) {
    if (current.records.length >= WIRE_LIMITS.maxRecordsPerMessage || !size.addRecord(r)) {
      next()
      size.addRecord(r)
    }
    current.records.push(r)
  }
  for (const n of want) {
    if (current.want.length >= WIRE_LIMITS.maxWantNames || !size.addName(n)) {
      next()
      size.addName(n)
    }
    current.want.push(n)
  }
  parts.push(current)
  return parts
}
