import { defineScenarios } from './scenarios.js'
import { processFleet } from './processFleet.js'

// Real libp2p nodes (TCP, Noise, Yamux, gossipsub) in separate processes on 127.0.0.1.
defineScenarios('libp2p processes', processFleet, 5)
