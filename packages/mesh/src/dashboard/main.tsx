/** The dashboard served by every node at `GET /`: one page, its own origin's API only. */
import { render } from 'preact'
import { AdminApi } from './AdminApi.js'
import { App } from './components/App.js'
import { FleetStore } from './FleetStore.js'
import { LiveConnection } from './LiveConnection.js'
import './styles.css'

const store = new FleetStore()
const api = new AdminApi()
const connection = new LiveConnection(store, api)
connection.start()
const root = document.getElementById('app')
if (root !== null) {
  root.textContent = ''
  render(<App store={store} api={api} connection={connection} />, root)
}
