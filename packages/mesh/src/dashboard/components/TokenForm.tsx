import { useState } from 'preact/hooks'

/**
 * Asks for the node's admin token after a change was refused with 401. The
 * token goes to the caller (kept in memory for this tab only), never to storage.
 */
export function TokenForm({ refused, onSubmit, onCancel }: { refused: boolean; onSubmit: (token: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState('')
  return (
    <form
      class="token panel"
      aria-label="admin token"
      onSubmit={(e) => {
        e.preventDefault()
        if (value !== '') onSubmit(value)
      }}
    >
      <p>
        {refused ? 'The node refused that token. ' : ''}This node requires its admin token for changes. It stays in this tab&rsquo;s
        memory only.
      </p>
      <input
        type="password"
        name="token"
        autocomplete="off"
        placeholder="admin token"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
        autoFocus
      />
      <button type="submit">send</button>
      <button type="button" onClick={onCancel}>
        cancel
      </button>
    </form>
  )
}
