// `node --import ./module-recorder.mjs server.js`: appends to the file named by
// RAG_AUTH_MODULE_LOG the name of every npm package the process loads, once each, as it loads
// it. The same file is the loader hook, registered from the main thread (the hooks run on their
// own thread, where `isMainThread` is false).
import { appendFileSync } from 'node:fs'
import { register } from 'node:module'
import { isMainThread } from 'node:worker_threads'

if (isMainThread) register(import.meta.url, { data: { out: process.env.RAG_AUTH_MODULE_LOG } })

let out = null
const seen = new Set()

export function initialize(data) {
  out = data?.out ?? null
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  const at = result.url.lastIndexOf('/node_modules/')
  if (out && at >= 0) {
    const parts = result.url.slice(at + '/node_modules/'.length).split('/')
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
    if (!seen.has(name)) {
      seen.add(name)
      appendFileSync(out, `${name}\n`)
    }
  }
  return result
}
