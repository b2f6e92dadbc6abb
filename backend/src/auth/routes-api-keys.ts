// /api/auth/api-keys (docs/api.md §11): create (the password asked again: a stolen session must
// not mint a long-lived credential), list, revoke. Signed-in sessions only: the scope hook
// (api-key-scopes.ts) refuses every /api/auth route but /me to a key, so a key cannot make keys.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { withTransaction } from '../db/client.js'
import { deleteUserApiKey, insertApiKey, listUserApiKeys } from '../db/queries/api-keys.js'
import type { ApiKeyRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { uuidv7 } from '../lib/ids.js'
import { IdParams } from '../lib/schemas.js'
import type { RouteDeps } from '../routes/deps.js'
import { API_KEY_PREFIX_LENGTH, generateApiKey, hashApiKey, scopesOf } from './api-keys.js'
import { writeOwnAudit } from './audit.js'
import { queueNotice } from './email-links.js'
import { logAuthEvent } from './events.js'
import { signedIn } from './plugin.js'
import { checkedPasswordStands, passwordChanged, reauthenticate } from './reauth.js'
import { errorResponses, NoContent } from './schemas.js'

const DAY_MS = 86_400_000
const DateTime = Type.String({ format: 'date-time' })
const Scope = Type.Union([Type.Literal('read'), Type.Literal('write')])

export const CreateApiKeyBody = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: 2, uniqueItems: true })),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
)

const ApiKeyFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'The first 12 characters of the key' }),
  scopes: Type.Array(Scope),
  created_at: DateTime,
  expires_at: Type.Union([DateTime, Type.Null()]),
  last_used_at: Type.Union([DateTime, Type.Null()]),
}

export const ApiKeySchema = Type.Object(ApiKeyFields)
export const CreatedApiKeySchema = Type.Object({
  ...ApiKeyFields,
  key: Type.String({ description: 'The key itself: shown this once, never again' }),
})
export const ApiKeysResponse = Type.Object({ api_keys: Type.Array(ApiKeySchema) })

function keyBody(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: scopesOf(row.canWrite),
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt ? row.expiresAt.toISOString() : null,
    last_used_at: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
  }
}

export default async function apiKeyRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps
  const tags = ['api keys']

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key (asks for the password again); the key is shown this once',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema, ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      const { password, name, scopes, expires_in_days } = request.body
      const trimmed = name.trim()
      if (!trimmed) {
        throw new AppError('validation_error', { errors: [{ path: 'name', message: 'must not be blank' }] })
      }
      if (scopes && !scopes.includes('read')) {
        throw new AppError('validation_error', {
          errors: [{ path: 'scopes', message: 'must be ["read"] or ["read","write"]' }],
        })
      }
      // A wrong password counts toward the same limits as sign-in.
      const checked = await reauthenticate(deps, request, user, password, { context: 'create_api_key' })
      const now = clock.now()
      const key = generateApiKey()
      const created = await withTransaction(db, async (tx) => {
        // A reset or change confirmed since the check revokes keys: this one must not outlive it.
        if (!(await checkedPasswordStands(tx, user.id, checked.passwordHash))) throw passwordChanged()
        const row = await insertApiKey(tx, {
          id: uuidv7(now),
          userId: user.id,
          name: trimmed,
          keyHash: hashApiKey(key, deps.config.secretKey),
          prefix: key.slice(0, API_KEY_PREFIX_LENGTH),
          canWrite: scopes?.includes('write') ?? false,
          createdAt: new Date(now),
          expiresAt: expires_in_days ? new Date(now + expires_in_days * DAY_MS) : null,
          lastUsedAt: null,
        })
        await writeOwnAudit(tx, clock, request, user, 'api_key_created', { api_key_id: row.id })
        await queueNotice(tx, deps, user.email, 'api_key_created', request)
        return row
      })
      logAuthEvent(request, 'auth.api_key_created', { user_id: user.id, api_key_id: created.id })
      return reply.status(201).send({ ...keyBody(created), key })
    },
  )

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        summary: "The user's API keys, newest first (never the keys themselves)",
        response: { 200: ApiKeysResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const { user } = signedIn(request)
      return { api_keys: (await listUserApiKeys(db, user.id)).map(keyBody) }
    },
  )

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key: refused from its next request on',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      const id = request.params.id.toLowerCase()
      // Someone else's key and no key at all look the same: 404.
      await withTransaction(db, async (tx) => {
        if (!(await deleteUserApiKey(tx, user.id, id))) throw new AppError('not_found')
        await writeOwnAudit(tx, clock, request, user, 'api_key_revoked', { api_key_id: id })
      })
      logAuthEvent(request, 'auth.api_key_revoked', { user_id: user.id, api_key_id: id })
      return reply.status(204).send(null)
    },
  )
}
