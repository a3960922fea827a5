/**
 * The positional wire layout (internal; the in-memory types are in `messages.ts`).
 *
 * Every message is one MessagePack array, and so is every record, member,
 * update and digest entry inside it: no map keys travel, so a one-record delta
 * is about half the bytes of the keyed form, and decoding never builds
 * objects from peer-chosen keys. Node ids (libp2p peer ids are ~52 characters
 * and appear as sender, origin, prober, member id and vector-clock key) are
 * sent once per message in an id table and referenced by index, which keeps a
 * full sync with wide vector clocks within `maxMessageBytes`.
 *
 * Only these MessagePack types appear: nil, bool, int, float, str, array.
 *
 * ```
 * envelope   [v, type, ids, from, ...body]   v = PROTOCOL_VERSION as a positive fixint,
 *                                            ids = [nodeId, ...] (each 1..maxIdLength of
 *                                            printable ASCII without spaces),
 *                                            from = index into ids
 * ping       [v, 1, ids, from, seq, updates]
 * ack        [v, 2, ids, from, seq, updates]
 * ping-req   [v, 3, ids, from, seq, target, updates]        target = index into ids
 * delta      [v, 4, ids, from, records]
 * sync-req   [v, 5, ids, from, join, members, digest,      join = bool
 *             session, part, parts, after, through]         after = name or '', through = name, '' or nil
 * sync-res   [v, 6, ids, from, members, records, want,     want = [name, ...]
 *             session, part, messages]                      messages = answer messages for that part
 *
 * update     [0, member] | [1, record]
 * member     [id, name, addrs, incarnation, status]         id = index; addrs = [string, ...]
 *                                                           status 0 alive, 1 suspect, 2 dead, 3 left
 * record     [name, state, override, cooldownMs, openCount, prober, reason,
 *             origin, lamport, vclock, wallTime]
 *            state 0 closed, 1 open, 2 half-open; override 0 none, 1 forced-open,
 *            2 forced-closed; prober = index or nil; origin = index;
 *            vclock = [idIndex, counter, idIndex, counter, ...]
 * digest     [[name, lamport, origin], ...]                 origin = index
 * ```
 *
 * Every breaker name (record, digest, want, sync range) matches
 * `BREAKER_NAME_PATTERN`; every vector-clock counter is at most its record's
 * lamport; `openCount` is at most `MAX_OPEN_COUNT`.
 *
 * Any later version must keep the envelope's first element a positive fixint
 * version, so that older nodes answer `unsupported-version`.
 *
 * Changes within protocol version 1 (before any release): sync-req gained
 * `session, part, parts, after, through` (paged push-pull) and sync-res
 * `session, part, messages`. The envelope lengths changed with them (7 → 12 and
 * 7 → 10), so a node built before the change and one built after refuse each
 * other's sync messages as `bad-field` (counted, never misread) while SWIM and
 * deltas still pass; run one build per fleet.
 */
export const LAYOUT = {
  typeCode: { ping: 1, ack: 2, 'ping-req': 3, delta: 4, 'sync-req': 5, 'sync-res': 6 },
  /** Array length of each envelope, by type code. */
  envelopeLength: [0, 6, 6, 7, 5, 12, 10],
  updateKind: { member: 0, record: 1 },
  memberLength: 5,
  recordLength: 11,
  digestEntryLength: 3,
  state: { closed: 0, open: 1, 'half-open': 2 },
  override: { none: 0, 'forced-open': 1, 'forced-closed': 2 },
  status: { alive: 0, suspect: 1, dead: 2, left: 3 },
  /**
   * Most distinct node ids in one message's id table. Well above any honest
   * message (a fleet's members plus recently pruned writers), and bounded by
   * `maxMessageBytes` anyway; it caps the work a hostile table can cause.
   */
  maxIds: 65_536,
} as const
