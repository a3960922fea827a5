import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import type { Opinion } from '../table/Opinion.js'
import { Fault } from './Fault.js'
import { LAYOUT } from './layout.js'
import { WIRE_LIMITS, type Update } from './messages.js'
import type { MsgpackReader } from './MsgpackReader.js'
import {
  readBound,
  readDigest,
  readMembers,
  readMemberUpdates,
  readNames,
  readOpinions,
  readOpinionUpdates,
  readRecords,
  readRecordUpdates,
} from './readItems.js'

/**
 * Readers of a message's sections (see `layout.ts`), one per message shape.
 * The known kinds come at most once each, in kind order, and only where
 * `LAYOUT.sectionsAllowed` lists them; any other kind is skipped and counted.
 */

const K = LAYOUT.section
const A = LAYOUT.sectionsAllowed
const T = LAYOUT.typeCode

/** Sections of unknown kinds skipped since `startMessage` (decoding is synchronous, one message at a time). */
let skipped = 0

/** Start counting the skipped sections of a new message. */
export function startMessage(): void {
  skipped = 0
}

/** Sections of unknown kinds skipped in the message being read. */
export function skippedSections(): number {
  return skipped
}

/**
 * Read the header of section `i` and return its kind, after checking that a
 * message whose allowed kinds are `allowed` may carry it after a section of
 * kind `last`; -1 for a kind this build does not know (skipped, payload and all).
 */
function nextSection(r: MsgpackReader, i: number, allowed: number, last: number): number {
  let kind: number
  try {
    r.tuple('', 2, 'a section [kind, payload]')
    kind = r.uint('kind')
  } catch (e) {
    throw Fault.within(e, `sections[${i}]`)
  }
  const name = LAYOUT.sectionName[kind]
  if (name === undefined) {
    r.skip(`sections[${i}].payload`)
    skipped++
    return -1
  }
  if ((allowed & (1 << kind)) === 0) throw new Fault('bad-field', `sections[${i}]`, `a ${name} section does not belong in this message type`)
  if (kind <= last) throw new Fault('bad-field', `sections[${i}]`, `the ${name} section is repeated or out of kind order`)
  return kind
}

function sectionCount(r: MsgpackReader): number {
  return r.array('sections', WIRE_LIMITS.maxSections)
}

/** A delta's sections: its records, and its opinions (null: no opinions section). */
export function readDeltaSections(r: MsgpackReader, ids: readonly string[]): { records: BreakerRecord[]; opinions: Opinion[] | null } {
  let records: BreakerRecord[] | null = null
  let opinions: Opinion[] | null = null
  const n = sectionCount(r)
  for (let i = 0, last = -1; i < n; i++) {
    const kind = nextSection(r, i, A[T.delta], last)
    if (kind < 0) continue
    last = kind
    if (kind === K.records) records = readRecords(r, ids)
    else opinions = readOpinions(r, ids)
  }
  return { records: records ?? [], opinions }
}

/** A ping's, ack's or ping-req's sections: the piggybacked updates, members first, then records, then opinions. */
export function readUpdateSections(r: MsgpackReader, ids: readonly string[]): Update[] {
  let updates: Update[] | null = null
  const n = sectionCount(r)
  for (let i = 0, last = -1; i < n; i++) {
    const kind = nextSection(r, i, A[T.ping], last)
    if (kind < 0) continue
    last = kind
    if (kind === K.members) updates = readMemberUpdates(r, ids)
    else if (kind === K.records) updates = readRecordUpdates(r, ids, updates ?? [])
    else updates = readOpinionUpdates(r, ids, updates ?? [])
  }
  return updates ?? []
}

interface SyncRequestSections {
  members: Member[]
  digest: DigestEntry[]
  after: string
  through: string | null
  opinions: Opinion[] | null
}

/** A sync-req's sections: its members, the digest of its name range (absent: the empty range), its opinions (null: none). */
export function readSyncRequestSections(r: MsgpackReader, ids: readonly string[]): SyncRequestSections {
  const out: SyncRequestSections = { members: [], digest: [], after: '', through: '', opinions: null }
  const n = sectionCount(r)
  for (let i = 0, last = -1; i < n; i++) {
    const kind = nextSection(r, i, A[T['sync-req']], last)
    if (kind < 0) continue
    last = kind
    if (kind === K.members) {
      out.members = readMembers(r, ids)
    } else if (kind === K.opinions) {
      out.opinions = readOpinions(r, ids)
    } else {
      r.tuple('digest', 3, 'a digest section [after, through, entries]')
      out.after = readBound(r, 'after')
      out.through = r.nil() ? null : readBound(r, 'through')
      out.digest = readDigest(r, ids)
    }
  }
  return out
}

interface SyncResponseSections {
  members: Member[]
  records: BreakerRecord[]
  want: string[]
  opinions: Opinion[] | null
}

/** A sync-res's sections: members, records, wanted names, opinions (null: none). */
export function readSyncResponseSections(r: MsgpackReader, ids: readonly string[]): SyncResponseSections {
  const out: SyncResponseSections = { members: [], records: [], want: [], opinions: null }
  const n = sectionCount(r)
  for (let i = 0, last = -1; i < n; i++) {
    const kind = nextSection(r, i, A[T['sync-res']], last)
    if (kind < 0) continue
    last = kind
    if (kind === K.members) out.members = readMembers(r, ids)
    else if (kind === K.records) out.records = readRecords(r, ids)
    else if (kind === K.want) out.want = readNames(r, 'want', WIRE_LIMITS.maxWantNames)
    else out.opinions = readOpinions(r, ids)
  }
  return out
}
