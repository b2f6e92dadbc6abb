// Access inside documents, search, chat and feedback (contract §7, §8, §10): every rule decided on
// the caller's role in the space as it is at that request; unreadable answers exactly like missing.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { testConfig } from '../../src/config.js'
import { migrate } from '../../src/db/migrate.js'
import {
  ensurePersonalSpace,
  insertSpace,
  SHARED_LIBRARY_ID,
  upsertSpaceMember,
} from '../../src/db/queries/spaces.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { multipartBody } from '../fixtures/multipart.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { sseFrames } from '../helpers/chat-corpus.js'
import { dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

interface Doc {
  id: string
  title: string
  space_id: string
  source: string | null
  chunks: number
  created_at: string
}
interface Citation {
  index: number
  document_id?: string
  chunk_id?: string
  space_id?: string
  space_name?: string
  title?: string
  snippet?: string
}
interface ChatBody {
  conversation_id: string
  message: { id: string; content: string; citations: Citation[] }
}
interface Conversation {
  id: string
  title: string
  space_ids: string[] | null
}

const NOWHERE = '0190a8f0-0000-7000-8000-00000000dead'

/** A fact per space, each with a word no other document has. */
const FACTS = {
  shared: { word: 'quillfeather', text: 'The quillfeather archive was sealed by Ormundsen in spring.' },
  team: { word: 'brackenmoor', text: 'The brackenmoor survey was signed by Talvikki in summer.' },
  hidden: { word: 'driftanchor', text: 'The driftanchor ledger was signed by Castellane in autumn.' },
  personal: { word: 'larkspindle', text: 'The larkspindle diary was written by Weatherby in winter.' },
}

for (const kind of dbKinds()) {
  describe(`access inside documents, search and chat [${kind}]`, () => {
    let t: TestApp
    const config = testConfig()
    const users: Record<'admin' | 'owner' | 'editor' | 'viewer' | 'outsider', string> = {
      admin: '',
      owner: '',
      editor: '',
      viewer: '',
      outsider: '',
    }
    const ids: Record<string, string> = {}
    let team = ''
    let hidden = ''
    let ownerPersonal = ''
    const docs: Record<keyof typeof FACTS, Doc | null> = {
      shared: null,
      team: null,
      hidden: null,
      personal: null,
    }

    const call = (
      who: keyof typeof users,
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      headers: Record<string, string> = {},
    ) =>
      t.app.inject({
        method,
        url,
        headers: { ...bearer(users[who]), ...headers },
        ...(payload === undefined ? {} : { payload }),
      })
    const ask = (who: keyof typeof users, body: object, sse = false) =>
      call(who, 'POST', '/api/chat/message', body, sse ? { accept: 'text/event-stream' } : {})
    const add = async (who: keyof typeof users, fact: keyof typeof FACTS, spaceId?: string) => {
      const f = FACTS[fact]
      const res = await call(who, 'POST', '/api/documents', {
        title: `Notes on ${f.word}`,
        content: f.text,
        format: 'text',
        ...(spaceId ? { space_id: spaceId } : {}),
      })
      assert.equal(res.statusCode, 201, res.body)
      return json<Doc>(res)
    }
    const assertNotFound = (res: LightMyRequestResponse, what: string) => {
      assert.equal(res.statusCode, 404, `${what}: ${res.body}`)
      assert.equal(json(res).code, 'not_found', what)
    }

    before(async () => {
      t = await buildTestApp(kind)
      for (const who of Object.keys(users) as (keyof typeof users)[]) {
        const u = await createUserWithSession(t.tdb.db, config, {
          email: `${who}-${kind}@example.com`,
          role: who === 'admin' ? 'admin' : 'user',
        })
        users[who] = u.token
        ids[who] = u.user.id
      }
      team = uuidv7()
      hidden = uuidv7()
      await insertSpace(t.tdb.db, {
        id: team,
        name: 'Survey team',
        kind: 'team',
        createdBy: ids.owner ?? null,
      })
      await insertSpace(t.tdb.db, { id: hidden, name: 'Hidden team', kind: 'team' })
      await upsertSpaceMember(t.tdb.db, team, ids.owner as string, 'owner')
      await upsertSpaceMember(t.tdb.db, team, ids.editor as string, 'editor')
      await upsertSpaceMember(t.tdb.db, team, ids.viewer as string, 'viewer')
      await upsertSpaceMember(t.tdb.db, hidden, ids.outsider as string, 'owner')
      ownerPersonal = await ensurePersonalSpace(t.tdb.db, ids.owner as string, () => uuidv7())
      docs.shared = await add('admin', 'shared')
      docs.team = await add('editor', 'team', team)
      docs.hidden = await add('outsider', 'hidden', hidden)
      docs.personal = await add('owner', 'personal')
    })
    after(() => t.close())

    it('puts documents where the caller may write: admin → shared library, others → their own space', () => {
      assert.equal(docs.shared?.space_id, SHARED_LIBRARY_ID)
      assert.equal(docs.team?.space_id, team)
      assert.equal(docs.personal?.space_id, ownerPersonal)
    })

    it('refuses uploads by role: viewer 403, unreadable or missing space 404, malformed id 422', async () => {
      const body = (space_id: string) => ({ title: 'x', content: 'Some text.', space_id })
      const viewer = await call('viewer', 'POST', '/api/documents', body(team))
      assert.equal(viewer.statusCode, 403)
      assert.equal(json(viewer).code, 'forbidden')
      assertNotFound(await call('viewer', 'POST', '/api/documents', body(hidden)), 'unreadable team')
      assertNotFound(await call('viewer', 'POST', '/api/documents', body(NOWHERE)), 'missing space')
      // A personal space is its owner's alone: admins included.
      assertNotFound(await call('admin', 'POST', '/api/documents', body(ownerPersonal)), 'personal (admin)')
      const bad = await call('viewer', 'POST', '/api/documents', body('not-a-uuid'))
      assert.equal(bad.statusCode, 422)
      // Unreadable and missing look the same, body for body.
      const a = await call('viewer', 'POST', '/api/documents', body(hidden))
      const b = await call('viewer', 'POST', '/api/documents', body(NOWHERE))
      assert.deepEqual(json(a), json(b))
      // An admin acts as owner of team spaces.
      const adminTeam = await call('admin', 'POST', '/api/documents', {
        title: 'Admin note',
        content: 'Admins may add to team spaces: pelicanwise.',
        space_id: hidden.toUpperCase(),
      })
      assert.equal(adminTeam.statusCode, 201, adminTeam.body)
      assert.equal(json<Doc>(adminTeam).space_id, hidden)
      assert.equal(
        (await call('admin', 'DELETE', `/api/documents/${json<Doc>(adminTeam).id}`)).statusCode,
        204,
      )
    })

    it('takes space_id from a multipart field before or after the file', async () => {
      for (const order of ['before', 'after'] as const) {
        const content = `# Upload ${order}\n\nMultipart upload placed ${order} the file: thistledown${order}.`
        const mp = multipartBody(
          { name: `mp-${order}.md`, content },
          order === 'before' ? { space_id: team } : {},
        )
        let payload = mp.payload
        if (order === 'after') {
          const boundary = (mp.headers['content-type'] as string).split('boundary=')[1] as string
          const text = payload.toString('latin1')
          const end = `--${boundary}--\r\n`
          payload = Buffer.from(
            `${text.slice(0, text.length - end.length)}--${boundary}\r\nContent-Disposition: form-data; name="space_id"\r\n\r\n${team}\r\n${end}`,
            'latin1',
          )
        }
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/documents',
          payload,
          headers: { ...bearer(users.editor), ...mp.headers },
        })
        assert.equal(res.statusCode, 201, `${order}: ${res.body}`)
        assert.equal(json<Doc>(res).space_id, team, order)
      }
      const mp = multipartBody({ name: 'v.md', content: '# V\n\nViewer upload.' }, { space_id: team })
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: mp.payload,
        headers: { ...bearer(users.viewer), ...mp.headers },
      })
      assert.equal(res.statusCode, 403)
    })

    it('is idempotent per space: the same content is a new document in another space', async () => {
      const body = { title: 'Twin', content: 'Identical text about marshwillow.', format: 'text' }
      const inTeam = await call('owner', 'POST', '/api/documents', { ...body, space_id: team })
      assert.equal(inTeam.statusCode, 201)
      const again = await call('editor', 'POST', '/api/documents', { ...body, space_id: team })
      assert.equal(again.statusCode, 200)
      assert.equal(json<Doc>(again).id, json<Doc>(inTeam).id)
      const mine = await call('owner', 'POST', '/api/documents', body)
      assert.equal(mine.statusCode, 201)
      assert.notEqual(json<Doc>(mine).id, json<Doc>(inTeam).id)
      assert.equal(json<Doc>(mine).space_id, ownerPersonal)
    })

    it('lists every readable document, or one readable space; unreadable space → 404', async () => {
      const list = async (who: keyof typeof users, qs = '') => {
        const res = await call(who, 'GET', `/api/documents${qs}`)
        assert.equal(res.statusCode, 200, res.body)
        return json<{ documents: Doc[] }>(res).documents
      }
      const has = (ds: Doc[], d: Doc | null) => ds.some((x) => x.id === d?.id)
      const viewer = await list('viewer')
      assert.ok(has(viewer, docs.shared) && has(viewer, docs.team))
      assert.ok(!has(viewer, docs.hidden) && !has(viewer, docs.personal))
      assert.ok(viewer.every((d) => d.space_id === SHARED_LIBRARY_ID || d.space_id === team))
      const admin = await list('admin')
      assert.ok(has(admin, docs.hidden) && has(admin, docs.team), 'admins read team spaces')
      assert.ok(!has(admin, docs.personal), "admins never read someone's personal space")
      const onlyTeam = await list('viewer', `?space_id=${team}`)
      assert.ok(onlyTeam.length > 0 && onlyTeam.every((d) => d.space_id === team))
      assertNotFound(await call('viewer', 'GET', `/api/documents?space_id=${hidden}`), 'list hidden')
      assertNotFound(await call('admin', 'GET', `/api/documents?space_id=${ownerPersonal}`), 'list personal')
      assertNotFound(await call('viewer', 'GET', `/api/documents?space_id=${NOWHERE}`), 'list missing')
    })

    it('opens and deletes by the document space as it is now', async () => {
      const open = (who: keyof typeof users, d: Doc | null) => call(who, 'GET', `/api/documents/${d?.id}`)
      assert.equal((await open('viewer', docs.team)).statusCode, 200)
      assert.equal(json<Doc>(await open('viewer', docs.team)).space_id, team)
      const hiddenRes = await open('viewer', docs.hidden)
      assertNotFound(hiddenRes, 'open hidden')
      assert.deepEqual(json(hiddenRes), json(await call('viewer', 'GET', `/api/documents/${NOWHERE}`)))
      assertNotFound(await open('admin', docs.personal), 'open personal (admin)')
      assertNotFound(
        await call('admin', 'DELETE', `/api/documents/${docs.personal?.id}`),
        'delete personal (admin)',
      )
      assertNotFound(await call('viewer', 'DELETE', `/api/documents/${docs.hidden?.id}`), 'delete hidden')
      const del = await call('viewer', 'DELETE', `/api/documents/${docs.team?.id}`)
      assert.equal(del.statusCode, 403)
      // Removed from the space: the next request no longer reads it.
      await t.tdb.db.query('delete from space_members where space_id = $1 and user_id = $2', [
        team,
        ids.viewer,
      ])
      assertNotFound(await open('viewer', docs.team), 'open after removal')
      await upsertSpaceMember(t.tdb.db, team, ids.viewer as string, 'viewer')
      assert.equal((await open('viewer', docs.team)).statusCode, 200)
    })

    it('searches every readable space by default, or the named ones; results carry space_id', async () => {
      const search = (who: keyof typeof users, qs: string) => call(who, 'GET', `/api/search?${qs}`)
      const results = (res: LightMyRequestResponse) => {
        assert.equal(res.statusCode, 200, res.body)
        return json<{ results: { document_id: string; space_id: string }[] }>(res).results
      }
      const found = results(await search('viewer', `q=${FACTS.team.word}`))
      assert.deepEqual(
        found.map((r) => [r.document_id, r.space_id]),
        [[docs.team?.id, team]],
      )
      assert.deepEqual(results(await search('viewer', `q=${FACTS.hidden.word}`)), [])
      assert.deepEqual(results(await search('admin', `q=${FACTS.personal.word}`)), [])
      assert.equal(results(await search('owner', `q=${FACTS.personal.word}`)).length, 1)
      // Named: only those spaces, repeated parameter = list, respelled ids are the same space.
      assert.deepEqual(
        results(await search('viewer', `q=${FACTS.team.word}&space_id=${SHARED_LIBRARY_ID}`)),
        [],
      )
      const both = results(
        await search(
          'viewer',
          `q=${FACTS.team.word}%20${FACTS.shared.word}&space_id=${SHARED_LIBRARY_ID}&space_id=${team.toUpperCase()}`,
        ),
      )
      assert.deepEqual(new Set(both.map((r) => r.space_id)), new Set([SHARED_LIBRARY_ID, team]))
      const hiddenRes = await search('viewer', `q=x&space_id=${team}&space_id=${hidden}`)
      assertNotFound(hiddenRes, 'search hidden')
      assert.deepEqual(json(hiddenRes), json(await search('viewer', `q=x&space_id=${NOWHERE}`)))
      assertNotFound(await search('admin', `q=x&space_id=${ownerPersonal}`), 'search personal (admin)')
      assert.equal((await search('viewer', 'q=x&space_id=nope')).statusCode, 422)
    })

    it('limits chat sources to space_ids, remembers them, and refuses unreadable ones (JSON and SSE)', async () => {
      const question = `Who signed the ${FACTS.team.word} survey?`
      const scoped = await ask('viewer', { message: question, space_ids: [SHARED_LIBRARY_ID] })
      assert.equal(scoped.statusCode, 200, scoped.body)
      const first = json<ChatBody>(scoped)
      assert.deepEqual(first.message.citations, [], 'the team space was not chosen')
      // Remembered: a follow-up without space_ids keeps the scope.
      const followUp = json<ChatBody>(
        await ask('viewer', { message: question, conversation_id: first.conversation_id }),
      )
      assert.deepEqual(followUp.message.citations, [])
      const conv = json<Conversation>(
        await call('viewer', 'GET', `/api/chat/conversations/${first.conversation_id}`),
      )
      assert.deepEqual(conv.space_ids, [SHARED_LIBRARY_ID])
      // A later message changes it.
      const widened = json<ChatBody>(
        await ask('viewer', { message: question, conversation_id: first.conversation_id, space_ids: [team] }),
      )
      assert.deepEqual(
        widened.message.citations.map((c) => [c.document_id, c.space_id, c.space_name]),
        [[docs.team?.id, team, 'Survey team']],
      )
      const listed = json<{ conversations: Conversation[] }>(
        await call('viewer', 'GET', '/api/chat/conversations'),
      )
      assert.deepEqual(listed.conversations.find((c) => c.id === first.conversation_id)?.space_ids, [team])
      // Unreadable or missing: 404 before anything is stored, JSON and SSE alike.
      const before = await t.tdb.db.query<{ n: number }>('select count(*)::int as n from messages')
      for (const sse of [false, true]) {
        for (const space of [hidden, NOWHERE]) {
          const res = await ask('viewer', { message: question, space_ids: [team, space] }, sse)
          assertNotFound(res, `chat ${space} sse=${sse}`)
          assert.match(String(res.headers['content-type']), /application\/json/)
        }
        const inConv = await ask(
          'viewer',
          { message: question, conversation_id: first.conversation_id, space_ids: [hidden] },
          sse,
        )
        assertNotFound(inConv, 'chat hidden in a conversation')
      }
      const afterCount = await t.tdb.db.query<{ n: number }>('select count(*)::int as n from messages')
      assert.equal(afterCount[0]?.n, before[0]?.n, 'a refused question leaves no trace')
      assert.equal((await ask('viewer', { message: question, space_ids: [] })).statusCode, 422)
      assert.equal((await ask('viewer', { message: question, space_ids: ['x'] })).statusCode, 422)
      const many = Array.from({ length: 21 }, () => uuidv7())
      assert.equal((await ask('viewer', { message: question, space_ids: many })).statusCode, 422)
    })

    it('streams citations with their space (SSE)', async () => {
      const res = await ask('viewer', { message: `Who signed the ${FACTS.team.word} survey?` }, true)
      assert.equal(res.statusCode, 200)
      const frames = sseFrames(res)
      assert.equal(frames[0]?.event, 'meta')
      const cites = frames.find((f) => f.event === 'citations')?.data.citations as Citation[]
      assert.deepEqual(
        cites.map((c) => [c.document_id, c.space_id, c.space_name]),
        [[docs.team?.id, team, 'Survey team']],
      )
    })

    it('answers from the default scope: not from team spaces an admin reaches only as admin', async () => {
      const question = `Who signed the ${FACTS.hidden.word} ledger?`
      const byDefault = json<ChatBody>(await ask('admin', { message: question }))
      assert.deepEqual(byDefault.message.citations, [])
      const named = json<ChatBody>(await ask('admin', { message: question, space_ids: [hidden] }))
      assert.deepEqual(
        named.message.citations.map((c) => c.document_id),
        [docs.hidden?.id],
      )
      const personal = await ask('admin', { message: question, space_ids: [ownerPersonal] })
      assertNotFound(personal, "admin naming someone's personal space")
    })

    it('skips a remembered space that is no longer readable, from the next request on', async () => {
      const question = `Who signed the ${FACTS.team.word} survey?`
      const first = json<ChatBody>(
        await ask('editor', { message: question, space_ids: [team, SHARED_LIBRARY_ID] }),
      )
      assert.equal(first.message.citations[0]?.document_id, docs.team?.id)
      await t.tdb.db.query('delete from space_members where space_id = $1 and user_id = $2', [
        team,
        ids.editor,
      ])
      try {
        const res = await ask('editor', { message: question, conversation_id: first.conversation_id })
        assert.equal(res.statusCode, 200, 'skipped, not an error')
        assert.deepEqual(json<ChatBody>(res).message.citations, [])
        assert.doesNotMatch(res.body, /Talvikki/)
        const sse = await ask('editor', { message: question, conversation_id: first.conversation_id }, true)
        assert.equal(sse.statusCode, 200)
        assert.doesNotMatch(sse.body, /Talvikki|brackenmoor/)
        // Regenerate answers over the spaces the conversation remembers, as readable now.
        const again = await call(
          'editor',
          'POST',
          `/api/chat/conversations/${first.conversation_id}/regenerate`,
        )
        assert.equal(again.statusCode, 200, again.body)
        assert.deepEqual(json<ChatBody>(again).message.citations, [])
        assert.doesNotMatch(again.body, /Talvikki|brackenmoor/)
        // Naming it again is now a 404.
        assertNotFound(await ask('editor', { message: question, space_ids: [team] }), 'named after removal')
        // The default scope of a new conversation no longer has it either.
        assert.deepEqual(json<ChatBody>(await ask('editor', { message: question })).message.citations, [])
      } finally {
        await upsertSpaceMember(t.tdb.db, team, ids.editor as string, 'editor')
      }
    })

    it('PATCH sets or clears a conversation space_ids; unreadable → 404; others’ conversations → 404', async () => {
      const started = json<ChatBody>(await ask('viewer', { message: 'Who sealed the quillfeather archive?' }))
      const id = started.conversation_id
      const patch = (who: keyof typeof users, payload: object) =>
        call(who, 'PATCH', `/api/chat/conversations/${id}`, payload)
      const get = async () => json<Conversation>(await call('viewer', 'GET', `/api/chat/conversations/${id}`))
      assert.equal((await get()).space_ids, null, 'no space_ids: the default scope')
      const set = await patch('viewer', { space_ids: [team.toUpperCase(), team] })
      assert.equal(set.statusCode, 200, set.body)
      assert.deepEqual(json<Conversation>(set).space_ids, [team])
      assert.deepEqual((await get()).space_ids, [team])
      assertNotFound(await patch('viewer', { space_ids: [hidden] }), 'patch hidden')
      assertNotFound(await patch('viewer', { title: 'x', space_ids: [NOWHERE] }), 'patch missing')
      assert.deepEqual((await get()).space_ids, [team], 'a refused PATCH changes nothing')
      assertNotFound(await patch('owner', { space_ids: [team] }), "another user's conversation")
      const both = await patch('viewer', { title: 'Archive', space_ids: null })
      assert.equal(both.statusCode, 200)
      assert.deepEqual(
        [json<Conversation>(both).title, json<Conversation>(both).space_ids],
        ['Archive', null],
      )
      assert.equal((await patch('viewer', { space_ids: [] })).statusCode, 422)
    })

    it('keeps only the index of an admin-feedback citation from a space the admin cannot read', async () => {
      const personal = json<ChatBody>(
        await ask('owner', { message: `Who wrote the ${FACTS.personal.word} diary?` }),
      )
      const shared = json<ChatBody>(
        await ask('owner', { message: `Who sealed the ${FACTS.shared.word} archive?` }),
      )
      assert.equal(personal.message.citations[0]?.space_id, ownerPersonal)
      assert.equal(shared.message.citations[0]?.space_id, SHARED_LIBRARY_ID)
      for (const m of [personal, shared]) {
        const res = await call('owner', 'PUT', `/api/chat/messages/${m.message.id}/feedback`, {
          rating: 'up',
        })
        assert.equal(res.statusCode, 204)
      }
      const list = await call('admin', 'GET', '/api/admin/feedback')
      assert.equal(list.statusCode, 200, list.body)
      const items = json<{ feedback: { message_id: string; citations: Citation[] }[] }>(list).feedback
      const redacted = items.find((i) => i.message_id === personal.message.id)
      assert.deepEqual(redacted?.citations, [{ index: 1 }])
      const kept = items.find((i) => i.message_id === shared.message.id)
      assert.equal(kept?.citations[0]?.document_id, docs.shared?.id)
      assert.doesNotMatch(list.body, /Notes on larkspindle/)
      const exported = await call('admin', 'GET', '/api/admin/feedback/export')
      assert.equal(exported.statusCode, 200)
      assert.match(exported.body, /Notes on quillfeather/)
      assert.doesNotMatch(exported.body, /Notes on larkspindle/)
      // Its owner still sees the whole citation in their own conversation.
      const own = await call('owner', 'GET', `/api/chat/conversations/${personal.conversation_id}`)
      assert.match(own.body, /Notes on larkspindle/)
    })

    it('migration 0009: old citations get the shared library as their space; conversations the default scope', async () => {
      const db = t.tdb.db
      const asked = json<ChatBody>(
        await ask('viewer', { message: `Who sealed the ${FACTS.shared.word} archive?` }),
      )
      const old = { ...asked.message.citations[0], space_id: undefined, space_name: undefined }
      const kept = {
        index: 2,
        document_id: 'd',
        chunk_id: 'c',
        space_id: team,
        title: 't',
        source: null,
        heading: null,
        snippet: 's',
      }
      // Back to the schema before 0009, with an answer stored the way it was then.
      await db.query('update messages set citations = $2::text::jsonb where id = $1', [
        asked.message.id,
        JSON.stringify([old, kept]),
      ])
      await db.exec('alter table conversations drop column space_ids')
      await db.exec(`delete from schema_migrations where tag = '0009_conversation-spaces'`)
      assert.deepEqual(await migrate(db), ['0009_conversation-spaces'])
      const conv = await call('viewer', 'GET', `/api/chat/conversations/${asked.conversation_id}`)
      assert.equal(conv.statusCode, 200, conv.body)
      const body = json<Conversation & { messages: { id: string; citations: Citation[] }[] }>(conv)
      assert.equal(body.space_ids, null)
      const cites = body.messages.find((m) => m.id === asked.message.id)?.citations
      assert.deepEqual(cites, [
        { ...asked.message.citations[0], space_id: SHARED_LIBRARY_ID, space_name: 'Shared library' },
        kept,
      ])
      const empty = await db.query<{ n: number }>(
        "select count(*)::int as n from messages where role = 'user' and citations <> '[]'::jsonb",
      )
      assert.equal(empty[0]?.n, 0, 'questions keep their empty citations')
    })
  })
}
