import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientAddress, clientKey } from '../../src/lib/client-key.js'

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

  it('never throws on odd input, and counts whatever is no address as one client', () => {
    assert.equal(clientKey(undefined), 'unknown')
    assert.equal(clientKey('not-an-ip'), 'invalid')
    assert.equal(clientKey('also not one'), 'invalid')
  })

  it('keys a forwarded address by its host, whatever port a proxy wrote after it', () => {
    assert.equal(clientKey('203.0.113.160:40001'), '203.0.113.160')
    assert.equal(clientKey('203.0.113.160:40002'), '203.0.113.160')
    assert.equal(clientKey('[2001:db8:1:2::7]:443'), '2001:db8:1:2::/64')
    assert.equal(clientKey('[2001:db8:1:2::8]'), '2001:db8:1:2::/64')
    assert.equal(clientKey('[::ffff:203.0.113.7]:80'), '203.0.113.7')
  })

  it('clientAddress: the address as stored with a session or an audit event', () => {
    assert.equal(clientAddress('203.0.113.160:40001'), '203.0.113.160')
    assert.equal(clientAddress('[2001:DB8::1]:443'), '2001:db8::1')
    assert.equal(clientAddress('fe80::1%eth0'), 'fe80::1')
    assert.equal(clientAddress('::ffff:198.51.100.2'), '198.51.100.2')
    assert.equal(clientAddress('2001:db8::1'), '2001:db8::1')
    assert.equal(clientAddress('evil<script>'), null)
    assert.equal(clientAddress('1.2.3.4:99999999'), null)
    assert.equal(clientAddress(undefined), null)
  })
})
