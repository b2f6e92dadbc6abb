// The chat-completions provider: any OpenAI-compatible server, always streamed, and bounded:
// - idle: no byte for LLM_TIMEOUT_SECONDS while we wait on the provider → upstream_timeout;
// - length: max_tokens = LLM_MAX_TOKENS, and a character cap for providers that ignore it;
// - time: LLM_TIMEOUT_SECONDS × 5 for the whole call (a provider trickling forever).
// An answer cut by length or time ends there like a max_tokens cut (with no text yet it is an
// upstream_timeout). Provider failures map to upstream_error; their details are logged by the
// error handler, never sent to the client.
import type { FastifyBaseLogger } from 'fastify'
import type OpenAI from 'openai'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import { lazyClient, loadOpenAISdk } from './openai-sdk.js'
import type { PromptMessage } from './prompts.js'

/** What one caller may ask of a call (the /v1 API passes its client's wishes on). */
export interface CallOptions {
  /** Lowered to LLM_MAX_TOKENS when larger: the bound is the operator's, not the client's. */
  maxTokens?: number
  temperature?: number
}

export interface ChatModel {
  readonly model: string
  /** Yields content deltas. Throws AppError upstream_timeout / upstream_error, or LlmAbortedError. */
  stream(
    messages: PromptMessage[],
    signal: AbortSignal,
    options?: CallOptions,
  ): AsyncGenerator<string, void, undefined>
}

/** The caller aborted (client went away): nothing to report to anyone. */
export class LlmAbortedError extends Error {
  constructor() {
    super('LLM call aborted by the caller')
    this.name = 'LlmAbortedError'
  }
}

/** docs/api.md §1: one answer lasts at most LLM_TIMEOUT_SECONDS × this, in all. */
export const TOTAL_TIMEOUT_FACTOR = 5
/**
 * Characters allowed per token of LLM_MAX_TOKENS: generous (English averages ~4), it only stops
 * a provider that ignores max_tokens from streaming without end.
 */
export const CHARS_PER_TOKEN_CAP = 16

export interface LlmBounds {
  idleMs: number
  totalMs: number
  maxTokens: number
  maxChars: number
}

export function llmBounds(config: Pick<Config, 'llmTimeoutSeconds' | 'llmMaxTokens'>): LlmBounds {
  const idleMs = Math.max(1, Math.ceil(config.llmTimeoutSeconds * 1000))
  return {
    idleMs,
    totalMs: idleMs * TOTAL_TIMEOUT_FACTOR,
    maxTokens: config.llmMaxTokens,
    maxChars: config.llmMaxTokens * CHARS_PER_TOKEN_CAP,
  }
}

function sdkLogger(log: FastifyBaseLogger) {
  return {
    error: (msg: string) => log.error({ provider: 'llm' }, msg),
    warn: (msg: string) => log.warn({ provider: 'llm' }, msg),
    info: (msg: string) => log.debug({ provider: 'llm' }, msg),
    debug: (msg: string) => log.trace({ provider: 'llm' }, msg),
  }
}

export function createChatModel(config: Config, log: FastifyBaseLogger): ChatModel | null {
  if (!config.llm) return null
  const bounds = llmBounds(config)
  const client = lazyClient({
    baseURL: config.llm.baseUrl,
    apiKey: config.llm.apiKey ?? 'none',
    // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment: config is the only input.
    organization: null,
    project: null,
    // The SDK's timeout covers the wait for response headers; the idle timer below covers the body.
    timeout: bounds.idleMs,
    maxRetries: 0,
    logLevel: 'warn',
    logger: sdkLogger(log),
  })
  const model = config.llm.model
  return {
    model,
    stream: (messages, signal, options) =>
      streamCompletion(
        { client, model, bounds: callBounds(bounds, options), log },
        messages,
        signal,
        options,
      ),
  }
}

function callBounds(bounds: LlmBounds, options: CallOptions | undefined): LlmBounds {
  const maxTokens = Math.min(options?.maxTokens ?? bounds.maxTokens, bounds.maxTokens)
  return { ...bounds, maxTokens, maxChars: maxTokens * CHARS_PER_TOKEN_CAP }
}

interface Provider {
  client: () => Promise<OpenAI>
  model: string
  bounds: LlmBounds
  log: FastifyBaseLogger
}

type StopReason = 'idle' | 'total' | 'length'

/** The timers of one call; `stopped` says which bound ended it (null: the caller or the provider). */
class CallBounds {
  readonly controller = new AbortController()
  stopped: StopReason | null = null
  private idle: NodeJS.Timeout | undefined
  private readonly total: NodeJS.Timeout

  constructor(private readonly bounds: LlmBounds) {
    this.total = setTimeout(() => this.stop('total'), bounds.totalMs)
    // A consumer that abandons the stream without closing it leaves this timer as the last holder
    // of the call: it must not keep a process (a CLI, a test run) alive on its own.
    this.total.unref()
  }

  stop(reason: StopReason) {
    this.stopped ??= reason
    this.controller.abort()
  }

  /** Waiting on the provider: its silence counts. */
  arm() {
    clearTimeout(this.idle)
    this.idle = setTimeout(() => this.stop('idle'), this.bounds.idleMs)
  }

  /** Waiting on our consumer (a slow client): not the provider's silence. */
  pause() {
    clearTimeout(this.idle)
  }

  clear() {
    clearTimeout(this.idle)
    clearTimeout(this.total)
    // The consumer may stop early (client gone): make sure the HTTP request does not linger.
    this.controller.abort()
  }
}

async function* streamCompletion(
  provider: Provider,
  messages: PromptMessage[],
  signal: AbortSignal,
  options?: CallOptions,
): AsyncGenerator<string, void, undefined> {
  const { bounds } = provider
  const temperature = options?.temperature
  const call = new CallBounds(bounds)
  const onCallerAbort = () => call.controller.abort()
  if (signal.aborted) throw new LlmAbortedError()
  signal.addEventListener('abort', onCallerAbort, { once: true })
  let produced = 0
  try {
    // Loading the SDK (a first call, on a busy machine) is not the provider's silence.
    const client = await provider.client()
    call.arm()
    const stream = await client.chat.completions.create(
      {
        model: provider.model,
        messages,
        stream: true,
        max_tokens: bounds.maxTokens,
        ...(temperature === undefined ? {} : { temperature }),
      },
      { signal: call.controller.signal },
    )
    call.arm()
    for await (const chunk of stream) {
      call.arm()
      let text = chunk.choices[0]?.delta?.content
      if (!text) continue
      if (produced + text.length >= bounds.maxChars) {
        text = text.slice(0, bounds.maxChars - produced)
        call.stop('length')
      }
      produced += text.length
      call.pause()
      if (text) yield text
      if (call.stopped) break
      call.arm()
    }
    // The SDK ends the iteration quietly when its request is aborted: find out why it ended.
    endOfStream(signal, call, produced, provider.log)
  } catch (err) {
    if (err instanceof AppError || err instanceof LlmAbortedError) throw err
    if (call.stopped) {
      endOfStream(signal, call, produced, provider.log)
      return
    }
    if (signal.aborted) throw new LlmAbortedError()
    // (If the SDK itself failed to load, that is the error: an upstream_error like any other.)
    const timeoutError = (await loadOpenAISdk().catch(() => null))?.APIConnectionTimeoutError
    if (timeoutError && err instanceof timeoutError) throw new AppError('upstream_timeout', { cause: err })
    throw new AppError('upstream_error', { cause: err })
  } finally {
    call.clear()
    signal.removeEventListener('abort', onCallerAbort)
  }
}

/** Returns when the answer may end here; throws when the way it ended is a failure. */
function endOfStream(signal: AbortSignal, call: CallBounds, produced: number, log: FastifyBaseLogger) {
  if (signal.aborted) throw new LlmAbortedError()
  if (call.stopped === 'idle') {
    throw new AppError('upstream_timeout', { cause: new Error('no byte from the provider in time') })
  }
  if (call.stopped === null) return
  if (produced === 0) {
    throw new AppError('upstream_timeout', { cause: new Error(`answer bound reached (${call.stopped})`) })
  }
  log.warn({ provider: 'llm', bound: call.stopped, chars: produced }, 'answer cut at its bound')
}
