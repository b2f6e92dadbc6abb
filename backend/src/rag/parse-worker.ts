// The parse worker's entry (node:worker_threads): prepares one document per message and answers
// with the result or with why it cannot be read. Started by parse-pool.ts.
import { parentPort } from 'node:worker_threads'
import { AppError } from '../errors.js'
import type { ParseLimits } from './parse.js'
import { type PrepareJob, prepareContent } from './parse-prepare.js'

export interface WorkerRequest {
  id: number
  job: PrepareJob
  limits: ParseLimits
}

/** `unusable`: the document is refused (422) with this detail; `error`: a bug (500). */
export type WorkerFailure = { unusable: string } | { error: string }

function failure(err: unknown, limits: ParseLimits): WorkerFailure {
  if (err instanceof AppError && err.code === 'validation_error') return { unusable: err.message }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return { unusable: `The document is nested too deeply to read (more than ${limits.maxDepth} levels)` }
  }
  if (err instanceof RangeError) return { unusable: 'The document is too large to read' }
  return { error: err instanceof Error ? (err.stack ?? err.message) : String(err) }
}

parentPort?.on('message', async ({ id, job, limits }: WorkerRequest) => {
  try {
    parentPort?.postMessage({ id, result: await prepareContent(job, limits) })
  } catch (err) {
    parentPort?.postMessage({ id, failure: failure(err, limits) })
  }
})
