// Operator CLI for spaces, working on the database directly (contract §10):
//   npm run space -- list
//   npm run space -- create <name> --owner <email> [--description <text>]
//   npm run space -- add-member <space> <email> <viewer|editor|owner>
//   npm run space -- remove-member <space> <email>
// <space> is an id, or the name of exactly one team space (otherwise the matches are listed).
// The operator vouches for the people they add, so add-member makes a member at once (no
// invitation). Exit codes: 0 done, 1 failed (unknown user or space, last owner…), 2 usage.
import { parseArgs } from 'node:util'
import { emailProblem, normalizeEmail } from '../auth/email.js'
import type { Database } from '../db/client.js'
import { withTransaction } from '../db/client.js'
import { insertAuditEvent } from '../db/queries/audit.js'
import { countOwners, deleteMember, memberById, takeInvitation } from '../db/queries/space-members.js'
import {
  insertSpace,
  listAllSpaces,
  lockSpace,
  type SpaceRef,
  spacesByRef,
  upsertSpaceMember,
} from '../db/queries/spaces.js'
import { findUserByEmail } from '../db/queries/users.js'
import type { SpaceKind, SpaceRole } from '../db/schema/spaces.js'
import { isUuid, uuidv7 } from '../lib/ids.js'
import {
  CliError,
  cliAudit,
  EXIT_OK,
  EXIT_USAGE,
  formatTable,
  openCliDatabase,
  runCli,
  usageOrHelp,
} from './common.js'

const USAGE = `usage: npm run space -- <command>

commands:
  list                                              every space with its kind, members and documents
  create <name> --owner <email> [--description <text>]
                                                    create a team space owned by that account
  add-member <space> <email> <viewer|editor|owner>  make an account a member (or change its role)
  remove-member <space> <email>                     take an account out of a space

<space> is a space id, or the name of exactly one team space.
`

const ROLES: readonly SpaceRole[] = ['viewer', 'editor', 'owner']

const usage = (what: string) => new CliError(`${what}\n\n${USAGE}`, EXIT_USAGE)

type Command =
  | { command: 'list' }
  | { command: 'create'; name: string; owner: string; description: string }
  | { command: 'add-member'; space: string; email: string; role: SpaceRole }
  | { command: 'remove-member'; space: string; email: string }

function email(raw: string): string {
  const e = normalizeEmail(raw)
  const problem = emailProblem(e)
  if (problem) throw new CliError(`${problem}: "${raw}"`, EXIT_USAGE)
  return e
}

function parse(argv: string[]): Command {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { owner: { type: 'string' }; description: { type: 'string' } }
      allowPositionals: true
    }>
  >
  try {
    parsed = parseArgs({
      args: argv,
      options: { owner: { type: 'string' }, description: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    throw usage(err instanceof Error ? err.message : String(err))
  }
  const [command = '', ...args] = parsed.positionals
  const { owner, description } = parsed.values
  if (command !== 'create' && (owner !== undefined || description !== undefined)) {
    throw usage(`--owner and --description belong to "create"`)
  }
  if (command === 'list') {
    if (args.length > 0) throw usage('"list" takes no arguments')
    return { command }
  }
  if (command === 'create') {
    const name = args.join(' ').trim()
    if (args.length !== 1 || !name) throw usage('"create" takes one name (quote it if it has spaces)')
    if (name.length > 100) throw new CliError('a space name is at most 100 characters', EXIT_USAGE)
    if (owner === undefined) throw usage('"create" needs --owner <email>')
    if ((description ?? '').length > 500)
      throw new CliError('a description is at most 500 characters', EXIT_USAGE)
    return { command, name, owner: email(owner), description: description?.trim() ?? '' }
  }
  if (command === 'add-member') {
    const [space, who, role] = args
    if (args.length !== 3 || !space || !who || !role) throw usage('"add-member" takes <space> <email> <role>')
    if (!(ROLES as readonly string[]).includes(role)) {
      throw usage(`role must be one of ${ROLES.join(', ')}, not "${role}"`)
    }
    return { command, space, email: email(who), role: role as SpaceRole }
  }
  if (command === 'remove-member') {
    const [space, who] = args
    if (args.length !== 2 || !space || !who) throw usage('"remove-member" takes <space> <email>')
    return { command, space, email: email(who) }
  }
  throw usage(command ? `"${command}" is not a command` : 'no command')
}

async function list(db: Database) {
  const rows = await listAllSpaces(db)
  console.log(
    formatTable(
      ['id', 'kind', 'name', 'visibility', 'owner', 'members', 'documents'],
      rows.map((r) => [
        r.id,
        r.kind,
        r.name,
        r.visibility,
        r.owner_email ?? '-',
        String(r.members),
        String(r.documents),
      ]),
    ),
  )
}

/** An id, or a team-space name that matches exactly one space. */
async function resolveSpace(db: Database, ref: string): Promise<SpaceRef> {
  const byId = isUuid(ref)
  const found = await spacesByRef(db, ref, byId)
  if (byId) {
    const [space] = found
    if (!space) throw new CliError(`no space with the id ${ref}`)
    return space
  }
  const matches = found.filter((s) => s.kind === 'team')
  const [only] = matches
  if (matches.length === 1 && only) return only
  if (matches.length === 0)
    throw new CliError(`no team space is named "${ref}" (see \`npm run space -- list\`)`)
  const lines = matches.map((m) => `  ${m.id}  ${m.name}`).join('\n')
  throw new CliError(`${matches.length} team spaces are named "${ref}"; name one by its id:\n${lines}`)
}

async function userId(db: Database, address: string): Promise<string> {
  const user = await findUserByEmail(db, address)
  if (!user) throw new CliError(`no user with the email ${address}`)
  return user.id
}

function teamOnly(space: { name: string; kind: SpaceKind }) {
  if (space.kind === 'personal')
    throw new CliError(`"${space.name}" is someone's personal space: it has no other members`)
  if (space.kind === 'shared') {
    throw new CliError('every account reads the shared library, and administrators own it: it has no members')
  }
}

const LAST_OWNER = 'a team space must keep one owner: add another owner first, or delete the space'

async function create(db: Database, c: Extract<Command, { command: 'create' }>) {
  const owner = await userId(db, c.owner)
  const id = uuidv7()
  await withTransaction(db, async (tx) => {
    await insertSpace(tx, { id, name: c.name, description: c.description, kind: 'team', createdBy: owner })
    await upsertSpaceMember(tx, id, owner, 'owner')
    await insertAuditEvent(tx, cliAudit('space_created', owner, { space_id: id, visibility: 'members' }))
  })
  console.log(`created team space "${c.name}" (${id}), owned by ${c.owner}`)
}

async function addMember(db: Database, c: Extract<Command, { command: 'add-member' }>) {
  const space = await resolveSpace(db, c.space)
  teamOnly(space)
  const user = await userId(db, c.email)
  const before = await withTransaction(db, async (tx) => {
    if (!(await lockSpace(tx, space.id))) throw new CliError(`no space with the id ${space.id}`)
    const current = await memberById(tx, space.id, user)
    if (current?.role === 'owner' && c.role !== 'owner' && (await countOwners(tx, space.id)) <= 1) {
      throw new CliError(LAST_OWNER)
    }
    await upsertSpaceMember(tx, space.id, user, c.role)
    // Audited like the same change through the API (§14).
    if (!current) {
      await insertAuditEvent(tx, cliAudit('space_member_added', user, { space_id: space.id, role: c.role }))
    } else if (current.role !== c.role) {
      const details = { space_id: space.id, from: current.role, to: c.role }
      await insertAuditEvent(tx, cliAudit('space_member_role_changed', user, details))
    }
    // The membership supersedes any invitation waiting for this address.
    await takeInvitation(tx, space.id, c.email, new Date())
    return current?.role ?? null
  })
  const was = before ? ` (was ${before})` : ''
  console.log(`${c.email} is now ${c.role} of "${space.name}"${was}`)
}

async function removeMember(db: Database, c: Extract<Command, { command: 'remove-member' }>) {
  const space = await resolveSpace(db, c.space)
  teamOnly(space)
  const user = await userId(db, c.email)
  await withTransaction(db, async (tx) => {
    if (!(await lockSpace(tx, space.id))) throw new CliError(`no space with the id ${space.id}`)
    const current = await memberById(tx, space.id, user)
    if (!current) throw new CliError(`${c.email} is not a member of "${space.name}"`)
    if (current.role === 'owner' && (await countOwners(tx, space.id)) <= 1) throw new CliError(LAST_OWNER)
    await deleteMember(tx, space.id, user)
    await insertAuditEvent(
      tx,
      cliAudit('space_member_removed', user, { space_id: space.id, role: current.role }),
    )
  })
  console.log(`${c.email} is no longer a member of "${space.name}"`)
}

function report(err: unknown): number {
  if (!(err instanceof CliError)) throw err
  process.stderr.write(`error: ${err.message}\n`)
  return err.exitCode
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  const early = usageOrHelp(argv, USAGE)
  if (early !== null) return early
  let command: Command
  try {
    command = parse(argv)
  } catch (err) {
    return report(err)
  }
  const { db, close } = await openCliDatabase()
  try {
    if (command.command === 'list') await list(db)
    else if (command.command === 'create') await create(db, command)
    else if (command.command === 'add-member') await addMember(db, command)
    else await removeMember(db, command)
    return EXIT_OK
  } catch (err) {
    return report(err)
  } finally {
    await close()
  }
}

runCli(main)
