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
import type { GossipsubOpts } from '@chainsafe/libp2p-gossipsub'

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
     * Mesh degree. Defaults (6/4/12) are fine for thousands of peers; up to 50
     * peers D=8 keeps the diameter at ~2 hops (log8 50) so relayed messages
     * arrive within two forwards, and Dhi=16 avoids pruning churn while many
     * nodes join at once. Dout must stay < Dlo and <= D/2.
     */
    D: 8,
    Dlo: 6,
    Dhi: 16,
    Dout: 2,
    Dscore: 4,
    /** IHAVE gossip targets per heartbeat: repairs the rare lost forward. */
    Dlazy: 8,
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
