import { describe, expect, it } from 'vitest'
import { detailsText } from './audit-event'

describe('detailsText', () => {
  const details = {
    session_id: '01a24933-8a15-7783-acaf-1899605b431c',
    reason: 'wrong_password',
    context: 'create_api_key',
  }

  it('shows every detail, ids included, in the audit log', () => {
    expect(detailsText(details)).toBe(
      'session id: 01a24933-8a15-7783-acaf-1899605b431c · reason: wrong password · context: create api key',
    )
  })

  it("leaves ids out of a person's own activity, where a UUID means nothing to them", () => {
    expect(detailsText(details, { ids: false })).toBe('reason: wrong password · context: create api key')
    expect(detailsText({ api_key_id: 'x', space_id: 'y', visibility: 'members' }, { ids: false })).toBe(
      'visibility: members',
    )
  })
})
