// The OpenAPI document as a client should read it. A query parameter with a default is filled in by
// the validator when it is absent (Ajv's useDefaults), so the schema's object lists it as required
// for the handler's sake; a client may leave it out, and the document says so.

interface Parameter {
  in?: string
  required?: boolean
  schema?: { default?: unknown }
}

/** The document with each query parameter that has a default marked optional. */
export function optionalDefaults<T extends { paths?: unknown }>(doc: T): T {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown> | undefined>
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item ?? {})) {
      const parameters = (operation as { parameters?: Parameter[] } | null)?.parameters
      if (!Array.isArray(parameters)) continue
      for (const p of parameters) {
        if (p.in === 'query' && p.required && p.schema?.default !== undefined) p.required = false
      }
    }
  }
  return doc
}
