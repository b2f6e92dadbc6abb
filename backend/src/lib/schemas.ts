// TypeBox schemas shared by more than one resource (routes/ and the auth routes).
import { Type } from 'typebox'

/**
 * A UUID in the one spelling Postgres parses. The JSON-schema `uuid` format alone also admits a
 * `urn:uuid:` prefix, which would reach the database and fail there (a 500, not a 404 or 422).
 */
export const Uuid = Type.String({
  format: 'uuid',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
})

/** `{id}` in a path. A malformed id is no such resource: 404, like an unknown one (http/error-handler.ts). */
export const IdParams = Type.Object({ id: Uuid })
