import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientKey } from '../../src/lib/client-key.js'

describe('clientKey', () => {
  it('keeps IPv4 addresses, and the IPv4 inside an IPv4-mapped IPv6 address', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7')
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7')
  })

  it('keys IPv6 clients by their /64, however the address is spelled', () => {
    const a = clientKey('2001:db8:1:2:aaaa::1')
    assert.equal(a, '2001:db8:1:2::/64')
    assert.equal(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), a)
    assert.equal(clientKey('2001:db8:1:2::9%eth0'), a)
    assert.notEqual(clientKey('2001:db8:1:3::1'), a)
    assert.equal(clientKey('::1'), '0:0:0:0::/64')
  })

  it('never throws on odd input', () => {
    assert.equal(clientKey(undefined), 'unknown')
    assert.equal(clientKey('not-an-ip'), 'not-an-ip')
  })
})
