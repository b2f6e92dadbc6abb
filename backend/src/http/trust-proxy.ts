// Which forwarded hops are believed (docs/api.md §1): at most TRUST_PROXY of them, and each only when
// the address it arrived from is in TRUST_PROXY_FROM. proxy-addr walks from the socket's peer
// outwards, asking about each address in turn: a direct client from a public address is never
// asked past hop 0, so its X-Forwarded-For, -Proto and -Host are never believed.
import proxyAddr from '@fastify/proxy-addr'
import type { Config } from '../config.js'

export type TrustProxy = false | ((addr: string, hop: number) => boolean)

export function trustProxy(config: Pick<Config, 'trustProxy' | 'trustProxyFrom'>): TrustProxy {
  const hops = config.trustProxy
  if (hops <= 0 || config.trustProxyFrom.length === 0) return false
  const trusted = proxyAddr.compile(config.trustProxyFrom)
  return (addr, hop) => hop < hops && trusted(addr, hop)
}
