// bench/RESULTS.md: the latest table between markers, one history line per recorded run.
// Everything else in the file (the analysis, the retrieval engineer's "Retrieval (SciFact)"
// section) is left exactly as it is.
import { execSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH_DIR, REPO_DIR } from './procs.js'

const PATH = join(BENCH_DIR, 'RESULTS.md')
const LATEST = ['<!-- bench:latest:start -->', '<!-- bench:latest:end -->'] as const
const HISTORY = ['<!-- bench:history:start -->', '<!-- bench:history:end -->'] as const
export const HISTORY_HEADER = [
  '| date | mode | load avg | hello req/s | me/lookup | me p99 | health/hello | ELD p99 | search p95 | chat p95 | ingest chunks/s | RSS MiB | pass/fail |',
  '| ---- | ---- | -------- | ----------- | --------- | ------ | ------------ | ------- | ---------- | -------- | --------------- | ------- | --------- |',
].join('\n')

function replaceBetween(text: string, [start, end]: readonly [string, string], body: string): string {
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  if (i < 0 || j < i) throw new Error(`RESULTS.md lacks the ${start} … ${end} markers`)
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`
}

function between(text: string, [start, end]: readonly [string, string]): string {
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  return i >= 0 && j > i ? text.slice(i + start.length, j).trim() : ''
}

export function recordResults(latest: string, historyLine: string): void {
  if (!existsSync(PATH)) throw new Error(`${PATH} is missing`)
  let text = readFileSync(PATH, 'utf8')
  text = replaceBetween(text, LATEST, latest)
  const old = between(text, HISTORY)
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('| date') && !/^\|\s*-/.test(l))
  text = replaceBetween(text, HISTORY, [HISTORY_HEADER, ...old, historyLine].join('\n'))
  writeFileSync(PATH, text)
  // The repository's formatter owns Markdown tables too (`npm run lint` checks this file).
  try {
    execSync('npx biome format --write bench/RESULTS.md', { cwd: REPO_DIR, stdio: 'ignore' })
  } catch {
    // Formatting is cosmetic; the figures are written either way.
  }
}
