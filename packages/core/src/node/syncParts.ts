import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { Opinion } from '../table/Opinion.js'
import { WIRE_LIMITS, type DigestEntry } from '../wire/messages.js'
import { Packer } from './Packer.js'

/** One part of a sync request, before it gets its envelope. */
export interface RequestPart {
  readonly members: Member[]
  readonly digest: DigestEntry[]
  readonly opinions: Opinion[]
  readonly after: string
  readonly through: string | null
}

/** One message of the answer to one request part. */
export interface AnswerPart {
  readonly members: Member[]
  readonly records: BreakerRecord[]
  readonly want: string[]
  readonly opinions: Opinion[]
}

const byName = (a: DigestEntry, b: DigestEntry): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/**
 * Cut a sync request into parts that each fit one message: members first,
 * then the digest sorted by name, so every part with digest entries covers a
 * contiguous name range, then the opinions (which belong to no range). The
 * ranges partition all names: each part with entries covers (previous part's
 * last name, its own last name], the last one reaches to the end (`through:
 * null`); parts without digest entries have an empty range ('', ''). With no
 * digest at all the last part covers every name.
 */
export function requestParts(
  self: string,
  members: readonly Member[],
  digest: readonly DigestEntry[],
  opinions: readonly Opinion[] = [],
  limit = WIRE_LIMITS.maxMessageBytes,
): RequestPart[] {
  const sorted = [...digest].sort(byName)
  const packer = new Packer(self, limit, () => ({ members: [] as Member[], digest: [] as DigestEntry[], opinions: [] as Opinion[] }))
  packer.put(members, (p) => p.members, WIRE_LIMITS.maxMembers, (size, m) => size.addMember(m))
  packer.put(sorted, (p) => p.digest, WIRE_LIMITS.maxRecordsPerMessage, (size, e) => size.addDigestEntry(e))
  packer.put(opinions, (p) => p.opinions, WIRE_LIMITS.maxOpinionsPerMessage, (size, o) => size.addOpinion(o))
  const parts = packer.done()
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
 * then records, then wanted names, then opinions. Always at least one
 * (possibly empty) message, so the requester learns that the part is done.
 */
export function answerParts(
  self: string,
  members: readonly Member[],
  records: readonly BreakerRecord[],
  want: readonly string[],
  opinions: readonly Opinion[] = [],
  limit = WIRE_LIMITS.maxMessageBytes,
): AnswerPart[] {
  const packer = new Packer<AnswerPart>(self, limit, () => ({ members: [], records: [], want: [], opinions: [] }))
  packer.put(members, (p) => p.members, WIRE_LIMITS.maxMembers, (size, m) => size.addMember(m))
  packer.put(records, (p) => p.records, WIRE_LIMITS.maxRecordsPerMessage, (size, r) => size.addRecord(r))
  packer.put(want, (p) => p.want, WIRE_LIMITS.maxWantNames, (size, n) => size.addName(n))
  packer.put(opinions, (p) => p.opinions, WIRE_LIMITS.maxOpinionsPerMessage, (size, o) => size.addOpinion(o))
  const parts = packer.done()
  return parts
}
