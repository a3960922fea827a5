/** The admin API's `GET /v1/view` document (DESIGN.md), as far as the tests read it. */
export interface MeshView {
  node: { id: string; name: string; fleet: string; addrs: string[] }
  members: Array<{ id: string; name: string; status: string; incarnation: number; addrs: string[] }>
  breakers: Array<{
    name: string
    state: 'closed' | 'open' | 'half-open'
    override: null | 'forced-open' | 'forced-closed'
    reason: string | null
    prober: string | null
    version: { lamport: number; origin: string; vclock: Record<string, number> }
  }>
}

/** Fetch a node's view from its admin address (host:port); undefined if it does not answer in time. */
export async function fetchView(admin: string, timeoutMs = 2_000): Promise<MeshView | undefined> {
  try {
    const res = await fetch(`http://${admin}/v1/view`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) return undefined
    return (await res.json()) as MeshView
  } catch {
    return undefined
  }
}
