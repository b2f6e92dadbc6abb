// Memory (issue #7, idle RSS ≤ 200 MiB): a server on Postgres that only answers — sign-up,
// session checks, search, extractive chat — never loads what only ingestion, the other driver or
// an unconfigured provider needs: the chunker's tokenizer (~40 MiB), the HTML and PDF parsers
// (~30 MiB), the openai SDK (~13 MiB), PGlite (~8 MiB), ioredis (~6 MiB). The first document
// ingested loads the chunker (which also shows the recorder sees dynamic imports).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  createEmptyDatabase,
  ensureBackendBuilt,
  http,
  IN_CI,
  type ServerProcess,
  startServer,
} from '../helpers/processes.js'

const RECORDER = fileURLToPath(new URL('../helpers/module-recorder.mjs', import.meta.url))
const ADMIN = 'lazy-admin@example.com'
const PASSWORD = 'a quiet lighthouse 42'
const NEVER_WHILE_ANSWERING = [
  'gpt-tokenizer',
  'marked',
  'linkedom',
  '@mozilla/readability',
  'unpdf',
  'openai',
  '@electric-sql/pglite',
  '@electric-sql/pglite-pgvector',
  'ioredis',
]

function skipReason(): string | false {
  if (process.env.TEST_DATABASE_URL) return false
  if (IN_CI) throw new Error('CI=true but TEST_DATABASE_URL is not set: the lazy-modules test cannot run')
  return 'TEST_DATABASE_URL not set'
}

describe('a Postgres server that only answers loads no ingestion-only modules', {
  skip: skipReason(),
  timeout: 180_000,
}, () => {
  let server: ServerProcess
  let db: Awaited<ReturnType<typeof createEmptyDatabase>>
  const log = join(mkdtempSync(join(tmpdir(), 'rag-auth-modules-')), 'packages.txt')
  const loaded = () => new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))
  let token = ''

  before(async () => {
    await ensureBackendBuilt()
    db = await createEmptyDatabase('lazy')
    server = await startServer({
      name: 'lazy-modules',
      nodeArgs: ['--import', RECORDER],
      env: {
        DATABASE_URL: db?.url as string,
        ADMIN_EMAILS: ADMIN,
        ADMIN_PASSWORD: PASSWORD,
        RAG_AUTH_MODULE_LOG: log,
        NODE_ENV: 'production',
        SECRET_KEY: 'k'.repeat(48),
      },
    })
  })

  after(async () => {
    await server?.stop('SIGKILL')
    await db?.drop()
  })

  it('answers sign-up, me, search and chat without them', async () => {
    const reg = await http(server.url, '/api/auth/register', {
      json: { email: 'lazy-user@example.com', password: PASSWORD },
    })
    assert.equal(reg.status, 201, reg.text)
    token = (reg.body as { session: { token: string } }).session.token
    assert.equal((await http(server.url, '/api/auth/me', { token })).status, 200)
    const search = await http(server.url, '/api/search?q=how+are+passwords+stored', { token })
    assert.equal(search.status, 200, search.text)
    const chat = await http(server.url, '/api/chat/message', { token, json: { message: 'How do I deploy?' } })
    assert.equal(chat.status, 200, chat.text)
    const packages = loaded()
    // The recorder works: what every request needs is there.
    for (const name of ['fastify', 'postgres', 'drizzle-orm']) assert.ok(packages.has(name), name)
    const present = NEVER_WHILE_ANSWERING.filter((name) => packages.has(name))
    assert.deepEqual(present, [], `loaded while only answering: ${present.join(', ')}`)
  })

  it('loads the chunker with the first document', async () => {
    // The admin was made at start from ADMIN_PASSWORD.
    const signedIn = await http(server.url, '/api/auth/sign-in', {
      json: { email: ADMIN, password: PASSWORD },
    })
    assert.equal(signedIn.status, 200, signedIn.text)
    const admin = (signedIn.body as { session: { token: string } }).session.token
    const doc = await http(server.url, '/api/documents', {
      token: admin,
      json: {
        title: 'Lighthouses',
        content: '# Lighthouses\n\nA lighthouse keeps ships off rocks.\n',
        format: 'markdown',
      },
    })
    assert.equal(doc.status, 201, doc.text)
    const packages = loaded()
    for (const name of ['gpt-tokenizer', 'marked']) assert.ok(packages.has(name), name)
    const found = await http(server.url, '/api/search?q=lighthouse+rocks', { token })
    assert.equal((found.body as { results: unknown[] }).results.length, 1, found.text)
  })
})
