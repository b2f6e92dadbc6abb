// With email on, an invitation goes to whoever PROVES the address, not to whoever signs up with it
// first: an unverified account (EMAIL_VERIFICATION=off lets it in) neither sees nor accepts the
// invitations sent to its address until the address is verified. (Without a mail server nobody
// can prove an address, and invitations go to the account with that email: spaces-invitations.)
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newUser } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { emailSuite } from '../helpers/email-app.js'
import { as, createSpace, expectStatus } from '../helpers/spaces.js'

for (const kind of dbKinds()) {
  describe(`invitations need a verified address when email is on [${kind}]`, () => {
    const suite = emailSuite(kind)

    it('a squatter on the invited address sees nothing and cannot accept; once verified, the owner of the address can', async () => {
      const owner = await newUser(suite.app)
      const space = await createSpace(suite.app, owner.token, { name: 'Board papers' })
      const invited = 'board.member@example.com'
      expectStatus(
        await as(suite.app, owner.token)('PUT', `/api/spaces/${space.id}/members`, {
          email: invited,
          role: 'viewer',
        }),
        202,
      )
      const squatter = await newUser(suite.app, invited)
      const asSquatter = as(suite.app, squatter.token)
      assert.deepEqual(
        expectStatus<{ invitations: unknown[] }>(await asSquatter('GET', '/api/spaces/invitations'), 200)
          .invitations,
        [],
      )
      const refused = expectStatus<{ code: string }>(
        await asSquatter('POST', `/api/spaces/${space.id}/accept`),
        403,
      )
      assert.equal(refused.code, 'email_unverified')
      // Still pending: the refusal used nothing up.
      await suite.tdb.db.query('update users set email_verified = true where id = $1', [squatter.userId])
      const listed = expectStatus<{ invitations: { space_id: string }[] }>(
        await asSquatter('GET', '/api/spaces/invitations'),
        200,
      ).invitations
      assert.deepEqual(
        listed.map((i) => i.space_id),
        [space.id],
      )
      expectStatus(await asSquatter('POST', `/api/spaces/${space.id}/accept`), 200)
    })
  })
}
