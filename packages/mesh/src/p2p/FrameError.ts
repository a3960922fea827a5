/** A frame whose announced length is above the limit: the stream carrying it is reset. */
export class FrameError extends Error {
  readonly code = 'ERR_FRAME_TOO_LARGE'
  constructor(readonly length: number, readonly max: number) {
    super(`frame of ${length} bytes exceeds the limit of ${max}`)
    this.name = 'FrameError'
  }
}
