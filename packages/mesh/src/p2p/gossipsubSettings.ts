/**
 * gossipsub settings for a fleet of up to ~50 nodes that may all share one IP
 * (every node on 127.0.0.1, or behind one namespace bridge / NAT).
 *
 * Breaker records are small and few, and latency matters more than bandwidth:
 * an `open` should reach every node in milliseconds. The peer-scoring defaults
 * are built for an open, adversarial network (Ethereum); a fleet is a closed
 * set of instances of one service, so scoring is relaxed to never silence a
 * member. Misbehaviour defence comes from strict validation of every decoded
 * message instead (docs/ARCHITECTURE.md, "Protocols").
 */
import { createHash } from 'node:crypto'
import type { GossipsubOpts } from '@chainsafe/libp2p-gossipsub'

const EMPTY = new Uint8Array(0)

/** Per-RPC framing, signature and key around one message payload, in bytes. */
const RPC_OVERHEAD_BYTES = 64 * 1024

export function gossipsubSettings(maxMessageBytes: number): Partial<GossipsubOpts> {
  return {
    /**
     * A node sends its own messages to every subscribed peer it is connected
     * to, not only its D mesh peers. With fleet sizes of tens this costs a few
     * extra frames per change and removes a hop: measured p99 8 ms with flood
     * publish vs 1.7 s without (20 peers), because a non-flood publish waits
     * for the mesh to be (re)built at a heartbeat after joins.
     */
    floodPublish: true,
    /**
     * No per-message signature. Every link is already authenticated and
     * encrypted by Noise, and a record names its writer (`origin`) itself;
     * an ed25519 sign per publish and a verify (with a key import) per receive
     * were the largest CPU cost of a burst of changes (about a fifth of a
     * storm's CPU in a profile). Message ids are then a hash of the content.
     */
    globalSignaturePolicy: 'StrictNoSign',
    /**
     * ms between heartbeats (mesh maintenance, IHAVE gossip, backoffs): the
     * default 1 s. Flood publishing reaches every connected peer without the
     * mesh, so the heartbeat only paces repair; at 200 ms a 10-node fleet idled
     * at 4.1 % of a core per node, at 1 s at 2.6 % (scripts/bench cost suite),
     * with the same propagation. Lower: faster mesh repair, more idle CPU.
     */
    heartbeatInterval: 1000,
    /**
     * Mesh degree: how many peers each node forwards a message it received
     * to. With flood publish every connected member already gets a change
     * straight from its writer, so forwarding repairs a lost publish and
     * reaches members the writer has no connection to yet (a new node joined
     * through one seed). At D=8 (before) every receiver re-sent every change
     * to 8 peers, ~N×D encrypted frames for N useful ones, and a 10-process
     * fleet spent most of a change's CPU dropping duplicates (scripts/bench
     * propagation p99 29.5 → ~12-15 ms at D=2). D=2 keeps two relay paths;
     * IHAVE gossip (Dlazy) and SWIM piggyback and push-pull repair the rest.
     * Dout must stay < Dlo and <= D/2.
     */
    D: 2,
    Dlo: 2,
    Dhi: 4,
    Dout: 1,
    Dscore: 1,
    /**
     * IHAVE gossip: at every heartbeat, a node advertises the ids of the
     * messages of its last `mcacheGossip` heartbeats to every topic peer
     * outside its mesh (gossipFactor 1; at least Dlazy), so a member the
     * writer has no connection to yet asks for a change within one heartbeat.
     * One small control frame per peer per heartbeat, and only while messages
     * are recent: far cheaper than forwarding every change to D=8 peers.
     */
    Dlazy: 4,
    gossipFactor: 1,
    /**
     * Message cache in heartbeats (the defaults): 5 s of messages kept for
     * IWANT, advertised over the last 3 s. The push-pull sync repairs anything
     * older.
     */
    mcacheLength: 5,
    mcacheGossip: 3,
    /** Publishing before any peer subscribed is normal (first node, partition): the sync repairs it. */
    allowPublishToZeroTopicPeers: true,
    /** A node applies its own writes locally; receiving them back would be a wasted decode. */
    emitSelf: false,
    /**
     * Message ids (unsigned messages are identified by content): a native
     * sha256 of the payload instead of the default's JavaScript one, and a
     * native sha1 as the fast id gossipsub checks before it decodes the rest
     * of a message, so a duplicate is dropped early.
     */
    msgIdFn: (msg) => new Uint8Array(createHash('sha256').update(msg.data).digest()),
    fastMsgIdFn: (msg) => createHash('sha1').update(msg.data ?? EMPTY).digest('base64'),
    /** No floodsub peers exist in a fleet. */
    fallbackToFloodsub: false,
    /** Peer exchange is for open networks; seeds, mDNS and SWIM find peers here. */
    doPX: false,
    /** A payload bigger than a host may send is dropped before decoding. */
    maxInboundDataLength: maxMessageBytes + RPC_OVERHEAD_BYTES,
    scoreParams: {
      /**
       * IP colocation (P6) penalises every peer beyond the 10th that shares an
       * IP, by the square of the excess. In a loopback or namespace simulation
       * (and behind NAT) all nodes share one IP, so from the 11th node on peers
       * fall below the gossip and publish thresholds and are *silently*
       * ignored: messages stop reaching part of the fleet with no error.
       * Weight 0 turns the penalty off. (A whitelist cannot express "every
       * address of a bridge network"; fleets are not Sybil targets.)
       */
      IPColocationFactorWeight: 0,
      /** No per-topic delivery scores: a quiet fleet sends no records for hours, which must not look like misbehaviour. */
      topics: {},
    },
    /**
     * Score thresholds far below anything the remaining terms (behaviour
     * penalty for re-grafting during a backoff) reach in practice: nobody is
     * ever graylisted, published to less, or ignored for gossip. They keep the
     * required order gossip >= publish >= graylist.
     */
    scoreThresholds: {
      gossipThreshold: -1e6,
      publishThreshold: -2e6,
      graylistThreshold: -4e6,
      /** Never act on peer exchange records (see doPX). */
      acceptPXThreshold: 1e6,
    },
  }
}
