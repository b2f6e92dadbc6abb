// `npm run space` (contract §10), run as a child process against a temporary PGlite DATA_DIR and
// against a Postgres test database, as the operator runs it (minus the build step). Accounts are
// made with `npm run user -- create`, which gives each its personal space.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cliSuite } from '../helpers/cli.js'
import { dbKinds } from '../helpers/db.js'

const PASSWORD = 'violet harbor lantern 42\n'

for (const kind of dbKinds()) {
  describe(`npm run space [${kind}]`, () => {
    const cli = cliSuite(kind)
    const { withDb } = cli
    let fieldNotes = ''

    const space = (...args: string[]) => cli.run('space', args)
    const roleOf = (spaceId: string, email: string) =>
      withDb(async (db) => {
        const rows = await db.query<{ role: string }>(
          `select m.role from space_members m join users u on u.id = m.user_id
           where m.space_id = $1 and u.email = $2`,
          [spaceId, email],
        )
        return rows[0]?.role ?? null
      })

    it('refuses bad usage with exit 2', async () => {
      for (const args of [
        [],
        ['frobnicate'],
        ['list', 'extra'],
        ['create', 'Field notes'],
        ['create', '--owner', 'a@example.com'],
        ['add-member', 'Field notes', 'a@example.com', 'admin'],
        ['add-member', 'Field notes', 'not-an-email', 'viewer'],
        ['remove-member', 'Field notes'],
        ['list', '--owner', 'a@example.com'],
        ['list', '--bogus'],
      ]) {
        const r = await space(...args)
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, /usage: npm run space|valid email/)
      }
    })

    it('user create gives each account its personal space; create makes a team space', async () => {
      for (const email of ['olive@example.com', 'mira@example.com']) {
        const r = await cli.run('user', ['create', email], { stdin: PASSWORD })
        assert.equal(r.code, 0, r.stderr)
      }
      const unknown = await space('create', 'Field notes', '--owner', 'nobody@example.com')
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /no user with the email nobody@example\.com/)
      const made = await space(
        'create',
        'Field notes',
        '--owner',
        'Olive@Example.com',
        '--description',
        'Orchard',
      )
      assert.equal(made.code, 0, made.stderr)
      const id = /\(([0-9a-f-]{36})\)/.exec(made.stdout)?.[1]
      assert.ok(id, made.stdout)
      fieldNotes = id
      assert.equal(await roleOf(fieldNotes, 'olive@example.com'), 'owner')
      const list = await space('list')
      assert.equal(list.code, 0, list.stderr)
      const lines = list.stdout.trim().split('\n')
      assert.match(lines[0] as string, /^id\s+kind\s+name\s+visibility\s+owner\s+members\s+documents$/)
      assert.match(list.stdout, /shared\s+Shared library\s+everyone\s+-\s+0\s+\d+/)
      // A team space's owner is the member with the owner role.
      assert.match(
        list.stdout,
        new RegExp(`${fieldNotes}\\s+team\\s+Field notes\\s+members\\s+olive@example\\.com\\s+1\\s+0`),
      )
      for (const email of ['olive@example.com', 'mira@example.com']) {
        assert.match(list.stdout, new RegExp(`personal\\s+My documents\\s+members\\s+${email}`))
      }
    })

    it('add-member and remove-member by name or id, keeping one owner', async () => {
      await withDb((db) =>
        db.query(
          `insert into space_invitations (space_id, email, role) values ($1, 'mira@example.com', 'viewer')`,
          [fieldNotes],
        ),
      )
      const added = await space('add-member', 'Field notes', 'mira@example.com', 'editor')
      assert.equal(added.code, 0, added.stderr)
      assert.equal(await roleOf(fieldNotes, 'mira@example.com'), 'editor')
      // The operator's membership replaces the invitation that was waiting.
      const waiting = await withDb((db) =>
        db.query('select 1 from space_invitations where space_id = $1', [fieldNotes]),
      )
      assert.equal(waiting.length, 0)
      const changed = await space('add-member', fieldNotes.toUpperCase(), 'mira@example.com', 'viewer')
      assert.equal(changed.code, 0, changed.stderr)
      assert.match(changed.stdout, /now viewer .*\(was editor\)/)
      for (const args of [
        ['remove-member', 'Field notes', 'olive@example.com'],
        ['add-member', 'Field notes', 'olive@example.com', 'editor'],
      ]) {
        const r = await space(...args)
        assert.equal(r.code, 1, args.join(' '))
        assert.match(r.stderr, /must keep one owner/)
      }
      assert.equal(await roleOf(fieldNotes, 'olive@example.com'), 'owner')
      assert.equal((await space('remove-member', fieldNotes, 'mira@example.com')).code, 0)
      assert.equal(await roleOf(fieldNotes, 'mira@example.com'), null)
      const again = await space('remove-member', fieldNotes, 'mira@example.com')
      assert.equal(again.code, 1)
      assert.match(again.stderr, /not a member/)
      // Audited like the same changes through the API (§14), by the CLI, refusals not.
      const events = (email: string) =>
        withDb(async (db) => {
          const rows = await db.query<{ type: string; details: Record<string, unknown> }>(
            `select a.type, a.details from audit_events a join users u on u.id = a.subject_id
             where u.email = $1 and a.type like 'space_%' and a.actor_id is null order by a.at, a.id`,
            [email],
          )
          return rows.map((r) => {
            const { space_id, ...rest } = r.details
            assert.equal(space_id, fieldNotes)
            return `${r.type} ${JSON.stringify(rest)}`
          })
        })
      assert.deepEqual(await events('mira@example.com'), [
        'space_member_added {"by":"cli","role":"editor"}',
        'space_member_role_changed {"by":"cli","to":"viewer","from":"editor"}',
        'space_member_removed {"by":"cli","role":"viewer"}',
      ])
      assert.deepEqual(await events('olive@example.com'), [
        'space_created {"by":"cli","visibility":"members"}',
      ])
    })

    it('lists the matches of an ambiguous name, and refuses unknown, personal and shared spaces', async () => {
      assert.equal((await space('create', 'Field notes', '--owner', 'mira@example.com')).code, 0)
      const ambiguous = await space('add-member', 'Field notes', 'mira@example.com', 'viewer')
      assert.equal(ambiguous.code, 1)
      assert.match(ambiguous.stderr, /2 team spaces are named "Field notes"/)
      assert.ok(ambiguous.stderr.includes(fieldNotes))
      const missing = await space('add-member', 'Nope', 'mira@example.com', 'viewer')
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /no team space is named "Nope"/)
      // A personal space's name is not a team-space name; by id it is refused.
      assert.equal((await space('add-member', 'My documents', 'mira@example.com', 'viewer')).code, 1)
      const ids = await withDb((db) =>
        db.query<{ id: string; kind: string }>(
          `select s.id, s.kind from spaces s left join users u on u.id = s.owner_id
           where s.kind = 'shared' or u.email = 'olive@example.com' order by s.kind`,
        ),
      )
      for (const { id, kind: k } of ids) {
        const r = await space('add-member', String(id), 'mira@example.com', 'viewer')
        assert.equal(r.code, 1, k)
        assert.match(r.stderr, k === 'personal' ? /personal space/ : /shared library/)
      }
      const noSuchId = await space(
        'remove-member',
        '0190a8f0-0000-7000-8000-00000000abcd',
        'mira@example.com',
      )
      assert.equal(noSuchId.code, 1)
      assert.match(noSuchId.stderr, /no space with the id/)
    })
  })
}
