import { describe, expect, it } from 'vitest'
import {
  ALL_MY_SPACES,
  canDeleteSpace,
  canEdit,
  canEditDetails,
  canManageMembers,
  citationSpaceName,
  joinNames,
  personalSpace,
  pickerValue,
  scopeSummary,
  sharedLibrary,
  sortMembers,
  sortSpaces,
  spaceHref,
  toggleScope,
} from './spaces'
import type { Space, SpaceMember } from './spaces-api'

const space = (id: string, name: string, kind: Space['kind'], role: Space['role'] = 'owner'): Space => ({
  id,
  name,
  description: '',
  kind,
  visibility: 'members',
  role,
  documents: 0,
  created_at: '2026-12-01T00:00:00.000Z',
})

const member = (email: string, role: SpaceMember['role'], status: SpaceMember['status'] = 'member') => ({
  user_id: status === 'member' ? `u-${email}` : null,
  email,
  name: null,
  role,
  added_at: '2026-12-01T00:00:00.000Z',
  status,
})

describe('roles', () => {
  it('editors and owners change documents; viewers do not', () => {
    expect(canEdit('viewer')).toBe(false)
    expect(canEdit('editor')).toBe(true)
    expect(canEdit('owner')).toBe(true)
  })

  it('only owners of team spaces manage members and delete the space', () => {
    expect(canManageMembers(space('t', 'Team', 'team', 'owner'))).toBe(true)
    expect(canManageMembers(space('t', 'Team', 'team', 'editor'))).toBe(false)
    // Admins own the shared library, and everyone owns their personal space: neither has members.
    expect(canManageMembers(space('s', 'Shared library', 'shared', 'owner'))).toBe(false)
    expect(canManageMembers(space('p', 'My documents', 'personal', 'owner'))).toBe(false)
    expect(canDeleteSpace(space('p', 'My documents', 'personal', 'owner'))).toBe(false)
    expect(canDeleteSpace(space('s', 'Shared library', 'shared', 'owner'))).toBe(false)
  })

  it('owners edit the details of team spaces and the shared library, never of My documents', () => {
    expect(canEditDetails(space('t', 'Team', 'team', 'owner'))).toBe(true)
    expect(canEditDetails(space('t', 'Team', 'team', 'editor'))).toBe(false)
    expect(canEditDetails(space('s', 'Shared library', 'shared', 'owner'))).toBe(true)
    expect(canEditDetails(space('s', 'Shared library', 'shared', 'viewer'))).toBe(false)
    expect(canEditDetails(space('p', 'My documents', 'personal', 'owner'))).toBe(false)
  })
})

describe('sortSpaces', () => {
  it('puts My documents first, then the shared library, then team spaces by name', () => {
    const sorted = sortSpaces([
      space('3', 'zeta', 'team'),
      space('2', 'Shared library', 'shared'),
      space('4', 'Alpha', 'team'),
      space('1', 'My documents', 'personal'),
    ])
    expect(sorted.map((s) => s.id)).toEqual(['1', '2', '4', '3'])
  })

  it('finds the personal space and the shared library', () => {
    const all = [space('2', 'Shared library', 'shared'), space('1', 'My documents', 'personal')]
    expect(personalSpace(all)?.id).toBe('1')
    expect(sharedLibrary(all)?.id).toBe('2')
    expect(personalSpace(undefined)).toBeNull()
    expect(sharedLibrary([space('3', 'x', 'team')])).toBeNull()
  })
})

describe('sortMembers', () => {
  it('lists members by role (owners first), then pending invitations', () => {
    const sorted = sortMembers([
      member('invited@example.com', 'owner', 'invited'),
      member('viewer@example.com', 'viewer'),
      member('owner@example.com', 'owner'),
      member('editor@example.com', 'editor'),
    ])
    expect(sorted.map((m) => m.email)).toEqual([
      'owner@example.com',
      'editor@example.com',
      'viewer@example.com',
      'invited@example.com',
    ])
  })
})

describe('scopeSummary', () => {
  const spaces = [
    space('a', 'My documents', 'personal'),
    space('b', 'Handbook', 'team'),
    space('c', 'Ops', 'team'),
  ]

  it('names the default scope when nothing is chosen', () => {
    expect(scopeSummary(null, spaces)).toBe(ALL_MY_SPACES)
    expect(scopeSummary(undefined, spaces)).toBe(ALL_MY_SPACES)
    expect(scopeSummary([], spaces)).toBe(ALL_MY_SPACES)
  })

  it('names the chosen spaces in the order chosen', () => {
    expect(scopeSummary(['b'], spaces)).toBe('Handbook')
    expect(scopeSummary(['c', 'a'], spaces)).toBe('Ops and My documents')
    expect(scopeSummary(['a', 'b', 'c'], spaces)).toBe('My documents, Handbook and Ops')
  })

  it('says so when a remembered space can no longer be opened (its name is not ours to show)', () => {
    expect(scopeSummary(['b', 'gone'], spaces)).toBe('Handbook and a space you can no longer open')
    expect(scopeSummary(['gone', 'gone-too'], spaces)).toBe('2 spaces you can no longer open')
  })
})

describe('toggleScope', () => {
  it('adds and removes a space, keeping the order chosen', () => {
    expect(toggleScope(null, 'a')).toEqual(['a'])
    expect(toggleScope(['a'], 'b')).toEqual(['a', 'b'])
    expect(toggleScope(['a', 'b'], 'a')).toEqual(['b'])
  })

  it('goes back to all spaces when the last chosen one is unticked', () => {
    expect(toggleScope(['a'], 'a')).toBeNull()
  })
})

describe('joinNames', () => {
  it('joins with commas and a final "and"', () => {
    expect(joinNames([])).toBe('')
    expect(joinNames(['A'])).toBe('A')
    expect(joinNames(['A', 'B'])).toBe('A and B')
    expect(joinNames(['A', 'B', 'C'])).toBe('A, B and C')
  })
})

describe('citationSpaceName', () => {
  const names = new Map([['s1', 'Handbook']])

  it('names the space a citation comes from when the reader can see it', () => {
    expect(citationSpaceName({ space_id: 's1' }, names)).toBe('Handbook')
  })

  it('shows nothing for an unknown space or a citation without one', () => {
    expect(citationSpaceName({ space_id: 's2' }, names)).toBeNull()
    expect(citationSpaceName({}, names)).toBeNull()
  })
})

describe('spaceHref', () => {
  it("gives My documents the header's address and other spaces their id", () => {
    expect(spaceHref(space('p1', 'My documents', 'personal'))).toBe('/spaces/mine')
    expect(spaceHref(space('t1', 'Team', 'team'))).toBe('/spaces/t1')
  })
})

describe('pickerValue', () => {
  const base = { conversationId: null, firstAnswerStreaming: false, newChatChoice: ['a'], saved: undefined }

  it('shows a new chat its own choice', () => {
    expect(pickerValue(base)).toEqual(['a'])
    expect(pickerValue({ ...base, newChatChoice: null })).toBeNull()
  })

  it("keeps the new chat's choice while its first answer streams, before the conversation is loaded", () => {
    expect(pickerValue({ ...base, conversationId: 'c1', firstAnswerStreaming: true })).toEqual(['a'])
  })

  it('shows what a saved conversation remembers, not the new-chat choice', () => {
    expect(pickerValue({ ...base, conversationId: 'c1', saved: { space_ids: ['b'] } })).toEqual(['b'])
    expect(pickerValue({ ...base, conversationId: 'c1', saved: { space_ids: null } })).toBeNull()
    expect(pickerValue({ ...base, conversationId: 'c1', saved: undefined })).toBeNull()
  })
})
