// The `openai` SDK (~13 MiB of memory once loaded) is loaded only where a provider is configured:
// an instance without LLM or embedding providers never loads it.
import type OpenAI from 'openai'
import type { ClientOptions } from 'openai'

let sdk: Promise<typeof import('openai')> | null = null

export function loadOpenAISdk(): Promise<typeof import('openai')> {
  sdk ??= import('openai')
  return sdk
}

/**
 * A client for a configured provider: the SDK starts loading now (~0.1 s, so the first call does
 * not wait for it), the client is made on first use — call the returned function to get it.
 */
export function lazyClient(options: ClientOptions): () => Promise<OpenAI> {
  loadOpenAISdk().catch(() => {}) // a failure surfaces at the first call
  let client: Promise<OpenAI> | null = null
  return () => {
    client ??= loadOpenAISdk().then(({ default: SDK }) => new SDK(options))
    return client
  }
}
