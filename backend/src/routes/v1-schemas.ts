// Schemas of the OpenAI-compatible API (docs/api.md §11). Requests are OpenAI's: fields this
// server does not use (`n`, `top_p`, `tools`, `user`, …) are allowed and ignored, so clients that
// send them work unchanged; `null` is accepted wherever OpenAI clients send it for "unset".
import { Type } from 'typebox'
import { CitationSchema } from './chat-schemas.js'

const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const ContentPart = Type.Object(
  { type: Type.String({ maxLength: 64 }), text: Type.Optional(Type.String()) },
  { additionalProperties: true },
)

export const ChatCompletionMessage = Type.Object(
  {
    // `developer` counts as `system`; tool and function results are accepted and left out.
    role: Type.Union([
      Type.Literal('system'),
      Type.Literal('developer'),
      Type.Literal('user'),
      Type.Literal('assistant'),
      Type.Literal('tool'),
      Type.Literal('function'),
    ]),
    content: Type.Optional(OrNull(Type.Union([Type.String(), Type.Array(ContentPart, { maxItems: 100 })]))),
  },
  { additionalProperties: true },
)

export const ChatCompletionRequest = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 200 }),
    messages: Type.Array(ChatCompletionMessage, { minItems: 1, maxItems: 500 }),
    stream: Type.Optional(OrNull(Type.Boolean())),
    stream_options: Type.Optional(
      OrNull(
        Type.Object({ include_usage: Type.Optional(OrNull(Type.Boolean())) }, { additionalProperties: true }),
      ),
    ),
    temperature: Type.Optional(OrNull(Type.Number({ minimum: 0, maximum: 2 }))),
    max_tokens: Type.Optional(OrNull(Type.Integer({ minimum: 1 }))),
    max_completion_tokens: Type.Optional(OrNull(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: true },
)

export const Usage = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
})

export const ChatCompletionResponse = Type.Object({
  id: Type.String(),
  object: Type.Literal('chat.completion'),
  created: Type.Integer({ description: 'Unix seconds' }),
  model: Type.String(),
  choices: Type.Array(
    Type.Object({
      index: Type.Integer(),
      message: Type.Object({
        role: Type.Literal('assistant'),
        content: Type.String(),
        refusal: Type.Null(),
      }),
      logprobs: Type.Null(),
      finish_reason: Type.Union([Type.Literal('stop'), Type.Literal('length')]),
    }),
  ),
  usage: Usage,
  citations: Type.Array(CitationSchema, {
    description: 'The sources the [n] markers of the content point to',
  }),
})

export const ModelSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('model'),
  created: Type.Integer({ description: 'Unix seconds' }),
  owned_by: Type.String(),
})

export const ModelList = Type.Object({ object: Type.Literal('list'), data: Type.Array(ModelSchema) })

export const OpenAiError = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    code: Type.String(),
    param: Type.Null(),
  }),
})

/** Error responses as documented in OpenAPI (the error handler renders them in OpenAI's shape). */
export function openAiErrors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, OpenAiError]))
}
