import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import { Fault } from './Fault.js'
import { LAYOUT } from './layout.js'
import { WIRE_LIMITS, type Update } from './messages.js'
import type { MsgpackReader } from './MsgpackReader.js'
import { readBound, readDigest, readMembers, readMemberUpdates, readNames, readRecords, readRecordUpdates } from './readItems.js'

const L = WIRE_LIMITS
const K = LAYOUT.section

/** The known sections of one message, as read (absent ones are `NONE`: see `own`). */
export interface Sections {
  members: Member[]
  records: BreakerRecord[]
  /** Piggybacked updates (SWIM messages): the members, then the records. */
  updates: Update[]
  digest: DigestEntry[]
  after: string
  through: string | null
  want: string[]
  /** Sections of unknown kinds skipped. */
  skipped: number
}

const NONE: never[] = []

/** The one `Sections` the decoder fills (decoding is synchronous and not re-entrant, like the reader): no allocation per message. */
const scratch: Sections = { members: NONE, records: NONE, updates: NONE, digest: NONE, after: '', through: '', want: NONE, skipped: 0 }

/**
 * The sections of a message of type code `t`: each known kind at most once,
 * in kind order, and only where `LAYOUT.sectionsAllowed` lists it; any other
 * kind is skipped (see `layout.ts`).
 */
export function readSections(r: MsgpackReader, ids: readonly string[], t: number): Sections {
  const out = scratch
  out.members = out.records = out.updates = out.digest = out.want = NONE
  out.after = out.through = ''
  out.skipped = 0
  const n = r.array('sections', L.maxSections)
  const allowed = LAYOUT.sectionsAllowed[t] as number
  const swim = t <= LAYOUT.typeCode['ping-req']
  let last = -1
  for (let i = 0; i < n; i++) {
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
      out.skipped++
      continue
    }
    if ((allowed & (1 << kind)) === 0) {
      throw new Fault('bad-field', `sections[${i}]`, `a ${name} section does not belong in this message type`)
    }
    if (kind <= last) throw new Fault('bad-field', `sections[${i}]`, `the ${name} section is repeated or out of kind order`)
    last = kind
    switch (kind) {
      case K.members:
        if (swim) out.updates = readMemberUpdates(r, ids)
        else out.members = readMembers(r, ids)
        break
      case K.records:
        if (swim) out.updates = readRecordUpdates(r, ids, out.updates === NONE ? [] : out.updates)
        else out.records = readRecords(r, ids)
        break
      case K.digest:
        r.tuple('digest', 3, 'a digest section [after, through, entries]')
        out.after = readBound(r, 'after')
        out.through = r.nil() ? null : readBound(r, 'through')
        out.digest = readDigest(r, ids)
        break
      default:
        // K.want, the only kind left
        out.want = readNames(r, 'want', L.maxWantNames)
    }
  }
  return out
}

/** A section's list, or a fresh empty one for a section that was absent. */
export function own<T>(list: T[]): T[] {
  return list === NONE ? [] : list
}
