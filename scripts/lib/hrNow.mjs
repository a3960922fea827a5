// Epoch ms with sub-ms resolution (performance.timeOrigin + performance.now()):
// the stamp every node process prints on its events, comparable across the
// processes of one machine, and the one the drivers stamp with.
export const hrNow = () => performance.timeOrigin + performance.now()
