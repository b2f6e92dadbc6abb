// Answer quality does not regress: the committed SQuAD 2.0 dev half (eval/squad2-dev) answered
// through the chat's own path (no LLM), against the figures recorded in eval/answer-baseline.json
// (bench/RESULTS.md); and the demo-corpus question set keeps at least its recorded count right.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import {
  evalDemo,
  evalSquad,
  ingestSquad,
  readDemoQuestions,
  SQUAD_COMMITTED,
} from '../../src/cli/eval-answers.js'
import { testConfig } from '../../src/config.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { createRagContext } from '../../src/rag/context.js'
import { loadDemoCorpus } from '../../src/rag/demo-corpus.js'

const BASELINE = JSON.parse(
  readFileSync(new URL('../../eval/answer-baseline.json', import.meta.url), 'utf8'),
) as {
  squad2: { containsGold: number; citesGold: number; refusedUnanswerable: number }
  demo: { right: number }
}
const TOLERANCE = 0.02

describe('answer evaluation', () => {
  let db: Database
  before(async () => {
    db = await openDatabase({ databaseUrl: null, pgliteDir: null })
    await migrate(db)
  })
  after(() => db?.close())

  it('squad2-dev: contains gold, cites gold and refuses unanswerable no worse than recorded', async () => {
    const ctx = createRagContext(db, testConfig())
    await ingestSquad(ctx, SQUAD_COMMITTED)
    const r = await evalSquad(ctx, SQUAD_COMMITTED)
    assert.equal(r.answerable + r.unanswerable, 251)
    for (const key of ['containsGold', 'citesGold', 'refusedUnanswerable'] as const) {
      assert.ok(
        r[key] >= BASELINE.squad2[key] - TOLERANCE,
        `${key} ${r[key].toFixed(3)} < ${BASELINE.squad2[key]} - ${TOLERANCE}`,
      )
    }
  })

  it('demo corpus: no fewer questions right (answered, or refused when the corpus does not say) than recorded', async () => {
    const demo = await openDatabase({ databaseUrl: null, pgliteDir: null })
    try {
      await migrate(demo)
      const ctx = createRagContext(demo, testConfig({ DEMO_CORPUS: 'true' }))
      await loadDemoCorpus(ctx)
      const results = await evalDemo(ctx, readDemoQuestions())
      const wrong = results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.problems.join('; ')}`)
      assert.ok(results.length >= 40)
      assert.ok(results.length - wrong.length >= BASELINE.demo.right, wrong.join('\n'))
    } finally {
      await demo.close()
    }
  })
})
