// The OpenAI-compatible API (docs/api.md §11): GET /v1/models and POST /v1/chat/completions, so
// any OpenAI client (the `openai` SDKs, Open WebUI, LibreChat, editor plug-ins) gets cited answers
// from the spaces its user can read, with the same retrieval, relevance floor, answer modes and
// bounds as /api/chat/message. Nothing is stored as a conversation. Bearer only (zones.ts), errors
// in OpenAI's shape (http/openai-error.ts); RATE_LIMIT_CHAT is shared with /api/chat/message, and
// so are the 3 answers at once (the slots live in the counter store, keyed by user).

import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { requestUser } from '../auth/plugin.js'
import type { AuthUser } from '../auth/sessions.js'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { defaultSpaceIds, readableSpaceIds, spaceAccess, spaceCreationTimes } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { answerSlots } from '../http/answer-slots.js'
import { CHAT_RATE_BUCKET } from '../http/rate-limit.js'
import { isUuid } from '../lib/ids.js'
import { type AnswerInput, type AnswerOutput, collectAnswer, generateAnswer } from '../rag/answer.js'
import type { Citation } from '../rag/citations.js'
import { createRagContext } from '../rag/context.js'
import { createChatModel, LlmAbortedError, llmBounds } from '../rag/llm.js'
import { buildMessages } from '../rag/prompts.js'
import { findSources } from '../rag/turn-sources.js'
import { clientGone } from './chat-turn.js'
import type { RouteDeps } from './deps.js'
import { citationsWithSpaces, type SpaceCitation } from './space-scope.js'
import {
  type CappedOutput,
  capAnswer,
  estimateTokens,
  readCompletionRequest,
  requestModel,
  withClientSystem,
} from './v1-request.js'
import {
  ChatCompletionRequest,
  ChatCompletionResponse,
  ModelList,
  ModelSchema,
  openAiErrors,
} from './v1-schemas.js'
import { streamCompletion } from './v1-stream.js'

/** The model that searches the caller's spaces; `rag-auth/<space_id>` searches one. */
export const BASE_MODEL = 'rag-auth'
const OWNER = 'rag-auth'

const unixSeconds = (ms: number) => Math.floor(ms / 1000)

/** What one completion needs to shape its response (JSON or chunks). */
export interface Completion {
  config: Config
  includeUsage: boolean
  chunkBase(): { id: string; object: 'chat.completion.chunk'; created: number; model: string }
  usage(content: string): { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  /** The answer's citations with the space of each (the §8 citation objects). */
  cite(citations: readonly Citation[]): Promise<SpaceCitation[]>
  /** The answer's pieces, then its content and citations, and whether max_tokens cut it. */
  generate(signal: AbortSignal): AsyncGenerator<string, CappedOutput>
}

async function* uncut(gen: AsyncGenerator<string, AnswerOutput>): AsyncGenerator<string, CappedOutput> {
  return { ...(yield* gen), cut: false }
}

function modelNotFound(model: string): AppError {
  return new AppError('not_found', {
    detail: `The model '${model.slice(0, 200)}' does not exist or you do not have access to it`,
  })
}

/**
 * The spaces a model searches, as the caller may read them now: `rag-auth` the caller's default
 * scope (docs/api.md §8: a space an admin reaches only through admin rights is searched only when
 * named), `rag-auth/<space_id>` that one space; anything else, or a space the caller cannot read,
 * is 404.
 */
async function spacesOfModel(db: Database, user: AuthUser, model: string): Promise<string[]> {
  // Matched without regard to case, as GET /v1/models/{id} matches it: an id that models.retrieve
  // finds is one chat.completions accepts.
  const wanted = model.toLowerCase()
  if (wanted === BASE_MODEL) return defaultSpaceIds(db, user.id)
  if (!wanted.startsWith(`${BASE_MODEL}/`)) throw modelNotFound(model)
  const id = wanted.slice(BASE_MODEL.length + 1)
  if (!isUuid(id)) throw modelNotFound(model)
  const access = await spaceAccess(db, id, { id: user.id, isAdmin: user.role === 'admin' })
  if (!access) throw modelNotFound(model)
  return [access.id]
}

/** How long a slot may be held before the store forgets it (as for /api/chat/message). */
function slotLeaseMs(config: Config): number {
  const { totalMs, idleMs } = llmBounds(config)
  return Math.max(60_000, totalMs + 2 * idleMs)
}

export default async function v1Routes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock } = opts
  const rag = createRagContext(db, config, app.log)
  const model = createChatModel(config, app.log)
  const slots = answerSlots(opts.counters, { leaseMs: slotLeaseMs(config), log: app.log })
  const tags = ['openai']

  /** rag-auth, and rag-auth/<space_id> for each space the caller can read now. */
  async function modelsOf(user: AuthUser) {
    const spaces = await spaceCreationTimes(db, await readableSpaceIds(db, user.id, user.role === 'admin'))
    const first = spaces[0]?.created_at.getTime() ?? 0
    return [
      { id: BASE_MODEL, object: 'model' as const, created: unixSeconds(first), owned_by: OWNER },
      ...spaces.map((s) => ({
        id: `${BASE_MODEL}/${s.id}`,
        object: 'model' as const,
        created: unixSeconds(s.created_at.getTime()),
        owned_by: OWNER,
      })),
    ]
  }

  app.get(
    '/v1/models',
    {
      schema: {
        tags,
        summary: 'The models: rag-auth (your spaces) and rag-auth/<space_id> per readable space',
        response: { 200: ModelList, ...openAiErrors(401, 403, 429) },
      },
    },
    async (request) => ({ object: 'list' as const, data: await modelsOf(requestUser(request)) }),
  )

  // The openai client's models.retrieve(id): one entry of the list above (the id may hold a '/').
  app.get(
    '/v1/models/*',
    {
      schema: {
        tags,
        summary: 'One model of the list: rag-auth or rag-auth/<space_id>',
        params: Type.Object({ '*': Type.String({ maxLength: 300 }) }),
        response: { 200: ModelSchema, ...openAiErrors(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const asked = request.params['*']
      const wanted = asked.toLowerCase()
      const found = (await modelsOf(requestUser(request))).find((m) => m.id === wanted)
      if (!found) throw modelNotFound(asked)
      return found
    },
  )

  app.post(
    '/v1/chat/completions',
    {
      config: { rateLimit: { rate: config.rateLimitChat, per: 'user-or-client', bucket: CHAT_RATE_BUCKET } },
      schema: {
        tags,
        summary: "OpenAI's chat completions, answered from your documents with [n] citations",
        description:
          "The last message must be the user's question; earlier user/assistant turns are its history, " +
          "system/developer messages follow the server's grounding prompt. `stream: true` sends " +
          '`chat.completion.chunk` events ending in `data: [DONE]`, the `citations` on the last chunk. ' +
          'At most 3 answers per user are generated at once (with /api/chat/message): a 4th is 429.',
        body: ChatCompletionRequest,
        response: { 200: ChatCompletionResponse, ...openAiErrors(401, 403, 404, 422, 429, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const user = requestUser(request)
      const asked = readCompletionRequest(request.body)
      const spaceIds = await spacesOfModel(db, user, request.body.model)
      const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`
      const created = unixSeconds(clock.now())
      const modelName = request.body.model
      // Taken before any work: a refused question costs nothing.
      const release = await slots.acquire(user.id)
      let handedOver = false
      try {
        const { query, sources } = await findSources(rag, spaceIds, asked.history, asked.question, model)
        const answer: Omit<AnswerInput, 'signal'> = {
          question: asked.question,
          query,
          sources,
          history: asked.history,
          model: model ? requestModel(model, asked.system, asked.options) : null,
        }
        const promptTokens = estimateTokens(
          withClientSystem(buildMessages(asked.question, sources, asked.history), asked.system)
            .map((m) => m.content)
            .join('\n'),
        )
        const completion: Completion = {
          config,
          cite: (citations) => citationsWithSpaces(db, citations, sources),
          includeUsage: asked.includeUsage,
          chunkBase: () => ({ id, object: 'chat.completion.chunk', created, model: modelName }),
          usage: (content) => {
            const completionTokens = estimateTokens(content)
            return {
              prompt_tokens: promptTokens,
              completion_tokens: completionTokens,
              total_tokens: promptTokens + completionTokens,
            }
          },
          generate: (signal) => {
            const gen = generateAnswer({ ...answer, signal })
            const limit = asked.options.maxTokens
            // A model is sent max_tokens (capped at LLM_MAX_TOKENS) and cuts its own answer.
            return model || limit === undefined
              ? uncut(gen)
              : capAnswer(gen, Math.min(limit, config.llmMaxTokens))
          },
        }
        if (asked.stream) {
          handedOver = true
          return streamCompletion(request, reply, completion, release)
        }
        let output: CappedOutput
        try {
          output = await collectAnswer(completion.generate(clientGone(reply).signal))
        } catch (err) {
          if (!(err instanceof LlmAbortedError)) throw err
          reply.log.info('completion abandoned: the client went away')
          reply.hijack()
          return
        }
        return {
          id,
          object: 'chat.completion' as const,
          created,
          model: modelName,
          choices: [
            {
              index: 0,
              message: { role: 'assistant' as const, content: output.content, refusal: null },
              logprobs: null,
              finish_reason: output.cut ? ('length' as const) : ('stop' as const),
            },
          ],
          usage: completion.usage(output.content),
          citations: await completion.cite(output.citations),
        }
      } finally {
        if (!handedOver) await release()
      }
    },
  )
}
