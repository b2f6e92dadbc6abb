// SQL for the optional `embedding vector(N)` column: pgvector's presence, the column's size, its
// creation (N is known only at start, so no static migration makes it), and the embedding model
// recorded in kb_meta. DDL and catalog reads stay raw: drizzle's builder has no statement for them.
import { inArray, sql } from 'drizzle-orm'
import type { Conn, Executor } from '../client.js'
import { kbMeta } from '../schema/index.js'

const MODEL_KEYS = ['embedding_model', 'embedding_dimensions']

export async function hasPgvector(ex: Executor): Promise<boolean> {
  const rows = await ex.query("select 1 from pg_available_extensions where name = 'vector'")
  return rows.length > 0
}

/** Dimensions of chunks.embedding, or null when the column does not exist. */
export async function embeddingColumnDimensions(ex: Executor): Promise<number | null> {
  const rows = await ex.query<{ typmod: number }>(
    `select a.atttypmod as typmod from pg_attribute a
     where a.attrelid = 'chunks'::regclass and a.attname = 'embedding' and not a.attisdropped`,
  )
  return rows[0] ? Number(rows[0].typmod) : null
}

export async function recordedModel(db: Conn): Promise<{ model: string; dimensions: number } | null> {
  const rows = await db.orm
    .select({ key: kbMeta.key, value: kbMeta.value })
    .from(kbMeta)
    .where(inArray(kbMeta.key, MODEL_KEYS))
  const m = new Map(rows.map((r) => [r.key, r.value]))
  const model = m.get('embedding_model')
  const dims = Number(m.get('embedding_dimensions'))
  return model && dims > 0 ? { model, dimensions: dims } : null
}

export async function recordModel(db: Conn, model: string, dimensions: number): Promise<void> {
  await db.orm
    .insert(kbMeta)
    .values([
      { key: 'embedding_model', value: model },
      { key: 'embedding_dimensions', value: String(dimensions) },
    ])
    .onConflictDoUpdate({ target: kbMeta.key, set: { value: sql`excluded.value` } })
}

function vectorColumn(dimensions: number): string {
  return `embedding vector(${Math.trunc(dimensions)})`
}

const CREATE_INDEX =
  'create index if not exists chunks_embedding_hnsw_idx on chunks using hnsw (embedding vector_cosine_ops)'

export async function createVectorColumn(ex: Executor, dimensions: number): Promise<void> {
  await ex.exec('create extension if not exists vector')
  await ex.exec(`alter table chunks add column if not exists ${vectorColumn(dimensions)}`)
  await ex.exec(CREATE_INDEX)
}

/**
 * Drops every stored embedding and the recorded model, and adds an empty column of the new size,
 * in one transaction: a database is never left with vectors of one size recorded as another.
 * The index is built by createVectorIndex once the column is filled again.
 */
export async function resetVectorColumn(ex: Executor, dimensions: number): Promise<void> {
  await ex.exec('create extension if not exists vector')
  await ex.exec(
    `begin;
     delete from kb_meta where key in ('embedding_model', 'embedding_dimensions');
     drop index if exists chunks_embedding_hnsw_idx;
     alter table chunks drop column if exists embedding;
     alter table chunks add column ${vectorColumn(dimensions)};
     commit;`,
  )
}

/** Faster once at the end of a bulk fill than maintained row by row. */
export async function createVectorIndex(ex: Executor): Promise<void> {
  await ex.exec(CREATE_INDEX)
}
