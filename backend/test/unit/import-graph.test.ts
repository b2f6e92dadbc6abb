// The layers of backend/src, checked on its import graph so that a shortcut across them fails
// here instead of in a review:
// - http/ (the chassis) and auth/ import nothing from each other: buildApp wires them (the zone
//   a request addresses decides which credentials the auth plugin accepts; a route names its rate
//   limit as config that the limiter reads);
// - no route plugin (routes/, auth/) and no chassis plugin (http/) imports app.ts, the module that
//   registers them (they get what they need as options: routes/deps.ts);
// - rag/ and db/ know no HTTP, routes, auth or app.
// Every import form counts: static, `import type`, `export … from`, `import()` and `import('…').T`.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

interface Rule {
  name: string
  from: (file: string) => boolean
  to: (file: string) => boolean
}

const under = (dir: string) => (file: string) => file.startsWith(`${dir}/`)
const APP = (file: string) => file === 'app.ts'

const RULES: Rule[] = [
  { name: 'http/ imports nothing from auth/', from: under('http'), to: under('auth') },
  { name: 'auth/ imports nothing from http/', from: under('auth'), to: under('http') },
  {
    name: 'route and chassis plugins do not import app.ts',
    from: (f) => under('routes')(f) || under('auth')(f) || under('http')(f),
    to: APP,
  },
  {
    name: 'rag/ and db/ import nothing from http/, routes/, auth/ or app.ts',
    from: (f) => under('rag')(f) || under('db')(f),
    to: (f) => under('http')(f) || under('routes')(f) || under('auth')(f) || APP(f),
  },
]

/** Every module specifier a source file names, whatever the import form. */
function specifiersOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const out: string[] = []
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    ) {
      out.push(node.moduleSpecifier.text)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression
      if (ts.isStringLiteralLike(expr)) out.push(expr.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text)
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteralLike(node.argument.literal)
    ) {
      out.push(node.argument.literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** The src-relative path (with `/`) of a relative specifier, or null for a package. */
function resolveSpecifier(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  const target = resolve(dirname(join(SRC, fromFile)), specifier.replace(/\.js$/, '.ts'))
  return relative(SRC, target).split(sep).join('/')
}

function violations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = []
  for (const [file, text] of files) {
    for (const specifier of specifiersOf(file, text)) {
      const target = resolveSpecifier(file, specifier)
      if (target === null) continue
      for (const rule of RULES) {
        if (rule.from(file) && rule.to(target)) out.push(`${file} -> ${target}: ${rule.name}`)
      }
    }
  }
  return out
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(path)
  }
  return out
}

function readSources(): Map<string, string> {
  const files = new Map<string, string>()
  for (const path of sourceFiles(SRC).sort()) {
    files.set(relative(SRC, path).split(sep).join('/'), readFileSync(path, 'utf8'))
  }
  return files
}

describe('import graph of backend/src', () => {
  const files = readSources()

  it('keeps the layers apart', () => {
    assert.deepEqual(violations(files), [])
  })

  it('resolves every relative import to a file it checked', () => {
    // An import the checker cannot place (a `.tsx`, a directory index) could hide a violation.
    const unresolved: string[] = []
    for (const [file, text] of files) {
      for (const specifier of specifiersOf(file, text)) {
        const target = resolveSpecifier(file, specifier)
        if (target !== null && !files.has(target)) {
          unresolved.push(`${file} -> ${specifier}`)
        }
      }
    }
    assert.deepEqual(unresolved, [])
    // Sanity: the scan saw the layers it rules on, and edges between them.
    for (const layer of ['http', 'auth', 'routes', 'rag', 'db']) {
      assert.ok([...files.keys()].some(under(layer)), `no files under ${layer}/`)
    }
    assert.ok(files.has('app.ts'))
    assert.ok(specifiersOf('routes/chat.ts', files.get('routes/chat.ts') ?? '').includes('./deps.js'))
  })

  it('catches each rule broken in each import form', () => {
    const planted = new Map<string, string>([
      ['http/a.ts', "import type { AuthUser } from '../auth/sessions.js'\n"],
      ['http/b.ts', "export {\n  readToken,\n} from '../auth/plugin.js'\n"],
      ['routes/c.ts', "type Deps = import('../app.js').AppDeps\n"],
      ['auth/routes-d.ts', "const m = await import('../app.js')\n"],
      ['rag/e.ts', "import { SseStream } from '../http/sse.js'\n"],
      ['db/queries/f.ts', "import type { RouteDeps } from '../../routes/deps.js'\n"],
      ['db/g.ts', "import '../auth/plugin.js'\n"],
      ['rag/h.ts', "import { buildApp } from '../app.js'\n"],
      ['auth/l.ts', "import { acceptsCookie } from '../http/zones.js'\n"],
      // Allowed: auth/ may use db/, routes may use http/, a string that merely looks like an import.
      ['auth/i.ts', "import { findUserByEmail } from '../db/queries/users.js'\n"],
      ['routes/j.ts', "import { answerSlots } from '../http/answer-slots.js'\n"],
      ['rag/k.ts', 'const text = "import x from \'../http/sse.js\'"\n'],
    ])
    const found = violations(planted).map((v) => v.split(':')[0])
    assert.deepEqual(found, [
      'http/a.ts -> auth/sessions.ts',
      'http/b.ts -> auth/plugin.ts',
      'routes/c.ts -> app.ts',
      'auth/routes-d.ts -> app.ts',
      'rag/e.ts -> http/sse.ts',
      'db/queries/f.ts -> routes/deps.ts',
      'db/g.ts -> auth/plugin.ts',
      'rag/h.ts -> app.ts',
      'auth/l.ts -> http/zones.ts',
    ])
  })
})
