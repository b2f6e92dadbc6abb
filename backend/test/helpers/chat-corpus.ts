// Fixture documents for the chat tests, ingested through the real pipeline, and small helpers to
// read chat responses (SSE frames) the way a client does.
import type { LightMyRequestResponse } from 'fastify'
import type { Config } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import type { Citation } from '../../src/rag/citations.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { scheduleVacuum } from '../../src/rag/maintenance.js'

export const DOCKER_DOC = {
  title: 'Deploying with Docker',
  source: 'docs/docker.md',
  content: `# Deploying with Docker

## Running the container

Build the image with docker build and start it with docker run. The container listens on port 7860.
The image runs as a non-root user with uid 1000.

## Health checks

The Docker HEALTHCHECK calls the /health endpoint every thirty seconds. A failing database makes the container unhealthy.
`,
}

export const CONFIG_DOC = {
  title: 'Configuration reference',
  source: 'docs/configuration.md',
  content: `# Configuration reference

## Environment variables

All settings are environment variables. Set LLM_BASE_URL and LLM_MODEL to answer with a language model.
RATE_LIMIT_CHAT limits how many chat messages each user may send per minute.
`,
}

export const GARDEN_DOC = {
  title: 'Growing tomatoes',
  source: 'docs/tomatoes.md',
  content: `# Growing tomatoes

Tomatoes need six hours of sunlight a day. Water the plants deeply twice a week and stake them early.
`,
}

export async function ingestCorpus(db: Database, config: Config): Promise<void> {
  const ctx = createRagContext(db, config)
  for (const doc of [DOCKER_DOC, CONFIG_DOC, GARDEN_DOC]) {
    await ingestDocument(ctx, { ...doc, format: 'markdown' })
  }
  // PGlite vacuums a few seconds after the last write and holds the event loop meanwhile: run it
  // now, so it cannot land in the middle of a test (a 1 s provider timeout read it as a stall).
  scheduleVacuum(ctx, 0)
  await new Promise((resolve) => setTimeout(resolve, 1))
  await db.query('select 1') // queued behind the vacuum
}

export interface SseFrame {
  event: string
  data: Record<string, unknown>
}

/** Parses a complete text/event-stream body (comments skipped). */
export function parseSse(body: string): SseFrame[] {
  const frames: SseFrame[] = []
  for (const block of body.split('\n\n')) {
    let event = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7)
      else if (line.startsWith('data: ')) data.push(line.slice(6))
    }
    if (data.length > 0) frames.push({ event, data: JSON.parse(data.join('\n')) })
  }
  return frames
}

export function sseFrames(res: LightMyRequestResponse): SseFrame[] {
  return parseSse(res.body)
}

/** The citation shape of docs/api.md §8, as the API returns it. */
export type CitationBody = Citation

/** docs/api.md §8: markers and citations agree exactly, indexes are 1..n. */
export function markerIndexes(content: string): Set<number> {
  return new Set([...content.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))
}
