// `node --import ./module-recorder.mjs server.js`: appends to the file named by
// RAG_AUTH_MODULE_LOG the name of every npm package the process loads, once each, as it loads
// it, from the main thread and from worker threads (the parse worker inherits `--import`). The
// same file is the loader hook, registered as `?hooks` so the hooks' own copy does not register.
import { appendFileSync } from 'node:fs'
import { register } from 'node:module'

if (!import.meta.url.endsWith('?hooks')) {
  register(`${import.meta.url}?hooks`, { data: { out: process.env.RAG_AUTH_MODULE_LOG } })
}

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
