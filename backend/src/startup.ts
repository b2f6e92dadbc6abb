// Start-up steps after migrations (run by server.ts, not by buildApp, so tests control them).
import type { FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import type { Database } from './db/client.js'

export async function startupTasks(
  _app: FastifyInstance,
  _deps: { config: Config; db: Database },
): Promise<void> {
  // The RAG module adds: vector "ensure" step and the demo corpus load (under an advisory lock).
}
