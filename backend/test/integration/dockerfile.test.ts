// The Dockerfile keeps the promises of docs/api.md §1 (there is no Docker engine here to build it:
// `npm run image:smoke` replays its steps; this test pins the file itself).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const text = readFileSync(`${ROOT}Dockerfile`, 'utf8')

interface Instruction {
  op: string
  args: string
}

function parse(dockerfile: string): { args: Record<string, string>; stages: Instruction[][] } {
  const args: Record<string, string> = {}
  const stages: Instruction[][] = []
  for (const raw of dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.trim()
    const m = /^(\w+)\s+(.*)$/.exec(line)
    if (!m || line.startsWith('#')) continue
    const op = (m[1] as string).toUpperCase()
    const rest = (m[2] as string).trim()
    if (op === 'ARG' && stages.length === 0) {
      const [k, v = ''] = rest.split('=')
      args[k as string] = v
    } else if (op === 'FROM') stages.push([{ op, args: rest }])
    else stages.at(-1)?.push({ op, args: rest })
  }
  return { args, stages }
}

const { args, stages } = parse(text)
const final = stages.at(-1) ?? []
const all = (op: string) => final.filter((i) => i.op === op).map((i) => i.args)
const env: Record<string, string> = {}
for (const e of all('ENV')) {
  for (const pair of e.match(/(\w+)=("[^"]*"|\S*)/g) ?? []) {
    const i = pair.indexOf('=')
    env[pair.slice(0, i)] = pair.slice(i + 1).replace(/^"(.*)"$/, '$1')
  }
}
const image = (from: string) => from.split(/\s+/)[0]?.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '')

describe('Dockerfile', () => {
  it('is multi-stage on a supported Node LTS slim base (22 or 24)', () => {
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage')
    for (const s of stages) {
      const from = image(s[0]?.args ?? '') ?? ''
      assert.match(from, /^node:(22|24)([.\d]*)-(bookworm-|trixie-)?slim(@sha256:[0-9a-f]{64})?$/, from)
    }
  })

  it('builds both workspaces after a clean install, and prunes dev dependencies', () => {
    const runs = (stages[0] ?? []).filter((i) => i.op === 'RUN').map((i) => i.args)
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r))
    const build = runs.findIndex((r) => /\bnpm run build\b/.test(r))
    assert.ok(ci >= 0 && build >= ci, 'npm ci, then npm run build')
    const prunes = runs.some((r) => /npm prune --omit=dev/.test(r)) || text.includes('npm ci --omit=dev')
    assert.ok(prunes, 'dev dependencies are pruned')
  })

  it('has patches/ in place before npm ci, whose postinstall applies them', () => {
    const build = stages[0] ?? []
    const copy = build.findIndex((i) => i.op === 'COPY' && /^patches\s+patches\/?$/.test(i.args))
    const ci = build.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args))
    assert.ok(copy >= 0 && copy < ci, 'COPY patches patches before RUN npm ci')
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }
    // --error-on-fail: a patch that no longer applies stops the install (and the image build).
    assert.equal(pkg.scripts.postinstall, 'patch-package --error-on-fail')
    assert.ok(existsSync(`${ROOT}patches/postgres+3.4.9.patch`))
    assert.ok(existsSync(`${ROOT}patches/sonic-boom+4.2.1.patch`))
  })

  it('sets the image defaults of docs/api.md §1', () => {
    assert.deepEqual(
      {
        NODE_ENV: env.NODE_ENV,
        PORT: env.PORT,
        TRUST_PROXY: env.TRUST_PROXY,
        COOKIE_SAMESITE: env.COOKIE_SAMESITE,
        COOKIE_PARTITIONED: env.COOKIE_PARTITIONED,
        FRAME_ANCESTORS: env.FRAME_ANCESTORS,
        DATA_DIR: env.DATA_DIR,
      },
      {
        NODE_ENV: 'production',
        PORT: '7860',
        TRUST_PROXY: '1',
        COOKIE_SAMESITE: 'none',
        COOKIE_PARTITIONED: 'true',
        FRAME_ANCESTORS: 'https://huggingface.co',
        DATA_DIR: '/data',
      },
    )
  })

  it('works in /app (the DATA_DIR fallback is /app/data, writable by the runtime user)', () => {
    assert.deepEqual(all('WORKDIR').at(-1), '/app')
    assert.ok(
      all('RUN').some(
        (r) => /mkdir -p \/app\/data/.test(r) && /chown (node|1000)(:(node|1000))? \/app\/data/.test(r),
      ),
      '/app/data is created and owned by the runtime user',
    )
  })

  it('runs as a non-root user with uid 1000', () => {
    const user = all('USER').at(-1)
    // The node images' `node` user is uid 1000 (the uid Hugging Face runs Spaces with).
    assert.ok(user === 'node' || user === '1000' || user === '1000:1000', `USER ${user}`)
  })

  it('exposes 7860, checks /health with node, and starts the built server', () => {
    assert.deepEqual(all('EXPOSE'), ['7860'])
    const hc = all('HEALTHCHECK').at(-1) ?? ''
    assert.match(hc, /\bCMD\b/)
    assert.match(hc, /\/health/)
    assert.match(hc, /"node"|\bnode\b/)
    assert.doesNotMatch(hc, /\bcurl\b|\bwget\b/, 'slim images have neither curl nor wget')
    assert.deepEqual(JSON.parse(all('CMD').at(-1) ?? '[]'), ['node', 'backend/dist/server.js'])
  })

  it('has a .dockerignore that keeps artefacts and secrets out of the build context', () => {
    const ignore = readFileSync(`${ROOT}.dockerignore`, 'utf8')
    for (const p of ['node_modules', 'dist', 'data', '.git', '.env']) {
      assert.ok(
        ignore.split('\n').some((l) => l.trim() === p || l.trim() === `**/${p}`),
        `.dockerignore lists ${p}`,
      )
    }
    assert.ok(existsSync(`${ROOT}package-lock.json`), 'npm ci needs the lock file')
  })
})
