// Operator CLI for accounts, working on the database directly (docs/api.md §3):
//   npm run user -- create <email> [--name <name>] [--admin]
//   npm run user -- verify <email> | promote <email> | demote <email> | set-password <email> | mfa-off <email> | list
//   npm run user -- reset-link <email>   (prints a one-time password-reset link; needs PUBLIC_URL)
// Accounts made here are verified (the operator vouches for the address), so an ADMIN_EMAILS
// address created here is an admin at once; `verify` vouches for an account that signed up.
// Passwords are asked with hidden input on a terminal, or read from the first line of stdin.
// Exit codes: 0 done, 1 failed (unknown user, weak password, server running…), 2 usage.
import { emailProblem, normalizeEmail } from '../auth/email.js'
import { issueLink, queueNotice, RESET_TTL_MS } from '../auth/email-links.js'
import { hashPassword, PASSWORD_PROBLEM_MESSAGES, passwordProblem } from '../auth/passwords.js'
import { effectiveRole } from '../auth/sessions.js'
import type { Config } from '../config.js'
import { type Database, withTransaction } from '../db/client.js'
import { insertAuditEvent } from '../db/queries/audit.js'
import { disableMfa } from '../db/queries/mfa.js'
import { deleteUserSessions } from '../db/queries/sessions.js'
import { insertPersonalSpace } from '../db/queries/spaces.js'
import {
  findUserByEmail,
  insertUser,
  isUniqueViolation,
  listUsersWithSessionCounts,
  setEmailVerified,
  setUserRole,
  updatePasswordHash,
} from '../db/queries/users.js'
import { systemClock } from '../lib/clock.js'
import { uuidv7 } from '../lib/ids.js'
import {
  CliError,
  cliAudit,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  formatTable,
  openCliDatabase,
  parseCliArgs,
  runCli,
  usageOrHelp,
} from './common.js'
import { PasswordInputError, readPassword } from './password-input.js'

const USAGE = `usage: npm run user -- <command>

commands:
  create <email> [--name <name>] [--admin]   create a verified account (password asked, or read from stdin)
  verify <email>                             mark the email verified (ADMIN_EMAILS then makes it an admin)
  promote <email>                            give the admin role
  demote <email>                             take the admin role away
  set-password <email>                       set a new password and sign the user out everywhere
  mfa-off <email>                            turn two-factor sign-in off (someone who lost both factors)
  reset-link <email>                         print a one-time password-reset link (30 minutes; needs PUBLIC_URL)
  list                                       every account with its role, verification and live sessions
`

interface Parsed {
  command: string
  email: string | null
  name: string | null
  admin: boolean
}

/** `create`'s options; the other commands take none. */
const CREATE_OPTIONS = { name: { type: 'string' }, admin: { type: 'boolean' } } as const

function parseCommand(argv: string[]): Parsed {
  const [command = '', ...rest] = argv
  const {
    values,
    positionals: positional,
    tokens,
  } = parseCliArgs({ args: rest, options: CREATE_OPTIONS, allowPositionals: true, tokens: true }, USAGE)
  const option = tokens.find((t) => t.kind === 'option')
  if (option && command !== 'create')
    throw new CliError(`unknown option ${option.rawName}\n\n${USAGE}`, EXIT_USAGE)
  const name = values.name ?? null
  const admin = values.admin === true
  const wantsEmail = [
    'create',
    'verify',
    'promote',
    'demote',
    'set-password',
    'mfa-off',
    'reset-link',
  ].includes(command)
  if (command === 'list' && positional.length === 0) return { command, email: null, name, admin }
  if (!wantsEmail || positional.length !== 1) {
    const what =
      command === 'list'
        ? '"list" takes no arguments'
        : wantsEmail
          ? `"${command}" takes one email`
          : `"${command}" is not a command`
    throw new CliError(`${what}\n\n${USAGE}`, EXIT_USAGE)
  }
  const email = normalizeEmail(positional[0] as string)
  const problem = emailProblem(email)
  if (problem) throw new CliError(`${problem}: "${positional[0]}"`, EXIT_USAGE)
  if (name !== null && (name.trim().length === 0 || name.length > 100)) {
    throw new CliError('--name must be 1 to 100 characters', EXIT_USAGE)
  }
  return { command, email, name: name?.trim() ?? null, admin }
}

/** Asks for (or reads) a password that passes the same rules as the API. */
async function newPassword(email: string): Promise<string> {
  const password = await readPassword('Password: ', 'Repeat password: ')
  const problem = await passwordProblem(password, email)
  if (problem) throw new CliError(PASSWORD_PROBLEM_MESSAGES[problem])
  return password
}

async function create(db: Database, config: Config, args: Parsed, email: string, password: string) {
  if (await findUserByEmail(db, email)) throw new CliError(`a user with the email ${email} already exists`)
  const passwordHash = await hashPassword(password)
  const now = new Date()
  const role = args.admin ? 'admin' : 'user'
  try {
    await withTransaction(db, async (tx) => {
      const row = await insertUser(tx, {
        id: uuidv7(now.getTime()),
        email,
        name: args.name,
        passwordHash,
        role,
        emailVerified: true,
        createdAt: now,
      })
      await insertPersonalSpace(tx, row.id, uuidv7(now.getTime()), now)
      await insertAuditEvent(tx, cliAudit('user_created', row.id, { role }))
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new CliError(`a user with the email ${email} already exists`)
    throw err
  }
  console.log(`created ${email} (${effectiveRole(config, { email, role, emailVerified: true })})`)
}

async function verify(db: Database, config: Config, email: string) {
  const user = await findUserByEmail(db, email)
  if (!user) throw new CliError(`no user with the email ${email}`)
  if (!user.emailVerified) {
    await withTransaction(db, async (tx) => {
      await setEmailVerified(tx, email, new Date())
      await insertAuditEvent(tx, cliAudit('email_verified', user.id))
    })
  }
  const admin = config.adminEmails.includes(email)
  console.log(`${email} is verified${admin ? ' (an admin: it is listed in ADMIN_EMAILS)' : ''}`)
}

/** docs/api.md §13: the operator's way back in for someone who lost their phone and recovery codes. */
async function mfaOff(db: Database, config: Config, email: string) {
  const user = await findUserByEmail(db, email)
  if (!user) throw new CliError(`no user with the email ${email}`)
  if (!user.mfaEnabled) {
    console.log(`${email} has no two-factor sign-in; nothing changed`)
    return
  }
  await withTransaction(db, async (tx) => {
    await disableMfa(tx, user.id, new Date())
    await insertAuditEvent(tx, cliAudit('mfa_disabled', user.id))
    // Delivered by the server's mail worker (the outbox is a table), when SMTP_URL is set.
    await queueNotice(tx, { config, clock: systemClock }, user.email, 'mfa_disabled')
  })
  console.log(`two-factor sign-in is off for ${email}; they can set it up again from their account page`)
}

/** docs/api.md §12: the one-time link a reset email would carry, for a server without email. */
async function resetLink(db: Database, config: Config, email: string) {
  if (!config.publicUrl) {
    throw new CliError(
      'PUBLIC_URL is not set: links start with it (e.g. PUBLIC_URL=https://docs.example.com)',
    )
  }
  const user = await findUserByEmail(db, email)
  if (!user) throw new CliError(`no user with the email ${email}`)
  const link = await withTransaction(db, async (tx) => {
    const link = await issueLink(
      tx,
      { config, clock: systemClock },
      {
        purpose: 'reset',
        user,
        emailed: false,
        ttlMs: RESET_TTL_MS,
      },
    )
    await insertAuditEvent(tx, cliAudit('reset_link_created', user.id))
    return link
  })
  console.log(link.url)
  process.stderr.write(`one-time link for ${email}, valid until ${link.expiresAt.toISOString()}\n`)
}

async function setRole(db: Database, config: Config, email: string, role: 'user' | 'admin') {
  const user = await findUserByEmail(db, email)
  if (!user) throw new CliError(`no user with the email ${email}`)
  if (user.role !== role) {
    await withTransaction(db, async (tx) => {
      if (!(await setUserRole(tx, email, role, new Date())))
        throw new CliError(`no user with the email ${email}`)
      await insertAuditEvent(tx, cliAudit('user_role_changed', user.id, { from: user.role, to: role }))
    })
  }
  console.log(`${email} is now ${role === 'admin' ? 'an admin' : 'a regular user'}`)
  const row = await findUserByEmail(db, email)
  if (role === 'user' && row && effectiveRole(config, row) === 'admin') {
    console.log(`note: ${email} is listed in ADMIN_EMAILS, so it stays an admin until removed from there`)
  }
}

async function setPassword(db: Database, config: Config, email: string, password: string) {
  const user = await findUserByEmail(db, email)
  if (!user) throw new CliError(`no user with the email ${email}`)
  const passwordHash = await hashPassword(password)
  const revoked = await withTransaction(db, async (tx) => {
    await updatePasswordHash(tx, user.id, passwordHash, new Date())
    const n = await deleteUserSessions(tx, user.id)
    await insertAuditEvent(tx, cliAudit('password_changed', user.id, { sessions_revoked: n }))
    // §12: the person is told their password changed (sent by the server's mail worker).
    await queueNotice(tx, { config, clock: systemClock }, user.email, 'password_changed')
    return n
  })
  console.log(`password changed for ${email}; ${revoked} session${revoked === 1 ? '' : 's'} revoked`)
}

async function list(db: Database, config: Config) {
  const rows = await listUsersWithSessionCounts(db, new Date())
  if (rows.length === 0) {
    console.log('no users yet: create one with `npm run user -- create <email>`')
    return
  }
  const table = rows.map((r) => {
    const role = effectiveRole(config, r)
    return [
      r.email,
      role === r.role ? role : `${role} (ADMIN_EMAILS)`,
      r.emailVerified ? 'yes' : 'no',
      r.createdAt.toISOString(),
      String(r.sessions),
    ]
  })
  console.log(formatTable(['email', 'role', 'verified', 'created_at', 'sessions'], table))
}

async function main(): Promise<number> {
  let args: Parsed
  let password = ''
  try {
    const argv = process.argv.slice(2)
    const early = usageOrHelp(argv, USAGE)
    if (early !== null) return early
    args = parseCommand(argv)
    // Asked (and checked) before the database opens: a refused password fails fast.
    if (args.command === 'create' || args.command === 'set-password') {
      password = await newPassword(args.email as string)
    }
  } catch (err) {
    if (err instanceof CliError || err instanceof PasswordInputError) {
      process.stderr.write(`error: ${err.message}\n`)
      return err instanceof CliError ? err.exitCode : EXIT_FAILURE
    }
    throw err
  }
  const { db, config, close } = await openCliDatabase()
  try {
    const email = args.email as string
    if (args.command === 'create') await create(db, config, args, email, password)
    else if (args.command === 'verify') await verify(db, config, email)
    else if (args.command === 'promote') await setRole(db, config, email, 'admin')
    else if (args.command === 'demote') await setRole(db, config, email, 'user')
    else if (args.command === 'set-password') await setPassword(db, config, email, password)
    else if (args.command === 'mfa-off') await mfaOff(db, config, email)
    else if (args.command === 'reset-link') await resetLink(db, config, email)
    else await list(db, config)
    return EXIT_OK
  } catch (err) {
    if (err instanceof CliError || err instanceof PasswordInputError) {
      process.stderr.write(`error: ${err.message}\n`)
      return err instanceof CliError ? err.exitCode : EXIT_FAILURE
    }
    throw err
  } finally {
    await close()
  }
}

runCli(main)
