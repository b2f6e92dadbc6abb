import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'

for (const kind of dbKinds()) {
  describe(`health [${kind}]`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(kind)
    })
    after(() => t.close())

    it('answers 200 with the contract body', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/health' })
      assert.equal(res.statusCode, 200)
      const body = json(res)
      assert.equal(body.status, 'healthy')
      assert.deepEqual(body.checks, { database: 'ok' })
      assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      assert.match(String(body.version), /^\d+\.\d+\.\d+/)
    })
  })
}
