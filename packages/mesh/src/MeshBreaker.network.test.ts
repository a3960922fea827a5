import { callContract } from './fixtures/callContract.js'
import { fetchContract } from './fixtures/fetchContract.js'
import { loopbackMesh } from './fixtures/meshHarness.js'

// The same breaker contract on a real libp2p node on 127.0.0.1.
callContract('libp2p on loopback', loopbackMesh)
fetchContract('libp2p on loopback', loopbackMesh)
