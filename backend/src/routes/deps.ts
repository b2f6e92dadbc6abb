// What every route plugin (routes/ and the auth routes) receives from buildApp. Its own module so
// that routes never import app.ts, the module that registers them.
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { Clock } from '../lib/clock.js'
import type { CounterStore } from '../lib/counter-store.js'

export interface RouteDeps {
  config: Config
  db: Database
  clock: Clock
  counters: CounterStore
}
