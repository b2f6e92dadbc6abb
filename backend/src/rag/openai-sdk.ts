// The `openai` SDK (~13 MiB of memory once loaded) is loaded by the first provider call, so an
// instance without LLM or embedding providers never loads it.
import type OpenAI from 'openai'
import type { ClientOptions } from 'openai'

let sdk: Promise<typeof import('openai')> | null = null

export function loadOpenAISdk(): Promise<typeof import('openai')> {
  sdk ??= import('openai')
  return sdk
}

/** A client made on first use: call the returned function wherever the client is needed. */
export function lazyClient(options: ClientOptions): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | null = null
  return () => {
    client ??= loadOpenAISdk().then(({ default: SDK }) => new SDK(options))
    return client
  }
}
