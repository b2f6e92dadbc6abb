// `npm run ingest -- [--space <id or name>] <file-or-folder>...`: ingests Markdown, text, HTML and
// PDF files (folders recursively) through the same code path as POST /api/documents, into one space
// (default: the shared library). Idempotent by content hash within that space; a changed file at
// the same path has its chunks replaced. `source` is the path relative to the directory the
// command was typed in (absolute when outside it), with forward slashes. Exit 1 if any file failed.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { SingleBar } from 'cli-progress'
import type { Conn } from '../db/client.js'
import { vacuumIndex } from '../db/queries/bm25.js'
import { sharedLibraryId, spacesByRef } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { isUuid } from '../lib/ids.js'
import { createRagContext } from '../rag/context.js'
import { ingestDocument } from '../rag/ingest.js'
import { formatFromFilename, SUPPORTED_EXTENSIONS } from '../rag/parse.js'
import type { RagLogger } from '../rag/types.js'
import { ensureVectorSupport } from '../rag/vector.js'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, openCliDatabase, parseCliArgs, runCli } from './common.js'

const USAGE = `usage: npm run ingest -- [--space <id or name>] <file-or-folder>...
Ingests ${SUPPORTED_EXTENSIONS.join(', ')} files; folders are walked recursively.
--space: a space id, or the name of exactly one team space (default: the shared library).`

interface Target {
  path: string
  /** Set when the file cannot even be attempted (missing, unsupported type). */
  problem?: string
}

function walk(dir: string, out: Target[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const p = join(dir, entry.name)
    if (entry.isDirectory()) walk(p, out)
    else if (entry.isFile() && formatFromFilename(entry.name)) out.push({ path: p })
  }
}

function collectTargets(args: string[]): Target[] {
  const out: Target[] = []
  for (const arg of args) {
    let stat: ReturnType<typeof statSync>
    try {
      stat = statSync(arg)
    } catch {
      out.push({ path: arg, problem: 'no such file or directory' })
      continue
    }
    if (stat.isDirectory()) walk(arg, out)
    else if (!formatFromFilename(arg)) {
      out.push({ path: arg, problem: `unsupported file type (use ${SUPPORTED_EXTENSIONS.join(', ')})` })
    } else out.push({ path: arg })
  }
  return out
}

function sourceFor(path: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, path)
  const rel = relative(cwd, abs)
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  return (inside ? rel : abs).split(sep).join('/')
}

function reason(err: unknown): string {
  if (err instanceof AppError) return err.message
  return err instanceof Error ? err.message : String(err)
}

/** The space `ref` names (an id, or a name that matches exactly one space), or why not. */
async function resolveSpace(
  ex: Conn,
  ref: string | undefined,
): Promise<{ id: string } | { problem: string }> {
  if (ref === undefined) return { id: await sharedLibraryId(ex) }
  const matches = await spacesByRef(ex, ref, isUuid(ref))
  const [only] = matches
  if (only && matches.length === 1) return { id: only.id }
  if (!only) return { problem: `no space with the id or name "${ref}" (npm run space -- list shows them)` }
  const listed = matches.map((m) => `  ${m.id}  ${m.name} (${m.kind})`).join('\n')
  return { problem: `${matches.length} spaces are named "${ref}"; pass one id:\n${listed}` }
}

function parseCli(): { space?: string; paths: string[]; help: boolean } {
  const { values, positionals } = parseCliArgs(
    { options: { space: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true },
    USAGE,
  )
  return {
    ...(values.space === undefined ? {} : { space: values.space }),
    paths: positionals,
    help: values.help === true,
  }
}

async function main(): Promise<number> {
  const parsed = parseCli()
  if (parsed.paths.length === 0 || parsed.help || parsed.space?.trim() === '') {
    process.stderr.write(`${USAGE}\n`)
    return parsed.help ? EXIT_OK : EXIT_USAGE
  }
  // Relative paths are the operator's: relative to the folder `npm run ingest` was typed in.
  const base = process.env.RAG_AUTH_INVOKED_FROM || process.cwd()
  const targets = collectTargets(parsed.paths.map((p) => resolve(base, p)))
  const cli = await openCliDatabase()
  const tty = process.stderr.isTTY === true
  const bar = tty
    ? new SingleBar({
        format: 'ingesting [{bar}] {value}/{total} {file}',
        hideCursor: true,
        clearOnComplete: true,
      })
    : null
  // Lines printed while the bar is drawn would tangle with it: keep them until it is gone.
  const notes: string[] = []
  const say = (line: string) => (bar ? notes.push(line) : process.stdout.write(`${line}\n`))
  const log: RagLogger = { info: () => {}, warn: (m) => say(`warning: ${m}`) }
  const started = performance.now()
  const counts = { created: 0, updated: 0, unchanged: 0, failed: 0, chunks: 0 }
  try {
    const space = await resolveSpace(cli.db, parsed.space)
    if ('problem' in space) {
      process.stderr.write(`error: ${space.problem}\n`)
      return EXIT_FAILURE
    }
    await ensureVectorSupport(cli.db, cli.config, log)
    const ctx = createRagContext(cli.db, cli.config, log)
    bar?.start(targets.length, 0, { file: '' })
    for (const [i, t] of targets.entries()) {
      const source = sourceFor(t.path, base)
      bar?.update(i, { file: source })
      try {
        if (t.problem) throw new Error(t.problem)
        const format = formatFromFilename(t.path)
        if (!format) throw new Error('unsupported file type')
        const r = await ingestDocument(ctx, {
          content: new Uint8Array(readFileSync(t.path)),
          format,
          source,
          spaceId: space.id,
        })
        counts[r.status]++
        counts.chunks += r.chunks
        const word = { created: 'new', updated: 'updated', unchanged: 'unchanged' }[r.status]
        if (!bar) say(`${word.padEnd(9)} ${source} (${r.chunks} chunks)`)
      } catch (err) {
        counts.failed++
        say(`failed    ${source}: ${reason(err)}`)
      }
    }
    bar?.update(targets.length, { file: '' })
    bar?.stop()
    // Search reads the postings index-only: set the visibility map now rather than leave it to
    // autovacuum (Postgres) or to nobody (PGlite has no autovacuum).
    if (counts.created + counts.updated > 0) await vacuumIndex(cli.db)
  } finally {
    await cli.close()
  }
  for (const n of notes) process.stdout.write(`${n}\n`)
  const secs = ((performance.now() - started) / 1000).toFixed(1)
  process.stdout.write(
    `ingested ${targets.length} ${targets.length === 1 ? 'file' : 'files'}: ${counts.created} new, ${counts.updated} updated, ` +
      `${counts.unchanged} unchanged, ${counts.failed} failed (${counts.chunks} chunks) in ${secs}s\n`,
  )
  return counts.failed > 0 ? EXIT_FAILURE : EXIT_OK
}

runCli(main)
