// Embedding provider: any OpenAI-compatible /embeddings endpoint, through the `openai` SDK.
import type { Config } from '../config.js'
import { lazyClient } from './openai-sdk.js'
import type { Embedder } from './types.js'

export const EMBED_BATCH = 64
/** Inputs are chunks (≤ ~500 tokens); this only guards against pathological ones. */
const MAX_INPUT_CHARS = 16_000

export function createEmbedder(cfg: NonNullable<Config['embedding']>, timeoutMs = 60_000): Embedder {
  const client = lazyClient({
    baseURL: cfg.baseUrl,
    apiKey: cfg.apiKey ?? 'not-needed',
    timeout: timeoutMs,
    maxRetries: 2,
  })
  // Providers that return another size by default (text-embedding-3-*) are asked for ours once.
  let askDimensions = false
  const request = async (input: string[]) => {
    const res = await (await client()).embeddings.create({
      model: cfg.model,
      input,
      encoding_format: 'float',
      ...(askDimensions ? { dimensions: cfg.dimensions } : {}),
    })
    return [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding as number[])
  }
  return {
    model: cfg.model,
    dimensions: cfg.dimensions,
    async embed(texts) {
      if (texts.length === 0) return []
      const input = texts.map((t) => (t.length > MAX_INPUT_CHARS ? t.slice(0, MAX_INPUT_CHARS) : t) || ' ')
      let vectors = await request(input)
      if (!askDimensions && vectors[0] && vectors[0].length !== cfg.dimensions) {
        askDimensions = true
        vectors = await request(input)
      }
      if (vectors.length !== texts.length || vectors.some((v) => v.length !== cfg.dimensions)) {
        throw new Error(
          `the embedding provider returned ${vectors[0]?.length ?? 0}-dimensional vectors; EMBEDDING_DIMENSIONS is ${cfg.dimensions}`,
        )
      }
      return vectors
    },
  }
}

/** Embeds many texts in provider-sized batches, in order. */
export async function embedAll(embedder: Embedder, texts: string[]): Promise<number[][]> {
  const out: number[][] = []
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    out.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))))
  }
  return out
}
