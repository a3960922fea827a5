import { callContract } from './fixtures/callContract.js'
import { fetchContract } from './fixtures/fetchContract.js'
import { localMesh } from './fixtures/meshHarness.js'

// The breaker contract on createMesh({ network: false }).
callContract('local mode', localMesh)
fetchContract('local mode', localMesh)
