// The effective role in a space (contract §10), as one pure rule shared by spaceAccess and the
// space listing: personal spaces are their owner's alone, admins included.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { maxRole, roleAtLeast, roleInSpace, type SpaceRoleFacts } from '../../src/db/queries/spaces.js'

const ME = { id: 'me', isAdmin: false }
const ADMIN = { id: 'admin', isAdmin: true }
const facts = (f: Partial<SpaceRoleFacts>): SpaceRoleFacts => ({
  kind: 'team',
  visibility: 'members',
  owner_id: null,
  member_role: null,
  ...f,
})

describe('roleInSpace', () => {
  it('gives a personal space to its owner only, never to an admin', () => {
    assert.deepEqual(roleInSpace(facts({ kind: 'personal', owner_id: 'me' }), ME), {
      role: 'owner',
      viaAdmin: false,
    })
    assert.equal(roleInSpace(facts({ kind: 'personal', owner_id: 'me' }), ADMIN).role, null)
    // Neither a stray membership row nor visibility opens someone else's personal space.
    const other = facts({ kind: 'personal', owner_id: 'you', member_role: 'owner', visibility: 'everyone' })
    assert.equal(roleInSpace(other, ME).role, null)
  })

  it('lets everyone view the shared library and admins own it', () => {
    assert.equal(roleInSpace(facts({ kind: 'shared', visibility: 'everyone' }), ME).role, 'viewer')
    assert.equal(roleInSpace(facts({ kind: 'shared', member_role: 'owner' }), ME).role, 'viewer')
    assert.equal(roleInSpace(facts({ kind: 'shared' }), ADMIN).role, 'owner')
  })

  it('reads team spaces by membership, at least viewer when visible to everyone, owner for admins', () => {
    assert.equal(roleInSpace(facts({}), ME).role, null)
    assert.equal(roleInSpace(facts({ member_role: 'editor' }), ME).role, 'editor')
    assert.equal(roleInSpace(facts({ visibility: 'everyone' }), ME).role, 'viewer')
    assert.equal(roleInSpace(facts({ visibility: 'everyone', member_role: 'owner' }), ME).role, 'owner')
    assert.deepEqual(roleInSpace(facts({}), ADMIN), { role: 'owner', viaAdmin: true })
    assert.deepEqual(roleInSpace(facts({ member_role: 'viewer' }), ADMIN), { role: 'owner', viaAdmin: false })
    assert.deepEqual(roleInSpace(facts({ visibility: 'everyone' }), ADMIN), {
      role: 'owner',
      viaAdmin: false,
    })
  })

  it('orders roles viewer < editor < owner', () => {
    assert.equal(maxRole('viewer', 'editor'), 'editor')
    assert.equal(maxRole(null, 'viewer'), 'viewer')
    assert.equal(roleAtLeast('editor', 'viewer'), true)
    assert.equal(roleAtLeast('editor', 'owner'), false)
    assert.equal(roleAtLeast(null, 'viewer'), false)
  })
})
