// One schema for every environment variable of docs/api.md §1, parsed once at start.
// Modules receive the resulting `Config`; only server.ts and cli/* read process.env.
import proxyAddr from '@fastify/proxy-addr'
import { normalizeEmail } from './auth/email.js'
import { parseRate, type Rate } from './lib/rate.js'

export type SameSite = 'lax' | 'strict' | 'none'
export type SignupPolicy = 'open' | 'closed' | 'allowlist'
export type SpaceCreation = 'everyone' | 'admins'
export type EmailVerification = 'off' | 'required'

export interface Config {
  nodeEnv: string
  production: boolean
  port: number
  host: string
  databaseUrl: string | null
  dataDir: string
  frontendOrigins: string[]
  trustProxy: number
  /** Addresses, CIDRs or proxy-addr presets whose forwarded headers may be believed. */
  trustProxyFrom: string[]
  cookieSecure: boolean
  cookieSameSite: SameSite
  cookiePartitioned: boolean
  sessionTtlDays: number
  sessionAbsoluteDays: number
  secretKey: string | null
  signup: SignupPolicy
  signupAllowlist: string[]
  /** Who may create team spaces (§10). */
  spaceCreation: SpaceCreation
  demoCorpus: 'auto' | 'true' | 'false'
  rateLimitGlobal: Rate
  rateLimitAuth: Rate
  rateLimitChat: Rate
  rateLimitHealth: Rate
  redisUrl: string | null
  adminEmails: string[]
  /** Bootstrap password for ADMIN_EMAILS accounts at start (hosts without a shell). */
  adminPassword: string | null
  llm: { baseUrl: string; apiKey: string | null; model: string } | null
  llmTimeoutSeconds: number
  /** Upper bound on one answer's length, sent to the provider as max_tokens. */
  llmMaxTokens: number
  embedding: { baseUrl: string; apiKey: string | null; model: string; dimensions: number } | null
  frameAncestors: string[]
  /** Audit events older than this many days are deleted by the periodic sweep. */
  auditRetentionDays: number
  /** The app's external origin (no trailing slash): every emailed or handed-out link starts with it. */
  publicUrl: string | null
  /** smtp:// (STARTTLS) or smtps:// (SMTPS), credentials included: never logged. Null = no email. */
  smtpUrl: string | null
  mailFrom: string
  /**
   * The effective rule (docs/api.md §12): `required` when EMAIL_VERIFICATION=required, or when
   * SIGNUP=allowlist with SMTP_URL (an allow-listed domain proves nothing until verified).
   */
  emailVerification: EmailVerification
  logLevel: string
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Every variable the contract names, for the production "left at default" warning and docs. */
export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'FRONTEND_URL',
  'TRUST_PROXY',
  'TRUST_PROXY_FROM',
  'COOKIE_SECURE',
  'COOKIE_SAMESITE',
  'COOKIE_PARTITIONED',
  'SESSION_TTL_DAYS',
  'SESSION_ABSOLUTE_DAYS',
  'SECRET_KEY',
  'SIGNUP',
  'SIGNUP_ALLOWLIST',
  'SPACE_CREATION',
  'DEMO_CORPUS',
  'RATE_LIMIT_GLOBAL',
  'RATE_LIMIT_AUTH',
  'RATE_LIMIT_CHAT',
  'RATE_LIMIT_HEALTH',
  'REDIS_URL',
  'ADMIN_EMAILS',
  'ADMIN_PASSWORD',
  'LLM_BASE_URL',
  'LLM_API_KEY',
  'LLM_MODEL',
  'LLM_TIMEOUT_SECONDS',
  'LLM_MAX_TOKENS',
  'EMBEDDING_BASE_URL',
  'EMBEDDING_API_KEY',
  'EMBEDDING_MODEL',
  'EMBEDDING_DIMENSIONS',
  'FRAME_ANCESTORS',
  'AUDIT_RETENTION_DAYS',
  'PUBLIC_URL',
  'SMTP_URL',
  'MAIL_FROM',
  'EMAIL_VERIFICATION',
  'LOG_LEVEL',
] as const

const PLACEHOLDER_SECRETS = new Set([
  'your-secret-key-here',
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'secret-key',
  'secretkey',
  'your-secret-key',
  'replace-me',
  'replaceme',
  'please-change-me',
  'xxx',
  'password',
  'default',
  'test',
])

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

type Env = Record<string, string | undefined>

/** Small typed readers that record problems instead of throwing, so all are reported at once. */
class Reader {
  readonly problems: string[] = []
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }

  str(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, got "${v}"`)
      return fallback
    }
    return Number(v)
  }

  num(name: string, fallback: number, min: number): number {
    const v = this.raw(name)
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n < min) {
      this.problems.push(`${name}: expected a number ≥ ${min}, got "${v}"`)
      return fallback
    }
    return n
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name)?.toLowerCase()
    if (v === undefined) return fallback
    if (['true', '1', 'yes', 'on'].includes(v)) return true
    if (['false', '0', 'no', 'off'].includes(v)) return false
    this.problems.push(`${name}: expected true or false, got "${v}"`)
    return fallback
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.raw(name)?.toLowerCase()
    if (v === undefined) return fallback
    if ((allowed as readonly string[]).includes(v)) return v as T
    this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${v}"`)
    return fallback
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  }

  url(name: string, protocols: string[]): string | null {
    const v = this.raw(name)
    if (v === undefined) return null
    try {
      const u = new URL(v)
      if (!protocols.includes(u.protocol)) throw new Error('protocol')
      return v
    } catch {
      this.problems.push(`${name}: expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`)
      return null
    }
  }

  rate(name: string, fallback: string): Rate {
    const v = this.raw(name) ?? fallback
    const rate = parseRate(v)
    if (rate) return rate
    this.problems.push(`${name}: expected N/second, N/minute, N/hour or N/day, got "${v}"`)
    return parseRate(fallback) as Rate
  }
}

function parseTrustProxy(r: Reader): number {
  const v = r.raw('TRUST_PROXY')?.toLowerCase()
  if (v === 'true') return 1
  if (v === 'false') return 0
  return r.int('TRUST_PROXY', 0, 0, 100)
}

const TRUST_PRESETS = ['loopback', 'linklocal', 'uniquelocal']

/** TRUST_PROXY_FROM: each item must be an address, a CIDR range or a proxy-addr preset name. */
function parseTrustProxyFrom(r: Reader): string[] {
  const items = r.raw('TRUST_PROXY_FROM') === undefined ? TRUST_PRESETS : r.list('TRUST_PROXY_FROM')
  const out: string[] = []
  for (const item of items) {
    const entry = TRUST_PRESETS.includes(item.toLowerCase()) ? item.toLowerCase() : item
    try {
      proxyAddr.compile(entry)
      out.push(entry)
    } catch {
      r.problems.push(
        `TRUST_PROXY_FROM: "${item}" is not an IP address, a CIDR range or one of ${TRUST_PRESETS.join(', ')}`,
      )
    }
  }
  return out
}

function parseOrigins(r: Reader): string[] {
  const origins: string[] = []
  for (const item of r.list('FRONTEND_URL')) {
    try {
      const u = new URL(item)
      if (!['http:', 'https:'].includes(u.protocol) || u.origin === 'null') throw new Error('bad')
      origins.push(u.origin)
    } catch {
      r.problems.push(`FRONTEND_URL: "${item}" is not an http(s) origin such as https://app.example.com`)
    }
  }
  return origins
}

function parseEmails(r: Reader, name: string, allowWildcard: boolean): string[] {
  const out: string[] = []
  for (const item of r.list(name)) {
    // Spelled as stored: NFC, lower case, the domain as the mailer reads it.
    const e = normalizeEmail(item)
    const ok =
      allowWildcard && e.startsWith('*@') ? /^\*@[^@\s]+\.[^@\s]+$/.test(e) : /^[^@\s]+@[^@\s]+$/.test(e)
    if (ok) out.push(e)
    else r.problems.push(`${name}: "${item}" is not an email address${allowWildcard ? ' or *@domain' : ''}`)
  }
  return out
}

function parseLlm(r: Reader): Config['llm'] {
  const baseUrl = r.url('LLM_BASE_URL', ['http:', 'https:'])
  const model = r.raw('LLM_MODEL')
  if (!baseUrl) return null
  if (!model) {
    r.problems.push('LLM_MODEL: required when LLM_BASE_URL is set')
    return null
  }
  return { baseUrl, apiKey: r.raw('LLM_API_KEY') ?? null, model }
}

function parseEmbedding(r: Reader): Config['embedding'] {
  const baseUrl = r.url('EMBEDDING_BASE_URL', ['http:', 'https:'])
  if (!baseUrl) return null
  const model = r.raw('EMBEDDING_MODEL')
  if (!model) r.problems.push('EMBEDDING_MODEL: required when EMBEDDING_BASE_URL is set')
  if (r.raw('EMBEDDING_DIMENSIONS') === undefined) {
    r.problems.push(
      'EMBEDDING_DIMENSIONS: required when EMBEDDING_BASE_URL is set (an integer from 1 to 2000)',
    )
    return null
  }
  const dimensions = r.int('EMBEDDING_DIMENSIONS', 0, 1, 2000)
  if (!model || dimensions === 0) return null
  return { baseUrl, apiKey: r.raw('EMBEDDING_API_KEY') ?? null, model, dimensions }
}

/** Length as the password policy counts it (code points after NFC); the full policy runs at start. */
function parseAdminPassword(r: Reader, warnings: string[]): string | null {
  const password = r.raw('ADMIN_PASSWORD') ?? null
  if (password === null) return null
  const length = [...password.normalize('NFC')].length
  if (length < 8 || length > 256) r.problems.push('ADMIN_PASSWORD: must be 8 to 256 characters')
  if (r.raw('ADMIN_EMAILS') === undefined)
    warnings.push('ADMIN_PASSWORD is set but ADMIN_EMAILS is not: it does nothing')
  return password
}

function parseSecret(r: Reader, production: boolean, warnings: string[]): string | null {
  const secret = r.raw('SECRET_KEY') ?? null
  if (secret === null) return null
  const placeholder = PLACEHOLDER_SECRETS.has(secret.toLowerCase()) || /^your[-_ ]/i.test(secret)
  if (placeholder && production) {
    r.problems.push('SECRET_KEY: is a placeholder; generate one with `openssl rand -base64 32`')
  } else if (placeholder) {
    warnings.push('SECRET_KEY is a placeholder: fine for development, refused in production')
  } else if (secret.length < 16) {
    r.problems.push('SECRET_KEY: too short; use at least 16 characters (e.g. `openssl rand -base64 32`)')
  }
  return secret
}

/** PUBLIC_URL as an origin plus an optional base path, without a trailing slash. */
function parsePublicUrl(r: Reader): string | null {
  const v = r.raw('PUBLIC_URL')
  if (v === undefined) return null
  try {
    const u = new URL(v)
    if (!['http:', 'https:'].includes(u.protocol) || u.search || u.hash || u.username || u.password) {
      throw new Error('bad')
    }
    return `${u.origin}${u.pathname}`.replace(/\/+$/, '')
  } catch {
    r.problems.push(`PUBLIC_URL: "${v}" is not an http(s) URL such as https://me-docs.hf.space`)
    return null
  }
}

/** SMTP_URL: smtp:// or smtps:// with a host. The value itself is never echoed (it holds a password). */
function parseSmtpUrl(r: Reader): string | null {
  const v = r.raw('SMTP_URL')
  if (v === undefined) return null
  try {
    const u = new URL(v)
    if (!['smtp:', 'smtps:'].includes(u.protocol) || !u.hostname) throw new Error('bad')
    return v
  } catch {
    r.problems.push(
      'SMTP_URL: expected smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (SMTPS)',
    )
    return null
  }
}

function parseMail(r: Reader, signup: SignupPolicy) {
  const publicUrl = parsePublicUrl(r)
  const smtpUrl = parseSmtpUrl(r)
  const mailFrom = r.str('MAIL_FROM', 'rag-auth <no-reply@localhost>')
  if (/[\r\n]/.test(mailFrom) || !/@/.test(mailFrom)) {
    r.problems.push('MAIL_FROM: expected an address such as "rag-auth <no-reply@example.com>"')
  }
  const asked = r.oneOf<EmailVerification>('EMAIL_VERIFICATION', ['off', 'required'], 'off')
  if (r.raw('SMTP_URL') !== undefined && r.raw('PUBLIC_URL') === undefined) {
    r.problems.push('PUBLIC_URL: required when SMTP_URL is set (emailed links start with it)')
  }
  if (asked === 'required' && r.raw('SMTP_URL') === undefined) {
    r.problems.push('EMAIL_VERIFICATION: "required" needs SMTP_URL (verification links are emailed)')
  }
  const emailVerification: EmailVerification =
    asked === 'required' || (smtpUrl !== null && signup === 'allowlist') ? 'required' : 'off'
  return { publicUrl, smtpUrl, mailFrom, emailVerification }
}

export interface LoadedConfig {
  config: Config
  /** Notes to log once the logger exists (production defaults, dev placeholders). */
  warnings: string[]
}

export function loadConfig(env: Env): LoadedConfig {
  const r = new Reader(env)
  const warnings: string[] = []
  const nodeEnv = r.str('NODE_ENV', 'development')
  const production = nodeEnv === 'production'
  const cookieSameSite = r.oneOf<SameSite>('COOKIE_SAMESITE', ['lax', 'strict', 'none'], 'lax')
  const cookieSecureRaw = r.bool('COOKIE_SECURE', production)
  const cookiePartitioned = r.bool('COOKIE_PARTITIONED', false)
  const sessionTtlDays = r.num('SESSION_TTL_DAYS', 7, 0.0001)
  const sessionAbsoluteDays = r.num('SESSION_ABSOLUTE_DAYS', 30, 0.0001)
  if (sessionAbsoluteDays < sessionTtlDays) {
    r.problems.push('SESSION_ABSOLUTE_DAYS: must be at least SESSION_TTL_DAYS')
  }
  const signup = r.oneOf<SignupPolicy>('SIGNUP', ['open', 'closed', 'allowlist'], 'open')
  const signupAllowlist = parseEmails(r, 'SIGNUP_ALLOWLIST', true)
  if (signup === 'allowlist' && signupAllowlist.length === 0) {
    r.problems.push('SIGNUP_ALLOWLIST: required (comma-separated emails or *@domain) when SIGNUP=allowlist')
  }
  const frameAncestors = (r.raw('FRAME_ANCESTORS') ?? '').split(/[\s,]+/).filter(Boolean)
  for (const src of frameAncestors) {
    if (!/^(https?:\/\/[^\s;,']+|'self')$/.test(src)) {
      r.problems.push(`FRAME_ANCESTORS: "${src}" is not an origin such as https://huggingface.co`)
    }
  }
  const config: Config = {
    nodeEnv,
    production,
    port: r.int('PORT', 7860, 0, 65535),
    host: r.str('HOST', '0.0.0.0'),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: r.str('DATA_DIR', './data'),
    frontendOrigins: parseOrigins(r),
    trustProxy: parseTrustProxy(r),
    trustProxyFrom: parseTrustProxyFrom(r),
    // SameSite=None and Partitioned (CHIPS) are only honoured by browsers on Secure cookies: a
    // Partitioned cookie without Secure is dropped, and nobody could sign in.
    cookieSecure: cookieSameSite === 'none' || cookiePartitioned ? true : cookieSecureRaw,
    cookieSameSite,
    cookiePartitioned,
    sessionTtlDays,
    sessionAbsoluteDays,
    secretKey: parseSecret(r, production, warnings),
    signup,
    signupAllowlist,
    spaceCreation: r.oneOf<SpaceCreation>('SPACE_CREATION', ['everyone', 'admins'], 'everyone'),
    demoCorpus: r.oneOf('DEMO_CORPUS', ['auto', 'true', 'false'], 'auto'),
    rateLimitGlobal: r.rate('RATE_LIMIT_GLOBAL', '120/minute'),
    rateLimitAuth: r.rate('RATE_LIMIT_AUTH', '10/minute'),
    rateLimitChat: r.rate('RATE_LIMIT_CHAT', '20/minute'),
    rateLimitHealth: r.rate('RATE_LIMIT_HEALTH', '60/minute'),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    adminEmails: parseEmails(r, 'ADMIN_EMAILS', false),
    adminPassword: parseAdminPassword(r, warnings),
    llm: parseLlm(r),
    llmTimeoutSeconds: r.num('LLM_TIMEOUT_SECONDS', 60, 0.001),
    llmMaxTokens: r.int('LLM_MAX_TOKENS', 1024, 1, 1_000_000),
    embedding: parseEmbedding(r),
    frameAncestors,
    auditRetentionDays: r.num('AUDIT_RETENTION_DAYS', 365, 1),
    ...parseMail(r, signup),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  if (production) {
    const unset = CONFIG_VARIABLES.filter((name) => r.raw(name) === undefined)
    if (unset.length > 0) warnings.push(`Using defaults in production for: ${unset.join(', ')}`)
  }
  return { config, warnings }
}

/** Config for tests and tools: the defaults plus overrides, never process.env. */
export function testConfig(overrides: Env = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', ...overrides }).config
}
