// The chat-completions provider: any OpenAI-compatible server, always streamed, with an idle timer
// (no byte for LLM_TIMEOUT_SECONDS → upstream_timeout) and provider failures mapped to
// upstream_error. Provider details are logged by the error handler, never sent to the client.
import type { FastifyBaseLogger } from 'fastify'
import type OpenAI from 'openai'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import { lazyClient, loadOpenAISdk } from './openai-sdk.js'
import type { PromptMessage } from './prompts.js'

export interface ChatModel {
  readonly model: string
  /** Yields content deltas. Throws AppError upstream_timeout / upstream_error, or LlmAbortedError. */
  stream(messages: PromptMessage[], signal: AbortSignal): AsyncGenerator<string, void, undefined>
}

/** The caller aborted (client went away): nothing to report to anyone. */
export class LlmAbortedError extends Error {
  constructor() {
    super('LLM call aborted by the caller')
    this.name = 'LlmAbortedError'
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
  const idleMs = Math.max(1, Math.ceil(config.llmTimeoutSeconds * 1000))
  const client = lazyClient({
    baseURL: config.llm.baseUrl,
    apiKey: config.llm.apiKey ?? 'none',
    // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment: config is the only input.
    organization: null,
    project: null,
    // The SDK's timeout covers the wait for response headers; the idle timer below covers the body.
    timeout: idleMs,
    maxRetries: 0,
    logLevel: 'warn',
    logger: sdkLogger(log),
  })
  const model = config.llm.model
  return {
    model,
    stream: (messages, signal) => streamCompletion(client, model, messages, idleMs, signal),
  }
}

async function* streamCompletion(
  client: () => Promise<OpenAI>,
  model: string,
  messages: PromptMessage[],
  idleMs: number,
  signal: AbortSignal,
): AsyncGenerator<string, void, undefined> {
  const controller = new AbortController()
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, idleMs)
  }
  const onCallerAbort = () => controller.abort()
  if (signal.aborted) throw new LlmAbortedError()
  signal.addEventListener('abort', onCallerAbort, { once: true })
  arm()
  try {
    const stream = await (await client()).chat.completions.create(
      { model, messages, stream: true },
      { signal: controller.signal },
    )
    arm()
    for await (const chunk of stream) {
      arm()
      const text = chunk.choices[0]?.delta?.content
      if (text) yield text
    }
    // The SDK ends the iteration quietly when its request is aborted: find out why it ended.
    if (signal.aborted) throw new LlmAbortedError()
    if (timedOut) throw new AppError('upstream_timeout', { cause: new Error('idle timeout mid-stream') })
  } catch (err) {
    if (err instanceof AppError || err instanceof LlmAbortedError) throw err
    if (signal.aborted) throw new LlmAbortedError()
    // (If the SDK itself failed to load, that is the error: an upstream_error like any other.)
    const timeoutError = (await loadOpenAISdk().catch(() => null))?.APIConnectionTimeoutError
    if (timedOut || (timeoutError && err instanceof timeoutError)) {
      throw new AppError('upstream_timeout', { cause: err })
    }
    throw new AppError('upstream_error', { cause: err })
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onCallerAbort)
    // The consumer may stop early (client gone): make sure the HTTP request does not linger.
    controller.abort()
  }
}
