// Documents are parsed and chunked in worker threads, never on the server's event loop: a hostile
// PDF or deeply nested page costs a worker, not the server, which keeps answering meanwhile.
// Each document gets a time limit (over it the worker is terminated and the upload is a 422) and
// the worker a heap limit; the parser itself enforces pages, depth and output size (parse.ts).
// Workers start on the first document and stop ten seconds after the last one (a run of uploads
// keeps them), so a server that only answers does not hold the parsers or the tokenizer.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DEFAULT_PARSE_LIMITS, type ParseLimits, unusable } from './parse.js'
import type { PreparedContent, PrepareJob } from './parse-prepare.js'
import type { WorkerFailure, WorkerRequest } from './parse-worker.js'

const IDLE_MS = 10_000
const HEAP_MB = 1024
const MAX_WORKERS = Math.max(1, Math.min(2, availableParallelism()))

interface Task {
  job: PrepareJob
  limits: ParseLimits
  resolve(result: PreparedContent): void
  reject(err: unknown): void
}

interface Slot {
  worker: Worker
  task: Task | null
  timer: NodeJS.Timeout | null
}

const slots = new Set<Slot>()
const queue: Task[] = []
let nextId = 1

/** The compiled worker next to this file; from the TypeScript sources (tsx), the .ts through tsx. */
function startWorker(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } }
  const compiled = new URL('./parse-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, options)
  const source = JSON.stringify(new URL('./parse-worker.ts', import.meta.url).href)
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return new Worker(`import(${tsx}).then((tsx) => tsx.tsImport(${source}, ${source}))`, {
    ...options,
    eval: true,
  })
}

function finish(slot: Slot, settle: (task: Task) => void): void {
  const task = slot.task
  if (slot.timer) clearTimeout(slot.timer)
  slot.task = null
  slot.timer = null
  if (task) settle(task)
}

function retire(slot: Slot, settle: (task: Task) => void): void {
  slots.delete(slot)
  finish(slot, settle)
  void slot.worker.terminate()
  dispatch()
}

function spawn(): Slot {
  const slot: Slot = { worker: startWorker(), task: null, timer: null }
  slot.worker.on('message', (msg: { result?: PreparedContent; failure?: WorkerFailure }) => {
    finish(slot, (task) => {
      if (msg.result) task.resolve(msg.result)
      else if (msg.failure && 'unusable' in msg.failure) task.reject(unusable(msg.failure.unusable))
      else task.reject(new Error(`parse worker: ${msg.failure?.error ?? 'no result'}`))
    })
    idle(slot)
    dispatch()
  })
  slot.worker.on('error', (err: Error & { code?: string }) => {
    retire(slot, (task) =>
      task.reject(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? unusable('The document needs more memory to read than one upload may use')
          : err,
      ),
    )
  })
  slot.worker.on('exit', () => {
    if (slots.has(slot)) retire(slot, (task) => task.reject(new Error('parse worker exited')))
  })
  slots.add(slot)
  return slot
}

/** An idle worker does not keep the process alive, and stops after IDLE_MS. */
function idle(slot: Slot): void {
  slot.worker.unref()
  slot.timer = setTimeout(() => {
    if (!slot.task) retire(slot, () => {})
  }, IDLE_MS)
  slot.timer.unref()
}

function run(slot: Slot, task: Task): void {
  if (slot.timer) clearTimeout(slot.timer)
  slot.task = task
  slot.worker.ref()
  slot.timer = setTimeout(() => {
    const seconds = Math.round(task.limits.timeoutMs / 100) / 10
    retire(slot, (t) =>
      t.reject(unusable(`Reading the document took longer than ${seconds} s: it cannot be read`)),
    )
  }, task.limits.timeoutMs)
  const request: WorkerRequest = { id: nextId++, job: task.job, limits: task.limits }
  slot.worker.postMessage(request)
}

function dispatch(): void {
  while (queue.length > 0) {
    const free = [...slots].find((s) => !s.task) ?? (slots.size < MAX_WORKERS ? spawn() : null)
    if (!free) return
    run(free, queue.shift() as Task)
  }
}

/** Parses, titles and chunks one document in a worker; a document over a limit is a 422. */
export function prepareInWorker(
  job: PrepareJob,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<PreparedContent> {
  return new Promise((resolve, reject) => {
    queue.push({ job, limits, resolve, reject })
    dispatch()
  })
}

/** Workers running now (for tests). */
export function parseWorkerCount(): number {
  return slots.size
}
