import { isIPv4, isIPv6 } from 'node:net'

/**
 * The key that counts one client in rate limits and lockouts. An IPv6 host usually holds a whole
 * /64 and can pick any address in it, so IPv6 clients are keyed by their /64 prefix; IPv4-mapped
 * IPv6 addresses (`::ffff:1.2.3.4`) count as the IPv4 address they carry.
 */
export function clientKey(ip: string | undefined | null): string {
  if (!ip) return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return mapped[1] as string
  if (isIPv4(ip)) return ip
  const bare = ip.replace(/%.*$/, '')
  if (!isIPv6(bare)) return ip
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`
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
