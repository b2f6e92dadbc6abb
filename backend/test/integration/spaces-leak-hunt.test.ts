// The leak hunt (issue 17): a property-style test over a random world of users, spaces,
// memberships and documents — each document carrying unique words — where random users search,
// chat (JSON and SSE), list and open documents, with and without naming spaces, and every answer is
// checked against an oracle computed here from the generated model (never from the app's queries).
// Then memberships change and spaces are deleted, and everything is checked again at once.
// Also: scores isolation — a user's results and scores do not move when others add and delete
// documents in spaces that user cannot read.
//
// Seeded: LEAK_HUNT_SEED=<n> replays a run (the seed is printed with any failure);
// LEAK_HUNT_ROUNDS=<n> sets the number of requests per phase.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { testConfig } from '../../src/config.js'
import {
  ensurePersonalSpace,
  insertSpace,
  SHARED_LIBRARY_ID,
  upsertSpaceMember,
} from '../../src/db/queries/spaces.js'
import type { SpaceRole } from '../../src/db/schema/spaces.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { sseFrames } from '../helpers/chat-corpus.js'
import { dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

const SEED = Number(process.env.LEAK_HUNT_SEED ?? 1717)
const ROUNDS = Number(process.env.LEAK_HUNT_ROUNDS ?? 120)
const NOWHERE = '0190a8f0-0000-7000-8000-00000000beef'
const TOPICS = ['harbour', 'orchard', 'quarry'] as const
const ROLES: SpaceRole[] = ['viewer', 'editor', 'owner']

/** mulberry32: small, fast, and the same sequence on every platform for one seed. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const chance = (p: number) => next() < p
  const subset = <T>(xs: readonly T[], max: number): T[] => {
    const pool = [...xs]
    const out: T[] = []
    const n = 1 + int(Math.min(max, pool.length))
    while (out.length < n && pool.length > 0) out.push(pool.splice(int(pool.length), 1)[0] as T)
    return out
  }
  return { next, int, pick, chance, subset }
}
type Rng = ReturnType<typeof prng>

/** A word no stemmer shortens into another's: consonant-vowel syllables ending in a consonant. */
function uniqueWord(rng: Rng, used: Set<string>, first: string): string {
  const c = 'bdfgklmnprtvz'
  const v = 'aiou'
  for (;;) {
    let w = first
    for (let i = 0; i < 3; i++) w += rng.pick([...c]) + rng.pick([...v])
    w += rng.pick(['k', 'x', 'm', 'n'])
    if (!used.has(w)) {
      used.add(w)
      return w
    }
  }
}

interface MUser {
  id: string
  token: string
  admin: boolean
  personal: string
}
interface MSpace {
  id: string
  kind: 'shared' | 'personal' | 'team'
  everyone: boolean
  ownerId: string | null
  members: Map<string, SpaceRole>
  deleted: boolean
}
interface MDoc {
  id: string
  spaceId: string
  marker: string
  secret: string
  topic: string
  title: string
  chunkIds: string[]
  deleted: boolean
}
interface MConversation {
  id: string
  userId: string
  /** null: the default scope. */
  spaceIds: string[] | null
}

/** The oracle: who may read what, from the generated model only (contract §10). */
class World {
  users: MUser[] = []
  spaces = new Map<string, MSpace>()
  docs: MDoc[] = []
  conversations: MConversation[] = []

  readable(u: MUser, spaceId: string): boolean {
    const s = this.spaces.get(spaceId)
    if (!s || s.deleted) return false
    if (s.kind === 'personal') return s.ownerId === u.id
    if (s.kind === 'shared') return true
    return u.admin || s.everyone || s.members.has(u.id)
  }

  /** The chat's default scope: an admin's reach into team spaces counts only when named (§8). */
  inDefault(u: MUser, spaceId: string): boolean {
    const s = this.spaces.get(spaceId)
    if (!s || s.deleted) return false
    if (s.kind === 'team') return s.everyone || s.members.has(u.id)
    return this.readable(u, spaceId)
  }

  role(u: MUser, spaceId: string): SpaceRole | null {
    const s = this.spaces.get(spaceId)
    if (!s || !this.readable(u, spaceId)) return null
    if (s.kind === 'personal') return 'owner'
    if (s.kind === 'shared') return u.admin ? 'owner' : 'viewer'
    if (u.admin) return 'owner'
    return s.members.get(u.id) ?? 'viewer'
  }

  liveDocs(): MDoc[] {
    return this.docs.filter((d) => !d.deleted && !this.spaces.get(d.spaceId)?.deleted)
  }

  readableDocs(u: MUser, scope?: readonly string[]): MDoc[] {
    return this.liveDocs().filter(
      (d) => this.readable(u, d.spaceId) && (scope === undefined || scope.includes(d.spaceId)),
    )
  }

  allSpaceIds(): string[] {
    return [...this.spaces.keys()]
  }
}

const sorted = (xs: Iterable<string>) => [...xs].sort()

for (const kind of dbKinds()) {
  describe(`spaces leak hunt [${kind}] (LEAK_HUNT_SEED=${SEED})`, () => {
    let t: TestApp
    const rng = prng(SEED)
    const world = new World()
    const used = new Set<string>()
    const log: string[] = []

    const call = (
      u: MUser,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: object,
      headers: Record<string, string> = {},
    ) =>
      t.app.inject({
        method,
        url,
        headers: { ...bearer(u.token), ...headers },
        ...(payload === undefined ? {} : { payload }),
      })

    /** Nothing of a document the user may not read appears anywhere in a response. */
    const assertNoLeak = (u: MUser, body: string, what: string) => {
      for (const d of world.docs) {
        if (!d.deleted && world.readable(u, d.spaceId)) continue
        for (const secret of [d.marker, d.secret, d.id, ...d.chunkIds]) {
          assert.ok(
            !body.includes(secret),
            `${what}: leaked ${secret} of document ${d.id} (space ${d.spaceId})`,
          )
        }
      }
    }

    /** The same 404 as for something that does not exist: existence does not leak. */
    const assertLikeMissing = (
      res: LightMyRequestResponse,
      missing: LightMyRequestResponse,
      what: string,
    ) => {
      assert.equal(res.statusCode, 404, `${what}: ${res.body}`)
      assert.deepEqual(json(res), json(missing), what)
    }

    async function addDocument(spaceId: string, via?: MUser): Promise<MDoc> {
      const marker = uniqueWord(rng, used, 'z')
      const secret = `S${uniqueWord(rng, used, 'w')}`
      const topic = rng.pick(TOPICS)
      const title = `Ledger ${marker}`
      const content = `# ${title}\n\nThe ${marker} ${topic} permit was signed by ${secret}. It covers the ${topic} season.`
      let id: string
      if (via) {
        const res = await call(via, 'POST', '/api/documents', { title, content, space_id: spaceId })
        assert.equal(res.statusCode, 201, res.body)
        id = json<{ id: string }>(res).id
      } else {
        const ctx = createRagContext(t.tdb.db, testConfig())
        id = (await ingestDocument(ctx, { title, content, format: 'markdown', spaceId })).id
      }
      const chunks = await t.tdb.db.query<{ id: string }>('select id from chunks where document_id = $1', [
        id,
      ])
      const doc = {
        id,
        spaceId,
        marker,
        secret,
        topic,
        title,
        chunkIds: chunks.map((c) => String(c.id)),
        deleted: false,
      }
      world.docs.push(doc)
      return doc
    }

    before(async () => {
      // Hundreds of questions from a few users in a minute: not what the rate limit is about.
      t = await buildTestApp(kind, { RATE_LIMIT_CHAT: '100000/minute' })
      const config = testConfig()
      world.spaces.set(SHARED_LIBRARY_ID, {
        id: SHARED_LIBRARY_ID,
        kind: 'shared',
        everyone: true,
        ownerId: null,
        members: new Map(),
        deleted: false,
      })
      const nUsers = 7
      for (let i = 0; i < nUsers; i++) {
        const admin = i === 0 || (i > 1 && rng.chance(0.25))
        const made = await createUserWithSession(t.tdb.db, config, {
          email: `hunt-${i}-${kind}@example.com`,
          role: admin ? 'admin' : 'user',
        })
        const personal = await ensurePersonalSpace(t.tdb.db, made.user.id, () => uuidv7())
        world.users.push({ id: made.user.id, token: made.token, admin, personal })
        world.spaces.set(personal, {
          id: personal,
          kind: 'personal',
          everyone: false,
          ownerId: made.user.id,
          members: new Map(),
          deleted: false,
        })
      }
      for (let i = 0; i < 6; i++) {
        const id = uuidv7()
        const everyone = rng.chance(0.25)
        await insertSpace(t.tdb.db, {
          id,
          name: `Team ${i}`,
          kind: 'team',
          visibility: everyone ? 'everyone' : 'members',
        })
        const members = new Map<string, SpaceRole>()
        for (const u of world.users) {
          if (!rng.chance(0.4)) continue
          const role = rng.pick(ROLES)
          await upsertSpaceMember(t.tdb.db, id, u.id, role)
          members.set(u.id, role)
        }
        world.spaces.set(id, { id, kind: 'team', everyone, ownerId: null, members, deleted: false })
      }
      for (const s of world.spaces.values()) {
        const n = s.kind === 'personal' ? 1 + rng.int(2) : 2 + rng.int(2)
        for (let i = 0; i < n; i++) await addDocument(s.id)
      }
    })
    after(() => t.close())

    type Action = 'search-marker' | 'search-topic' | 'chat' | 'list' | 'open'
    interface Plan {
      u: MUser
      action: Action
      target: MDoc
      named: string[] | null
      continued: MConversation | null
    }

    /** A random plan, biased towards what must not be reached: half the targets are off-limits. */
    function randomPlan(): Plan {
      const u = rng.pick(world.users)
      const action = rng.pick(['search-marker', 'search-topic', 'chat', 'chat', 'list', 'open'] as const)
      const offLimits = world.docs.filter((d) => d.deleted || !world.inDefault(u, d.spaceId))
      const target = offLimits.length > 0 && rng.chance(0.5) ? rng.pick(offLimits) : rng.pick(world.docs)
      // Named spaces (sometimes none): drawn from every space, readable or not, deleted included.
      const named = rng.chance(0.5) ? rng.subset(world.allSpaceIds(), 3) : null
      const mine = world.conversations.filter((c) => c.userId === u.id)
      const continued = mine.length > 0 && rng.chance(0.5) ? rng.pick(mine) : null
      return { u, action, target, named, continued }
    }

    /** One request, checked against the oracle. */
    async function round(n: number, plan: Plan = randomPlan()): Promise<void> {
      const { u, action, target, named, continued } = plan
      const namedReadable = named?.every((s) => world.readable(u, s)) ?? true
      const what = `round ${n}: user ${world.users.indexOf(u)}${u.admin ? ' (admin)' : ''} ${action} doc ${world.docs.indexOf(target)} named ${named?.length ?? 0}`
      log.push(what)
      const spellings = (ids: string[]) => ids.map((id) => (rng.chance(0.3) ? id.toUpperCase() : id))

      if (action === 'search-marker' || action === 'search-topic') {
        const q = action === 'search-marker' ? target.marker : target.topic
        const qs = (spaces: string[]) => spaces.map((s) => `&space_id=${s}`).join('')
        const res = await call(u, 'GET', `/api/search?q=${q}&k=100${named ? qs(spellings(named)) : ''}`)
        assertNoLeak(u, res.body, what)
        if (!namedReadable) {
          assertLikeMissing(res, await call(u, 'GET', `/api/search?q=${q}&space_id=${NOWHERE}`), what)
          return
        }
        assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
        const results = json<{ results: { document_id: string; chunk_id: string; space_id: string }[] }>(
          res,
        ).results
        const scope = named ?? undefined
        const expected = world
          .readableDocs(u, scope)
          .filter((d) => (action === 'search-marker' ? d.marker === q : d.topic === q))
        assert.deepEqual(
          sorted(new Set(results.map((r) => r.document_id))),
          sorted(expected.map((d) => d.id)),
          what,
        )
        for (const r of results) {
          const d = world.docs.find((x) => x.id === r.document_id) as MDoc
          assert.equal(r.space_id, d.spaceId, what)
          assert.ok(d.chunkIds.includes(r.chunk_id), what)
        }
        return
      }

      if (action === 'chat') {
        const sse = rng.chance(0.5)
        // Or what the document is, by its title: its opening is then read too (rag/definition.ts).
        const message = rng.chance(0.5)
          ? `Who signed the ${target.marker} permit?`
          : `What is ${target.title}?`
        const body = {
          message,
          ...(continued ? { conversation_id: continued.id } : {}),
          ...(named ? { space_ids: spellings(named) } : {}),
        }
        const res = await call(
          u,
          'POST',
          '/api/chat/message',
          body,
          sse ? { accept: 'text/event-stream' } : {},
        )
        assertNoLeak(u, res.body, what)
        if (!namedReadable) {
          const missing = await call(u, 'POST', '/api/chat/message', { message: 'x', space_ids: [NOWHERE] })
          assertLikeMissing(res, missing, `${what} (sse ${sse})`)
          return
        }
        assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
        let conversationId: string
        let citations: { document_id: string; chunk_id: string; space_id: string; title: string }[]
        if (sse) {
          const frames = sseFrames(res)
          assert.equal(frames[0]?.event, 'meta', what)
          conversationId = String(frames[0]?.data.conversation_id)
          const cites = frames.find((f) => f.event === 'citations')
          assert.ok(cites, `${what}: no citations event in ${res.body}`)
          citations = cites.data.citations as typeof citations
        } else {
          const b = json<{ conversation_id: string; message: { citations: typeof citations } }>(res)
          conversationId = b.conversation_id
          citations = b.message.citations
        }
        // The oracle's scope: named now, else remembered ∩ readable now, else the default scope.
        const remembered = named ? named.map((s) => s.toLowerCase()) : continued ? continued.spaceIds : null
        const scope =
          remembered === null
            ? world.allSpaceIds().filter((s) => world.inDefault(u, s))
            : remembered.filter((s) => world.readable(u, s))
        if (continued) continued.spaceIds = remembered
        else world.conversations.push({ id: conversationId, userId: u.id, spaceIds: remembered })
        const allowed = world.readableDocs(u, scope)
        for (const c of citations) {
          const d = allowed.find((x) => x.id === c.document_id)
          assert.ok(d, `${what}: cited ${c.document_id}, outside the scope ${JSON.stringify(scope)}`)
          assert.equal(c.space_id, d.spaceId, what)
          assert.equal(c.title, d.title, what)
          assert.ok(d.chunkIds.includes(c.chunk_id), what)
        }
        if (allowed.includes(target)) {
          assert.ok(
            citations.some((c) => c.document_id === target.id),
            `${what}: the asked-about document is in scope but was not cited: ${res.body}`,
          )
        }
        return
      }

      if (action === 'list') {
        const space = rng.chance(0.5) ? rng.pick(world.allSpaceIds()) : null
        const res = await call(u, 'GET', `/api/documents${space ? `?space_id=${space}` : ''}`)
        assertNoLeak(u, res.body, what)
        if (space && !world.readable(u, space)) {
          assertLikeMissing(res, await call(u, 'GET', `/api/documents?space_id=${NOWHERE}`), what)
          return
        }
        assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
        const docs = json<{ documents: { id: string; space_id: string; title: string }[] }>(res).documents
        // Only this world's documents: none exist outside it.
        const expected = world.readableDocs(u, space ? [space] : undefined)
        assert.deepEqual(sorted(docs.map((d) => d.id)), sorted(expected.map((d) => d.id)), what)
        for (const d of docs) assert.equal(d.space_id, world.docs.find((x) => x.id === d.id)?.spaceId, what)
        return
      }

      const res = await call(
        u,
        'GET',
        `/api/documents/${rng.chance(0.3) ? target.id.toUpperCase() : target.id}`,
      )
      assertNoLeak(u, res.body, what)
      if (target.deleted || !world.readable(u, target.spaceId)) {
        assertLikeMissing(res, await call(u, 'GET', `/api/documents/${NOWHERE}`), what)
        return
      }
      assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
      const doc = json<{ title: string; space_id: string; chunks: { id: string; content: string }[] }>(res)
      assert.equal(doc.title, target.title, what)
      assert.equal(doc.space_id, target.spaceId, what)
      assert.deepEqual(sorted(doc.chunks.map((c) => c.id)), sorted(target.chunkIds), what)
      assert.ok(
        doc.chunks.some((c) => c.content.includes(target.secret)),
        what,
      )
    }

    /** Prints the seed and the last requests with any failure, so a run can be replayed. */
    async function withSeed(fn: () => Promise<void>): Promise<void> {
      try {
        await fn()
      } catch (err) {
        const e = err as Error
        e.message = `[LEAK_HUNT_SEED=${SEED}] ${e.message}\nlast requests:\n${log.slice(-5).join('\n')}`
        throw e
      }
    }

    it('every response matches the oracle', () =>
      withSeed(async () => {
        for (let i = 0; i < ROUNDS; i++) await round(i)
      }))

    it('after memberships change and spaces go, at once', () =>
      withSeed(async () => {
        const teams = [...world.spaces.values()].filter((s) => s.kind === 'team' && !s.deleted)
        // Removals and role changes.
        for (let i = 0; i < 4; i++) {
          const s = rng.pick(teams)
          const member = [...s.members.keys()]
          if (member.length === 0) continue
          const userId = rng.pick(member)
          if (rng.chance(0.6)) {
            await t.tdb.db.query('delete from space_members where space_id = $1 and user_id = $2', [
              s.id,
              userId,
            ])
            s.members.delete(userId)
          } else {
            const role = rng.pick(ROLES)
            await upsertSpaceMember(t.tdb.db, s.id, userId, role)
            s.members.set(userId, role)
          }
        }
        // New members, and a space made visible to everyone / only to members.
        for (let i = 0; i < 3; i++) {
          const s = rng.pick(teams)
          const u = rng.pick(world.users)
          const role = rng.pick(ROLES)
          await upsertSpaceMember(t.tdb.db, s.id, u.id, role)
          s.members.set(u.id, role)
        }
        for (const s of rng.subset(teams, 2)) {
          s.everyone = !s.everyone
          await t.tdb.db.query('update spaces set visibility = $2 where id = $1', [
            s.id,
            s.everyone ? 'everyone' : 'members',
          ])
        }
        // Documents added and deleted through the API by users whose role allows it.
        for (let i = 0; i < 4; i++) {
          const u = rng.pick(world.users)
          const writable = world
            .allSpaceIds()
            .filter((s) => ['editor', 'owner'].includes(world.role(u, s) ?? ''))
          await addDocument(rng.pick(writable), u)
        }
        for (let i = 0; i < 3; i++) {
          const d = rng.pick(world.liveDocs())
          const u = world.users.find((x) => ['editor', 'owner'].includes(world.role(x, d.spaceId) ?? ''))
          if (!u) continue
          const res = await call(u, 'DELETE', `/api/documents/${d.id}`)
          assert.equal(res.statusCode, 204, res.body)
          d.deleted = true
        }
        // Team spaces deleted by an admin (documents, chunks, postings and statistics go with them).
        for (const s of rng.subset(teams, 2)) {
          const owner = world.users.find((u) => u.admin) as MUser
          const res = await call(owner, 'DELETE', `/api/spaces/${s.id}`)
          assert.equal(res.statusCode, 204, res.body)
          s.deleted = true
          s.members.clear()
        }
        // Last (so nothing above gives it back): conversations that remember a team space their (non-admin) owner reads lose that access.
        const revocable = world.conversations.filter((c) => {
          const u = world.users.find((x) => x.id === c.userId) as MUser
          return (
            !u.admin &&
            (c.spaceIds ?? []).some((s) => world.spaces.get(s)?.kind === 'team' && world.readable(u, s))
          )
        })
        for (const c of rng.subset(revocable, 2)) {
          const s = world.spaces.get(
            rng.pick((c.spaceIds ?? []).filter((x) => world.spaces.get(x)?.kind === 'team')),
          ) as MSpace
          await t.tdb.db.query('delete from space_members where space_id = $1 and user_id = $2', [
            s.id,
            c.userId,
          ])
          await t.tdb.db.query("update spaces set visibility = 'members' where id = $1", [s.id])
          s.members.delete(c.userId)
          s.everyone = false
        }
        // Every remembered conversation asks again at once, about a document of a space it
        // remembers and can no longer read when there is one.
        for (const [i, c] of world.conversations.entries()) {
          const u = world.users.find((x) => x.id === c.userId) as MUser
          const lost = (c.spaceIds ?? world.allSpaceIds()).filter((s) => !world.readable(u, s))
          const targets = world.docs.filter((d) => lost.includes(d.spaceId))
          const target = targets.length > 0 ? rng.pick(targets) : rng.pick(world.docs)
          await round(ROUNDS + i, { u, action: 'chat', target, named: null, continued: c })
        }
        for (let i = 0; i < ROUNDS; i++) await round(2 * ROUNDS + i)
      }))
  })

  describe(`score isolation through the API [${kind}]`, () => {
    let t: TestApp
    const config = testConfig()
    let reader: string
    let writer: string
    let team: string
    let theirs: string
    const QUERIES = ['harbour permit', 'orchard season', 'quarry harbour signed', 'permit']

    before(async () => {
      t = await buildTestApp(kind)
      const r = await createUserWithSession(t.tdb.db, config, { email: `iso-reader-${kind}@example.com` })
      const w = await createUserWithSession(t.tdb.db, config, { email: `iso-writer-${kind}@example.com` })
      reader = r.token
      writer = w.token
      team = uuidv7()
      theirs = uuidv7()
      await insertSpace(t.tdb.db, { id: team, name: 'Readers', kind: 'team' })
      await insertSpace(t.tdb.db, { id: theirs, name: 'Writers', kind: 'team' })
      await upsertSpaceMember(t.tdb.db, team, r.user.id, 'editor')
      await upsertSpaceMember(t.tdb.db, theirs, w.user.id, 'owner')
      const ctx = createRagContext(t.tdb.db, config)
      const texts = [
        'The harbour permit was signed in spring for the quarry road.',
        'Orchard season starts when the harbour opens; a permit is needed.',
        'Quarry work needs a signed permit and a harbour pass.',
      ]
      for (const [i, text] of texts.entries()) {
        await ingestDocument(ctx, {
          title: `Shared ${i}`,
          content: text,
          format: 'text',
          spaceId: SHARED_LIBRARY_ID,
        })
        await ingestDocument(ctx, {
          title: `Team ${i}`,
          content: `${text} Team copy ${i}.`,
          format: 'text',
          spaceId: team,
        })
      }
      await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        headers: bearer(reader),
        payload: { title: 'Mine', content: 'My own harbour permit notes, orchard too.', format: 'text' },
      })
    })
    after(() => t.close())

    const snapshot = async () => {
      const out: unknown[] = []
      for (const q of QUERIES) {
        for (const scope of ['', `&space_id=${team}`]) {
          const res = await t.app.inject({
            method: 'GET',
            url: `/api/search?q=${encodeURIComponent(q)}&k=20${scope}`,
            headers: bearer(reader),
          })
          assert.equal(res.statusCode, 200, res.body)
          out.push(json(res))
        }
      }
      return out
    }

    it("keeps a user's results and scores identical while others add and delete documents they cannot read", async () => {
      const before = await snapshot()
      assert.ok(JSON.stringify(before).includes('"score"'))
      const added: string[] = []
      const post = async (payload: object) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/documents',
          headers: bearer(writer),
          payload,
        })
        assert.equal(res.statusCode, 201, res.body)
        added.push(json<{ id: string }>(res).id)
      }
      for (let i = 0; i < 5; i++) {
        const words = `${'harbour '.repeat(i + 1)}permit ${'orchard season '.repeat(i)} quarry signed ${'filler '.repeat(i * 7)}`
        await post({ title: `Their ${i}`, content: words, format: 'text', space_id: theirs })
        await post({ title: `Private ${i}`, content: `${words} private ${i}`, format: 'text' })
      }
      assert.deepEqual(await snapshot(), before, 'after others added documents')
      for (const id of added.slice(0, 6)) {
        const res = await t.app.inject({
          method: 'DELETE',
          url: `/api/documents/${id}`,
          headers: bearer(writer),
        })
        assert.equal(res.statusCode, 204)
      }
      assert.deepEqual(await snapshot(), before, 'after others deleted documents')
      // The comparison can see a change: a document in a space the reader searches moves scores.
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        headers: bearer(reader),
        payload: {
          title: 'More',
          content: 'harbour harbour permit orchard season quarry',
          format: 'text',
          space_id: team,
        },
      })
      assert.equal(res.statusCode, 201)
      assert.notDeepEqual(await snapshot(), before)
    })
  })
}
