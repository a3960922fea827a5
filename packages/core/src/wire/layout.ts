/**
 * The positional wire layout (internal; the in-memory types are in `messages.ts`
 * and `membership/SwimMessage.ts`).
 *
 * Every message is one MessagePack array, and so is every section, record,
 * member and digest entry inside it: no map keys travel, so a one-record delta
 * is about half the bytes of the keyed form, and decoding never builds
 * objects from peer-chosen keys. Node ids (libp2p peer ids are ~52 characters
 * and appear as sender, origin, prober, member id and vector-clock key) are
 * sent once per message in an id table and referenced by index, which keeps a
 * full sync with wide vector clocks within `maxMessageBytes`.
 *
 * Only these MessagePack types appear: nil, bool, int, float, str, array.
 *
 * ```
 * envelope   [v, type, ids, from, ...header, sections]
 *                                            v = PROTOCOL_VERSION as a positive fixint,
 *                                            ids = [nodeId, ...] (each 1..maxIdLength of
 *                                            printable ASCII without spaces),
 *                                            from = index into ids,
 *                                            sections = always the last element
 * ping       [v, 1, ids, from, seq, sections]             sections: members, records, opinions
 * ack        [v, 2, ids, from, seq, sections]             sections: members, records, opinions
 * ping-req   [v, 3, ids, from, seq, target, sections]     target = index into ids; sections: members, records, opinions
 * delta      [v, 4, ids, from, sections]                  sections: records, opinions
 * sync-req   [v, 5, ids, from, join, session, part,       join = bool;
 *             parts, sections]                            sections: members, digest, opinions
 * sync-res   [v, 6, ids, from, session, part, messages,   messages = answer messages for that part;
 *             sections]                                   sections: members, records, want, opinions
 *
 * sections   [[kind, payload], ...]                       at most maxSections
 * kind 0     members  [member, ...]                       member updates (ping, ack, ping-req) or lists (sync)
 * kind 1     records  [record, ...]                       piggybacked (ping, ack, ping-req) or sent (delta, sync-res)
 * kind 2     digest   [after, through, [entry, ...]]      one part's name range and entries (sync-req):
 *                                                         after = name or '', through = name, '' or nil
 * kind 3     want     [name, ...]                         names the responder wants back (sync-res)
 * kind 4     opinions [opinion, ...]                      per-node opinions: piggybacked (the writer's own),
 *                                                         gossiped (delta) or pushed and pulled (sync)
 *
 * member     [id, name, addrs, incarnation, status]       id = index; addrs = [string, ...]
 *                                                         status 0 alive, 1 suspect, 2 dead, 3 left
 * record     [name, state, override, cooldownMs, openCount, prober, reason,
 *             origin, lamport, vclock, wallTime]
 *            state 0 closed, 1 open, 2 half-open; override 0 none, 1 forced-open,
 *            2 forced-closed; prober = index or nil; origin = index;
 *            vclock = [idIndex, counter, idIndex, counter, ...]
 * entry      [name, lamport, origin]                      origin = index
 * opinion    [breaker, node, verdict, calls, failures,    node = index (the writer); verdict 0 healthy,
 *             slow, seq, ageMs]                           1 failing; failures, slow ≤ calls;
 *                                                         seq, ageMs ≤ MAX_OPINION_NUMBER
 * ```
 *
 * Sections. The known kinds of a message come at most once each, in
 * ascending kind order, and only in the message types listed above; a
 * section that is absent is empty (a sync-req without a digest section has
 * the empty range: no record exchange in that part). Empty sections are left
 * out, except the digest (its range means something without entries). A
 * piggybacked update list is the members section's updates followed by the
 * records section's. A section whose kind this build does not know is
 * skipped whole, wherever it is, and counted (`DecodeStats.skippedSections`,
 * the fleet node's `unknown-section` drop reason); the rest of the message is
 * used. Its payload may hold only the types above (maps, binaries and
 * extensions are still refused); its strings are not decoded.
 *
 * Every breaker name (record, digest, want, sync range) matches
 * `BREAKER_NAME_PATTERN`; every vector-clock counter is at most its record's
 * lamport; `openCount` is at most `MAX_OPEN_COUNT`.
 *
 * Kind 4 (opinions) came after the first release of the sectioned layout:
 * a node built before it skips the section and counts it (`unknown-section`),
 * and decides every breaker as `any` did; see `node/rollingUpgrade.test.ts`.
 *
 * ## What bumps `PROTOCOL_VERSION`
 *
 * A new section kind does not. Older nodes skip it and count it, so a fleet
 * can roll a new build out node by node: a new record kind (e.g. per-node
 * opinions) travels in its own section of the existing messages, next to the
 * sections older nodes know, and only newer nodes use it. The new section must
 * be optional for the newer nodes too (an older peer never sends it), and
 * anything that must stay consistent across the fleet must not depend on it
 * until every node runs the new build.
 *
 * A change that older nodes cannot skip needs a new version, because they
 * would misread it or refuse every such message:
 * - a new field in a header, an envelope of another length, or a field moved;
 * - another encoding or meaning of an existing field or section (a new record
 *   field, a new state or status code, new ranges of values, ids no longer in
 *   the id table);
 * - an existing section kind used in a message type that does not list it
 *   (older nodes refuse it as `bad-field`: give it a new kind code instead);
 * - a message type that older nodes must understand for the fleet to work
 *   (a type they do not know is dropped whole as `unknown-type`; one that is
 *   only an optimisation may be added without a bump).
 * A node refuses every message of another version (`unsupported-version`), so
 * a version bump splits a fleet until every node runs the new build: the
 * first element of the envelope must stay a positive fixint version.
 *
 * History within protocol version 1 (before any release): sync-req gained
 * `session, part, parts, after, through` (paged push-pull) and sync-res
 * `session, part, messages`; then every body became sections (issue 10).
 * Nodes built before either change and after it refuse each other's messages
 * (`bad-field`); run one build per fleet across those changes.
 */
export const LAYOUT = {
  typeCode: { ping: 1, ack: 2, 'ping-req': 3, delta: 4, 'sync-req': 5, 'sync-res': 6 },
  /** Array length of each envelope, by type code. */
  envelopeLength: [0, 6, 6, 7, 5, 9, 8],
  /** Section kind codes. */
  section: { members: 0, records: 1, digest: 2, want: 3, opinions: 4 },
  /** The section kinds each message type may carry, by type code (bit `1 << kind`). */
  sectionsAllowed: [0, 0b10011, 0b10011, 0b10011, 0b10010, 0b10101, 0b11011],
  /** Section names by kind code, for error messages. */
  sectionName: ['members', 'records', 'digest', 'want', 'opinions'],
  memberLength: 5,
  recordLength: 11,
  digestEntryLength: 3,
  opinionLength: 8,
  verdict: { healthy: 0, failing: 1 },
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
