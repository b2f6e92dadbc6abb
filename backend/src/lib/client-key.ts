import { isIPv4, isIPv6 } from 'node:net'

/**
 * The key that counts one client in rate limits and lockouts. An IPv6 host usually holds a whole
 * /64 and can pick any address in it, so IPv6 clients are keyed by their /64 prefix; IPv4-mapped
 * IPv6 addresses (`::ffff:1.2.3.4`) count as the IPv4 address they carry.
 */
export function clientKey(ip: string | undefined | null): string {
  if (!ip) return 'unknown'
  const address = clientAddress(ip)
  // What no proxy should hand on (a believed hop that is not an address): one client, not one per
  // spelling.
  if (!address) return 'invalid'
  if (isIPv4(address)) return address
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`
}

/**
 * The address a forwarded hop names, without the port some proxies add (`203.0.113.7:40001`,
 * `[2001:db8::1]:443`), a zone (`fe80::1%eth0`) or an IPv4-mapped prefix; null when it is no IP
 * address. Keys, sessions and the audit log read this: a port per connection must not make one
 * client many.
 */
export function clientAddress(ip: string | undefined | null): string | null {
  if (!ip) return null
  let text = ip.trim()
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text)
  if (bracketed) text = bracketed[1] as string
  else {
    const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text)
    if (withPort) text = withPort[1] as string
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text)
  if (mapped) text = mapped[1] as string
  if (isIPv4(text)) return text
  const bare = text.replace(/%.*$/, '')
  return isIPv6(bare) ? bare.toLowerCase() : null
}

/** The eight 16-bit groups of an IPv6 address, lower-case hex without leading zeros. */
function expandIPv6(ip: string): string[] {
  let text = ip.toLowerCase()
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0')
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16))
}
