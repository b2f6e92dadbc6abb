// "How much can I spend on a taxi?" over an expenses table that never says "spend": the price
// question's verb is scaffolding in the search (not searched, so the relevance floor passes on
// "taxi") and in the answer (the row with the price answers it).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { answerQuestion } from '../../src/cli/eval-answers.js'
import { testConfig } from '../../src/config.js'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { NO_CONTEXT_ANSWER } from '../../src/rag/answer.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { questionQuery } from '../../src/rag/retrieve.js'
import type { RagContext } from '../../src/rag/types.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

const HANDBOOK = `# Employee handbook

## Expenses

Travel booked through the travel desk is paid directly. Other work expenses are reimbursed when you
submit the receipt in the HR portal within 60 days. Alcohol is never reimbursed.

| Item | Limit |
| --- | --- |
| Hotel per night | 150 euros |
| Meals per day | 40 euros |
| Taxi per trip | 50 euros |

## Equipment

Every employee gets a laptop and a phone. Lost or stolen equipment must be reported to IT within 24
hours.
`

describe('questionQuery', () => {
  const searched = (q: string) => questionQuery(q).split(/\s+/).filter(Boolean).join(' ')
  it('drops the verb a "how much" question asks the price with, and keeps the kind of answer', () => {
    assert.equal(searched('How much can I spend on a taxi?'), 'How I on a taxi?')
    assert.equal(searched('How much do I pay for a hotel?'), 'How do I for a hotel?')
    // "big" names no thing a passage says ("up to 20 MiB").
    assert.equal(searched('How big can a file be?'), 'How a file be?')
    // Elsewhere the verb is what is asked about; "year" names the answer and passages say it.
    assert.equal(searched('Who pays for the hotel?'), 'Who pays for the hotel?')
    assert.equal(searched('In what year did the war end?'), 'In what year did the war end?')
  })
})

for (const kind of dbKinds()) {
  describe(`a price asked with another verb [${kind}]`, () => {
    let tdb: TestDatabase
    let ctx: RagContext
    before(async () => {
      tdb = await createTestDatabase(kind)
      ctx = createRagContext(tdb.db, testConfig())
      await ingestDocument(ctx, { title: 'Employee handbook', content: HANDBOOK, format: 'markdown' })
    })
    after(async () => {
      await tdb.cleanup()
    })

    it('answers with the row that states the price', async () => {
      for (const question of ['How much can I spend on a taxi?', 'How much do I pay for a taxi?']) {
        const out = await answerQuestion(ctx, question, [], [SHARED_LIBRARY_ID])
        assert.match(out.content, /Taxi per trip, Limit: 50 euros \[1\]/, question)
        assert.equal(out.citations.length, 1, question)
      }
    })

    it('still refuses a price the documents do not state', async () => {
      const out = await answerQuestion(
        ctx,
        'How much can I spend on a train ticket?',
        [],
        [SHARED_LIBRARY_ID],
      )
      assert.equal(out.content, NO_CONTEXT_ANSWER)
    })
  })
}
