// `npm run space:prepare -- <dir> [--clean]`: assembles a ready-to-push Hugging Face Space
// repository in <dir> (typically a fresh `git clone` of the Space): the Dockerfile, the sources
// (tracked files minus tests, e2e and screenshots), and a README.md whose front matter
// (from deploy/huggingface/README.md) configures the Space. Spaces refuse binary files outside
// Git LFS, so every file must be UTF-8 text without NUL bytes: anything else fails loudly.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAX_BYTES = 10 * 1024 * 1024 // Hugging Face refuses larger files outside LFS.

/** Paths a Space does not need (why: tests and e2e never run there; screenshots are binary). */
const EXCLUDE = [
  { re: /^backend\/test\//, why: 'tests' },
  { re: /(^|\/)[^/]+\.test\.tsx?$/, why: 'tests' },
  { re: /^e2e\//, why: 'browser tests' },
  { re: /^\.ci\//, why: 'CI' },
  { re: /^bench\/results\//, why: 'benchmark results' },
  { re: /^docs\/screenshots\//, why: 'screenshots (binary; Spaces refuse binaries outside LFS)' },
]
/** What a cloned Space may already hold; anything else needs --clean. */
const CLONE_FILES = new Set(['.git', '.gitattributes', 'README.md'])

function fail(message) {
  process.stderr.write(`space:prepare: ${message}\n`)
  process.exit(1)
}

/** The front matter block (--- … ---) of the template, or fail. */
export function frontMatter(template) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(template)
  if (!m) throw new Error('deploy/huggingface/README.md has no front matter block')
  const yaml = m[1]
  if (!/^sdk:\s*docker\s*$/m.test(yaml)) throw new Error('front matter lacks `sdk: docker`')
  if (!/^app_port:\s*7860\s*$/m.test(yaml)) throw new Error('front matter lacks `app_port: 7860`')
  return m[0]
}

/** Why a file cannot go to a Space as plain Git content, or null when it can. */
export function binaryReason(buf) {
  if (buf.length > MAX_BYTES) return `larger than ${MAX_BYTES / 1024 / 1024} MiB`
  if (buf.includes(0)) return 'contains NUL bytes'
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf)
  } catch {
    return 'is not valid UTF-8'
  }
  return null
}

function projectReadme() {
  const path = join(ROOT, 'README.md')
  const fallback =
    '# rag-auth\n\nAn authenticated RAG chat service: sign up, sign in, and ask questions answered from your documents with citations.\n'
  if (!existsSync(path)) return fallback
  // Screenshots are not pushed: drop the images that point at them instead of leaving broken ones.
  return readFileSync(path, 'utf8').replace(/!\[[^\]]*\]\(\.?\/?docs\/screenshots\/[^)]+\)\s*\n?/g, '')
}

function prepareDir(dir, clean) {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true })
    return
  }
  if (!statSync(dir).isDirectory()) fail(`${dir} is not a directory`)
  const extra = readdirSync(dir).filter((n) => !CLONE_FILES.has(n))
  if (clean) {
    for (const n of readdirSync(dir)) if (n !== '.git') rmSync(join(dir, n), { recursive: true, force: true })
  } else if (extra.length > 0) {
    fail(
      `${dir} already holds ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}: pass --clean to replace everything but .git`,
    )
  }
}

function main() {
  const args = process.argv.slice(2)
  const clean = args.includes('--clean')
  const target = args.find((a) => !a.startsWith('--'))
  if (!target) fail('usage: npm run space:prepare -- <dir> [--clean]')
  const dir = resolve(process.env.INIT_CWD ?? process.cwd(), target)
  if (dir === resolve(ROOT) || dir.startsWith(`${resolve(ROOT)}/`))
    fail('choose a directory outside this repository')

  const header = frontMatter(readFileSync(join(ROOT, 'deploy/huggingface/README.md'), 'utf8'))
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean)
  const skipped = new Map()
  const refused = []
  const keep = []
  for (const f of files) {
    const src = join(ROOT, f)
    if (!existsSync(src) || !statSync(src).isFile()) continue
    const rule = EXCLUDE.find((r) => r.re.test(f))
    if (rule) {
      skipped.set(rule.why, (skipped.get(rule.why) ?? 0) + 1)
      continue
    }
    if (f === 'README.md') continue // written below, with the front matter
    const buf = readFileSync(src)
    const why = binaryReason(buf)
    if (why) refused.push(`${f} ${why}`)
    else keep.push([f, buf])
  }
  if (refused.length > 0) {
    fail(
      `these files cannot be pushed to a Space without Git LFS:\n  ${refused.join('\n  ')}\nConvert them to text, move them out of the tracked tree, or exclude them in scripts/space-prepare.mjs.`,
    )
  }
  if (!keep.some(([f]) => f === 'Dockerfile')) fail('no Dockerfile among the tracked files')

  prepareDir(dir, clean)
  let bytes = 0
  for (const [f, buf] of keep) {
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    writeFileSync(join(dir, f), buf)
    bytes += buf.length
  }
  const readme = `${header}\n${projectReadme()}`
  writeFileSync(join(dir, 'README.md'), readme)

  const out = process.stdout
  out.write(
    `Space repository ready in ${dir}: ${keep.length + 1} files, ${(bytes / 1024).toFixed(0)} KiB, all UTF-8 text.\n`,
  )
  for (const [why, n] of skipped) out.write(`  skipped ${n} file(s): ${why}\n`)
  out.write(
    [
      '',
      'Next:',
      `  cd ${dir}`,
      '  git add -A && git commit -m "Deploy rag-auth" && git push',
      'Then set the Space secrets (DATABASE_URL, SECRET_KEY, ADMIN_EMAILS, ADMIN_PASSWORD, …): see docs/deploy.md.',
      '',
    ].join('\n'),
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
