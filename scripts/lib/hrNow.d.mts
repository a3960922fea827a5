/** Epoch ms with sub-ms resolution, comparable across the processes of one machine. */
export function hrNow(): number
