/**
 * libp2p connection-manager settings for a fleet whose nodes may all share
 * one IP address (loopback tests, network-namespace simulations, NAT).
 */
import type { ConnectionManagerInit } from 'libp2p'

export function connectionSettings(dialTimeoutMs: number): ConnectionManagerInit {
  return {
    /**
     * Inbound connections accepted per second *per remote IP*. The default 5
     * exists to slow down one abusive host; when a fleet starts on one host
     * (or behind one NAT) the 6th node joining within a second is refused
     * during the handshake and sees `EncryptionFailedError`. 1000 makes the
     * limit irrelevant for fleets; lower it only on a public listener.
     */
    inboundConnectionThreshold: 1000,
    /**
     * Inbound connections still in their handshake at once (default 10).
     * A seed that 50 nodes dial in the same instant would refuse 40 of them.
     * Each pending upgrade costs a socket and a Noise handshake.
     */
    maxIncomingPendingConnections: 256,
    /**
     * Connections before libp2p starts pruning (default 300 on Node). A node
     * connects to every member it talks to; 1024 leaves room for 50-node
     * fleets with duplicate simultaneous dials and reconnect overlap.
     */
    maxConnections: 1024,
    /** ms for a dial including TCP connect, Noise and Yamux (default 10 s). */
    dialTimeout: dialTimeoutMs,
  }
}
