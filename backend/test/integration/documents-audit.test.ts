// Documents and the audit log (docs/api.md §7, §14): adding and deleting a document write
// `document_added` / `document_deleted` in the transaction that makes the change (ids only, never
// a title), and nothing for a refused or failed upload. The editor role is checked again in the
// writing transaction: a member demoted while their upload or delete waits cannot write.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { lockKnowledgeBase } from '../../src/db/queries/bm25.js'
import { multipartBody } from '../fixtures/multipart.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'
import { addMember, as, createSpace, expectStatus, whileWriteWaits } from '../helpers/spaces.js'
import { bearer, createUserWithSession, type TestUser } from '../helpers/users.js'

interface Event {
  type: string
  actor_id: string | null
  actor_email: string | null
  subject_id: string | null
  details: Record<string, unknown>
}

interface Doc {
  id: string
  space_id: string
}

for (const kind of dbKinds()) {
  describe(`document audit events and write-time roles [${kind}]`, () => {
    let t: TestApp
    let admin: TestUser
    let owner: TestUser
    let editor: TestUser

    before(async () => {
      t = await buildTestApp(kind)
      const config = testConfig()
      admin = await createUserWithSession(t.tdb.db, config, {
        email: `doc-audit-admin-${kind}@example.com`,
        role: 'admin',
      })
      owner = await createUserWithSession(t.tdb.db, config, { email: `doc-audit-owner-${kind}@example.com` })
      editor = await createUserWithSession(t.tdb.db, config, {
        email: `doc-audit-editor-${kind}@example.com`,
      })
    })
    after(() => t.close())

    const member = (u: TestUser) => ({ email: u.user.email, token: u.token })

    async function events(type: string): Promise<Event[]> {
      const res = await t.app.inject({
        url: `/api/admin/audit?type=${type}&limit=100`,
        headers: bearer(admin.token),
      })
      return expectStatus<{ events: Event[] }>(res, 200).events
    }

    async function documentEvents(): Promise<Event[]> {
      return [...(await events('document_added')), ...(await events('document_deleted'))]
    }

    async function listed(token: string, spaceId: string): Promise<string[]> {
      const res = await as(t.app, token)('GET', `/api/documents?space_id=${spaceId}`)
      return expectStatus<{ documents: Doc[] }>(res, 200).documents.map((d) => d.id)
    }

    it('audits adding and deleting a document in a personal space with ids only', async () => {
      const title = 'Secret diary of walruses'
      const res = await as(t.app, owner.token)('POST', '/api/documents', {
        title,
        content: '# Diary\n\nWalruses gathered on the ice today.',
      })
      const doc = expectStatus<Doc>(res, 201)
      const [added, ...more] = (await events('document_added')).filter(
        (e) => e.details.document_id === doc.id,
      )
      assert.ok(added, 'document_added is written')
      assert.equal(more.length, 0)
      assert.equal(added.actor_id, owner.user.id)
      assert.equal(added.actor_email, owner.user.email)
      assert.equal(added.subject_id, null)
      assert.deepEqual(added.details, { document_id: doc.id, space_id: doc.space_id, status: 'created' })

      // The same content again changes nothing, so nothing is written.
      const again = await as(t.app, owner.token)('POST', '/api/documents', {
        title,
        content: '# Diary\n\nWalruses gathered on the ice today.',
      })
      expectStatus(again, 200)
      assert.equal((await events('document_added')).filter((e) => e.details.document_id === doc.id).length, 1)

      expectStatus(await as(t.app, owner.token)('DELETE', `/api/documents/${doc.id}`), 204)
      const deleted = (await events('document_deleted')).filter((e) => e.details.document_id === doc.id)
      assert.equal(deleted.length, 1)
      assert.equal(deleted[0]?.actor_id, owner.user.id)
      assert.equal(deleted[0]?.subject_id, null)
      assert.deepEqual(deleted[0]?.details, { document_id: doc.id, space_id: doc.space_id })
      assert.ok(!JSON.stringify(await documentEvents()).includes('walrus'), 'no title or text in any event')
    })

    it('writes an updated document as added with status updated', async () => {
      const upload = (content: string) => {
        const mp = multipartBody({ name: 'notes.md', content })
        return t.app.inject({
          method: 'POST',
          url: '/api/documents',
          payload: mp.payload,
          headers: { ...bearer(owner.token), ...mp.headers },
        })
      }
      const first = expectStatus<Doc>(await upload('# Notes\n\nThe first version.'), 201)
      const second = expectStatus<Doc>(await upload('# Notes\n\nThe second version.'), 200)
      assert.equal(second.id, first.id)
      const statuses = (await events('document_added'))
        .filter((e) => e.details.document_id === first.id)
        .map((e) => e.details.status)
      assert.deepEqual(statuses, ['updated', 'created'], 'newest first')
    })

    it('writes nothing for a failed or refused upload, nor for a refused delete', async () => {
      const space = await createSpace(t.app, owner.token)
      await addMember(t.app, owner.token, space.id, member(editor), 'viewer')
      const before = (await documentEvents()).length
      // Unusable content (422), a viewer (403), an unreadable space (404).
      const empty = multipartBody({ name: 'empty.md', content: '' })
      const unusable = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: empty.payload,
        headers: { ...bearer(owner.token), ...empty.headers },
      })
      expectStatus(unusable, 422)
      const doc = { title: 'Refused', content: '# Refused\n\nNot written.', space_id: space.id }
      expectStatus(await as(t.app, editor.token)('POST', '/api/documents', doc), 403)
      const spaces = expectStatus<{ spaces: { id: string; kind: string }[] }>(
        await as(t.app, owner.token)('GET', '/api/spaces'),
        200,
      ).spaces
      const personal = spaces.find((s) => s.kind === 'personal')?.id
      expectStatus(
        await as(t.app, admin.token)('POST', '/api/documents', { ...doc, space_id: personal }),
        404,
      )
      const kept = expectStatus<Doc>(await as(t.app, owner.token)('POST', '/api/documents', doc), 201)
      expectStatus(await as(t.app, editor.token)('DELETE', `/api/documents/${kept.id}`), 403)
      assert.equal((await documentEvents()).length, before + 1, 'only the owner’s upload is audited')
    })

    if (kind !== 'postgres') return
    // A demotion between the route's first check and the write: the write waits for the
    // knowledge-base lock this test holds, the owner demotes the editor meanwhile, and the write
    // must then be refused. (PGlite runs one transaction at a time, so a held lock would stall the
    // demotion too: the interleaving is only reproducible on Postgres.)

    const demote = async (spaceId: string) => {
      const res = await as(t.app, owner.token)('PUT', `/api/spaces/${spaceId}/members`, {
        email: editor.user.email,
        role: 'viewer',
      })
      expectStatus(res, 200)
    }

    it('refuses an upload by an editor demoted to viewer before the write (403, nothing written)', async () => {
      const space = await createSpace(t.app, owner.token)
      await addMember(t.app, owner.token, space.id, member(editor), 'editor')
      const before = (await documentEvents()).length
      const res = await whileWriteWaits(
        t.tdb.db,
        lockKnowledgeBase,
        () =>
          as(t.app, editor.token)('POST', '/api/documents', {
            title: 'Late',
            content: '# Late\n\nWritten after the demotion.',
            space_id: space.id,
          }),
        () => demote(space.id),
      )
      expectStatus(res, 403)
      assert.deepEqual(await listed(owner.token, space.id), [])
      assert.equal((await documentEvents()).length, before)
    })

    it('refuses a delete by an editor demoted to viewer before the write (403, the document stays)', async () => {
      const space = await createSpace(t.app, owner.token)
      await addMember(t.app, owner.token, space.id, member(editor), 'editor')
      const doc = expectStatus<Doc>(
        await as(t.app, editor.token)('POST', '/api/documents', {
          title: 'Kept',
          content: '# Kept\n\nStays after the demotion.',
          space_id: space.id,
        }),
        201,
      )
      const before = (await documentEvents()).length
      const res = await whileWriteWaits(
        t.tdb.db,
        lockKnowledgeBase,
        () => as(t.app, editor.token)('DELETE', `/api/documents/${doc.id}`),
        () => demote(space.id),
      )
      expectStatus(res, 403)
      assert.deepEqual(await listed(owner.token, space.id), [doc.id])
      assert.equal((await documentEvents()).length, before)
      assert.equal(json<{ code: string }>(res).code, 'forbidden')
    })
  })
}
