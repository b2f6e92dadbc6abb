import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { multipartBody } from '../fixtures/multipart.js'
import { makePdf } from '../fixtures/pdf.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

const DEPLOY_MD = `# Deploy

Intro to deploying.

## Hugging Face Spaces

Create a Space with the Docker SDK; the app listens on port 7860.

## Neon

Set DATABASE_URL to the Neon connection string.
`

interface Doc {
  id: string
  title: string
  space_id: string
  source: string | null
  chunks: number
  created_at: string
}

for (const kind of dbKinds()) {
  describe(`documents routes [${kind}]`, () => {
    let t: TestApp
    let admin: Record<string, string>
    let user: Record<string, string>
    before(async () => {
      t = await buildTestApp(kind)
      const config = (await import('../../src/config.js')).testConfig()
      admin = bearer(
        (await createUserWithSession(t.tdb.db, config, { email: 'admin@example.com', role: 'admin' })).token,
      )
      user = bearer((await createUserWithSession(t.tdb.db, config, { email: 'user@example.com' })).token)
    })
    after(() => t.close())

    const post = (payload: unknown, headers = admin) =>
      t.app.inject({ method: 'POST', url: '/api/documents', payload: payload as object, headers })
    const upload = (name: string, content: Uint8Array | string, headers = admin) => {
      const mp = multipartBody({ name, content })
      return t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: mp.payload,
        headers: { ...headers, ...mp.headers },
      })
    }

    it('creates from JSON (201), then returns the same document for identical content (200)', async () => {
      const res = await post({ title: 'Deploy guide', content: DEPLOY_MD, source: 'docs/deploy.md' })
      assert.equal(res.statusCode, 201, res.body)
      const doc = json<Doc>(res)
      assert.deepEqual(Object.keys(doc).sort(), ['chunks', 'created_at', 'id', 'source', 'space_id', 'title'])
      assert.equal(doc.space_id, SHARED_LIBRARY_ID, "an admin's document goes to the shared library")
      assert.equal(doc.title, 'Deploy guide')
      assert.equal(doc.source, 'docs/deploy.md')
      assert.equal(doc.chunks, 3)
      assert.match(doc.created_at, /Z$/)
      const again = await post({ title: 'Another title', content: DEPLOY_MD })
      assert.equal(again.statusCode, 200)
      assert.deepEqual(json(again), doc)
    })

    it('lists documents newest first and shows one with its chunks', async () => {
      const second = json<Doc>(
        await post({ title: 'Plain', content: 'Plain text about sessions.', format: 'text' }),
      )
      const list = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: user }),
      )
      assert.equal(list.documents[0]?.id, second.id)
      const deploy = list.documents.find((d) => d.source === 'docs/deploy.md') as Doc
      const res = await t.app.inject({ method: 'GET', url: `/api/documents/${deploy.id}`, headers: user })
      assert.equal(res.statusCode, 200)
      const detail = json<{
        chunks: { id: string; ordinal: number; heading: string | null; content: string }[]
      }>(res)
      assert.deepEqual(
        detail.chunks.map((c) => [c.ordinal, c.heading]),
        [
          [0, 'Deploy'],
          [1, 'Deploy > Hugging Face Spaces'],
          [2, 'Deploy > Neon'],
        ],
      )
      assert.match(detail.chunks[1]?.content ?? '', /port 7860/)
    })

    it('answers 404 for a malformed or unknown id', async () => {
      for (const id of ['nope', '00000000-0000-4000-8000-000000000000']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/documents/${id}`, headers: user })
        assert.equal(res.statusCode, 404)
        assert.equal(json(res).code, 'not_found')
        const del = await t.app.inject({ method: 'DELETE', url: `/api/documents/${id}`, headers: admin })
        assert.equal(del.statusCode, 404)
      }
    })

    it("puts a user's document in their own space; the shared library is read-only to them (403)", async () => {
      const res = await post({ title: 'Mine', content: 'My private notes about quokkas.' }, user)
      assert.equal(res.statusCode, 201, res.body)
      const mine = json<Doc>(res)
      assert.notEqual(mine.space_id, SHARED_LIBRARY_ID)
      const adminList = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: admin }),
      )
      assert.ok(!adminList.documents.some((d) => d.id === mine.id), 'not even an admin lists it')
      const open = await t.app.inject({ method: 'GET', url: `/api/documents/${mine.id}`, headers: admin })
      assert.equal(open.statusCode, 404)
      const shared = await post({ title: 'x', content: 'y', space_id: SHARED_LIBRARY_ID }, user)
      assert.equal(shared.statusCode, 403)
      assert.equal(json(shared).code, 'forbidden')
      const bad = await post({ nonsense: true }, user)
      assert.equal(bad.statusCode, 422)
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/documents/${adminList.documents[0]?.id}`,
        headers: user,
      })
      assert.equal(del.statusCode, 403)
      const own = await t.app.inject({ method: 'DELETE', url: `/api/documents/${mine.id}`, headers: user })
      assert.equal(own.statusCode, 204)
      const anon = await t.app.inject({ method: 'GET', url: '/api/documents' })
      assert.equal(anon.statusCode, 401)
      const anonPost = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: { title: 'x', content: 'y' },
      })
      assert.equal(anonPost.statusCode, 401)
    })

    it('validates the JSON body (422) and refuses other media types (415)', async () => {
      for (const body of [
        { content: 'x' },
        { title: 'x' },
        { title: ' ', content: 'x' },
        { title: 'x', content: 'y', format: 'pdf' },
      ]) {
        const res = await post(body)
        assert.equal(res.statusCode, 422, JSON.stringify(body))
        assert.equal(json(res).code, 'validation_error')
      }
      const empty = await post({ title: 'Empty', content: '  \n\n ' })
      assert.equal(empty.statusCode, 422)
      // A JSON body has no `file`: the error names the field that was sent.
      assert.deepEqual(
        json<{ errors: { path: string }[] }>(empty).errors.map((e) => e.path),
        ['content'],
      )
      const text = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: 'hello',
        headers: { ...admin, 'content-type': 'text/plain' },
      })
      assert.equal(text.statusCode, 415)
      assert.equal(json(text).code, 'unsupported_media_type')
    })

    it('ingests uploaded .md, .txt, .html and .pdf files, titles taken from the files', async () => {
      const cases: [string, Uint8Array | string, string][] = [
        ['guide.md', '# Upload Guide\n\nMarkdown upload body about kittens.', 'Upload Guide'],
        ['release-notes.txt', 'Release notes: the text upload mentions giraffes.', 'release notes'],
        [
          'page.html',
          '<html><head><title>HTML Page</title><script>steal()</script></head><body><nav>Menu Home</nav><main><h1>Zebras</h1><p>HTML body about zebras.</p></main></body></html>',
          'HTML Page',
        ],
        [
          'report.pdf',
          makePdf(['Quarterly report', 'Penguins grew by twelve percent.'], 'Penguin Report'),
          'Penguin Report',
        ],
      ]
      for (const [name, content, title] of cases) {
        const res = await upload(name, content)
        assert.equal(res.statusCode, 201, `${name}: ${res.body}`)
        const doc = json<Doc>(res)
        assert.equal(doc.title, title)
        assert.equal(doc.source, name)
        assert.ok(doc.chunks >= 1)
      }
      const html = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: user }),
      )
      const page = html.documents.find((d) => d.source === 'page.html') as Doc
      const detail = await t.app.inject({ method: 'GET', url: `/api/documents/${page.id}`, headers: user })
      assert.doesNotMatch(detail.body, /steal|Menu Home/)
      const search = await t.app.inject({ method: 'GET', url: '/api/search?q=penguins', headers: user })
      assert.equal(json<{ results: { source: string }[] }>(search).results[0]?.source, 'report.pdf')
    })

    it('refuses unusable files with 422 and leaves nothing behind', async () => {
      const before = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: user }),
      )
      const bad: [string, Uint8Array | string][] = [
        ['notes.docx', 'PK\u0003\u0004 not a supported type'],
        ['binary.txt', new Uint8Array([0, 1, 2, 3, 255, 254, 0, 7, 8, 0, 0, 0])],
        ['broken.pdf', '%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage'],
        ['fake.pdf', 'just some text pretending to be a PDF'],
        // A PDF under a text name: its ASCII-only syntax must not be ingested as text.
        [
          'report.txt',
          '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>',
        ],
        ['empty.md', ''],
        ['blank.txt', '   \n\n  '],
      ]
      for (const [name, content] of bad) {
        const res = await upload(name, content)
        assert.equal(res.statusCode, 422, `${name}: ${res.body}`)
        const body = json<{ code: string; detail: string }>(res)
        assert.equal(body.code, 'validation_error')
        assert.ok(body.detail.length > 10)
      }
      const wrongField = multipartBody({ name: 'a.md', content: '# A\n\nx', field: 'upload' })
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: wrongField.payload,
        headers: { ...admin, ...wrongField.headers },
      })
      assert.equal(res.statusCode, 422)
      // Two files where one is expected: the request is malformed, not too large.
      const one = multipartBody({ name: 'a.md', content: '# A\n\nalpha' })
      const boundary = one.headers['content-type']?.split('boundary=')[1] ?? ''
      const second = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.md"\r\n` +
          `Content-Type: text/markdown\r\n\r\n# B\n\nbeta\r\n--${boundary}--\r\n`,
      )
      const twoFiles = Buffer.concat([
        one.payload.subarray(0, one.payload.length - `--${boundary}--\r\n`.length),
        second,
      ])
      const two = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: twoFiles,
        headers: { ...admin, ...one.headers },
      })
      assert.equal(two.statusCode, 422, two.body)
      assert.equal(json(two).code, 'validation_error')
      const afterList = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: user }),
      )
      assert.equal(afterList.documents.length, before.documents.length)
    })

    it('reads HTML fragments and pages without a <body> tag (was 422 "no text", or 500 for bare text)', async () => {
      const pages: [string, string, RegExp][] = [
        [
          'fragment',
          '<p>A short note about the fennec numbat.</p>',
          /A short note about the fennec numbat\./,
        ],
        [
          'table',
          '<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Numbat</td><td>9 USD</td></tr></table>',
          /Plan: Numbat; Price: 9 USD/,
        ],
        [
          'bare text',
          'Plain words about the fennec numbat, no tags at all.',
          /Plain words about the fennec numbat/,
        ],
        [
          'no body tag',
          '<html><head><title>T</title><style>p{}</style></head><p>Head then a numbat paragraph.</p></html>',
          /Head then a numbat paragraph\./,
        ],
      ]
      for (const [what, content, expected] of pages) {
        const res = await post({ title: `HTML ${what}`, content, format: 'html' }, user)
        assert.equal(res.statusCode, 201, `${what}: ${res.body}`)
        const doc = json<{ chunks: { content: string }[] }>(
          await t.app.inject({ method: 'GET', url: `/api/documents/${json<Doc>(res).id}`, headers: user }),
        )
        const all = doc.chunks.map((c) => c.content).join('\n\n')
        assert.match(all, expected, what)
        assert.doesNotMatch(all, /p\{\}|<\/?[a-z]+>/, what)
      }
      const file = await upload('notes.html', 'Uploaded plain words about a numbat.', user)
      assert.equal(file.statusCode, 201, file.body)
    })

    it('reads a UTF-16 text file by its byte order mark', async () => {
      const text = 'Ünïcode snorkelwhale notes.\n\nÇa marche.'
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
      const be = Buffer.from(le)
      be.swap16()
      for (const [name, bytes] of [
        ['utf16le.txt', le],
        ['utf16be.md', be],
      ] as const) {
        const res = await upload(name, new Uint8Array(bytes), user)
        assert.ok([200, 201].includes(res.statusCode), `${name}: ${res.body}`)
        const doc = json<{ chunks: { content: string }[] }>(
          await t.app.inject({ method: 'GET', url: `/api/documents/${json<Doc>(res).id}`, headers: user }),
        )
        const all = doc.chunks.map((c) => c.content).join('\n\n')
        assert.match(all, /Ünïcode snorkelwhale notes\./)
        assert.match(all, /Ça marche\./)
        assert.ok(!all.includes('\uFEFF') && !all.includes('\u0000'))
      }
    })

    it('refuses a file name a JSON source could not be: U+0000 in it, or over 1000 characters (422)', async () => {
      const before = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: admin }),
      )
      for (const name of ['a\u0000b.txt', `${'n'.repeat(1001)}.txt`]) {
        const res = await upload(name, 'Plain text about nothing in particular.')
        assert.equal(res.statusCode, 422, res.body)
        const body = json<{ code: string; errors: { path: string }[] }>(res)
        assert.equal(body.code, 'validation_error')
        assert.equal(body.errors[0]?.path, 'file')
      }
      const ok = await upload(`${'n'.repeat(996)}.txt`, 'Plain text about nothing in particular.')
      assert.equal(ok.statusCode, 201, ok.body)
      assert.equal(json<Doc>(ok).source?.length, 1000)
      const afterList = json<{ documents: Doc[] }>(
        await t.app.inject({ method: 'GET', url: '/api/documents', headers: admin }),
      )
      assert.equal(afterList.documents.length, before.documents.length + 1)
    })

    it('answers 400 bad_request, not 500, for a malformed multipart body', async () => {
      const cases: [string, string][] = [
        // No boundary parameter at all.
        ['multipart/form-data', 'x'],
        // A part that never ends (the body is cut short).
        [
          'multipart/form-data; boundary=zz',
          '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\n\r\nhello',
        ],
      ]
      for (const [type, payload] of cases) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/documents',
          payload,
          headers: { ...admin, 'content-type': type },
        })
        assert.equal(res.statusCode, 400, `${type}: ${res.body}`)
        const body = json<{ code: string; detail: string }>(res)
        assert.equal(body.code, 'bad_request')
        assert.match(body.detail, /multipart/)
      }
    })

    it('answers 422 for an empty JSON body (no body), as for a request without one', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: '',
        headers: { ...admin, 'content-type': 'application/json' },
      })
      assert.equal(res.statusCode, 422, res.body)
      assert.equal(json(res).code, 'validation_error')
    })

    it('answers 413 for an upload over 20 MiB', async () => {
      const big = new Uint8Array(20 * 1024 * 1024 + 10).fill(97)
      const res = await upload('big.txt', big)
      assert.equal(res.statusCode, 413)
      assert.equal(json(res).code, 'payload_too_large')
    })

    it('replaces the chunks of a changed file at the same source (200, same id)', async () => {
      const first = json<Doc>(
        await upload('changing.md', '# Changing\n\nThe first version talks about walruses.'),
      )
      const res = await upload(
        'changing.md',
        '# Changing\n\nThe second version talks about narwhals.\n\n## More\n\nExtra.',
      )
      assert.equal(res.statusCode, 200)
      const second = json<Doc>(res)
      assert.equal(second.id, first.id)
      assert.equal(second.chunks, 2)
      const walrus = await t.app.inject({ method: 'GET', url: '/api/search?q=walruses', headers: user })
      assert.deepEqual(json(walrus).results, [])
      const narwhal = await t.app.inject({ method: 'GET', url: '/api/search?q=narwhals', headers: user })
      assert.equal(json<{ results: { document_id: string }[] }>(narwhal).results[0]?.document_id, first.id)
    })

    it('deletes a document (204): its chunks go and search no longer finds it', async () => {
      const doc = json<Doc>(
        await post({ title: 'Ephemeral', content: '# Ephemeral\n\nOcelots are small wild cats.' }),
      )
      const found = await t.app.inject({ method: 'GET', url: '/api/search?q=ocelots', headers: user })
      assert.equal(json<{ results: unknown[] }>(found).results.length, 1)
      const del = await t.app.inject({ method: 'DELETE', url: `/api/documents/${doc.id}`, headers: admin })
      assert.equal(del.statusCode, 204)
      assert.equal(del.body, '')
      const gone = await t.app.inject({ method: 'GET', url: `/api/documents/${doc.id}`, headers: user })
      assert.equal(gone.statusCode, 404)
      const search = await t.app.inject({ method: 'GET', url: '/api/search?q=ocelots', headers: user })
      assert.deepEqual(json(search).results, [])
      const rows = await t.tdb.db.query('select count(*)::int as n from chunks where document_id = $1', [
        doc.id,
      ])
      assert.equal(Number(rows[0]?.n), 0)
      const terms = await t.tdb.db.query("select count(*)::int as n from space_terms where lexeme = 'ocelot'")
      assert.equal(Number(terms[0]?.n), 0)
    })
  })
}
