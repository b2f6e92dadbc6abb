// RFC 6238 written out independently of the app's library, so tests check the app against the
// standard rather than against itself.
import { createHmac } from 'node:crypto'

function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch)
    if (i < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The 6-digit SHA-1 TOTP code of a base32 secret at a time (30-second steps). */
export function totpAt(secretBase32: string, atMs: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)))
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest()
  const offset = (mac[mac.length - 1] as number) & 15
  const bin = mac.readUInt32BE(offset) & 0x7fffffff
  return String(bin % 1_000_000).padStart(6, '0')
}
