export * from './messages.js'
export { encodeMessage, decodeMessage } from './codec.js'
export { WireError, type WireErrorCode } from './WireError.js'
