import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openUrl, readyLine } from '../../src/lib/ready-line.js'

describe('the development ready line', () => {
  it('names a URL a browser on this machine can open', () => {
    assert.equal(openUrl('0.0.0.0', 7860), 'http://localhost:7860')
    assert.equal(openUrl('::', 7860), 'http://localhost:7860')
    assert.equal(openUrl('127.0.0.1', 8080), 'http://127.0.0.1:8080')
    assert.equal(openUrl('::1', 7860), 'http://[::1]:7860')
  })

  it('is one human line', () => {
    const line = readyLine('0.0.0.0', 7860)
    assert.equal(line, 'rag-auth is ready: open http://localhost:7860 in your browser (Ctrl+C to stop)\n')
    assert.equal(line.split('\n').length, 2)
  })
})
