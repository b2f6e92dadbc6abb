// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest'
import { readSessionHint, safeNextPath, writeSessionHint } from './session-hint'

describe('session hint', () => {
  beforeEach(() => window.localStorage.clear())

  it('is unknown until written, then remembers in/out/expired', () => {
    expect(readSessionHint()).toBe('unknown')
    writeSessionHint('in')
    expect(readSessionHint()).toBe('in')
    writeSessionHint('expired')
    expect(readSessionHint()).toBe('expired')
    window.localStorage.setItem('rag-auth:session-hint', 'garbage')
    expect(readSessionHint()).toBe('unknown')
  })

  it('never stores anything that looks like a token', () => {
    writeSessionHint('in')
    expect(Object.keys(window.localStorage)).toEqual(['rag-auth:session-hint'])
    expect(document.cookie).toBe('')
  })
})

describe('safeNextPath', () => {
  it('keeps same-site paths with their query', () => {
    expect(safeNextPath('/chat/abc')).toBe('/chat/abc')
    expect(safeNextPath('/documents/1?chunk=2')).toBe('/documents/1?chunk=2')
  })

  it('refuses other sites, odd schemes and the auth pages', () => {
    for (const next of [
      null,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/%09/evil.example',
      '/\t/evil.example',
      '/%2F/evil.example',
      '/%5Cevil.example',
      '/ /evil.example',
      '/',
      'javascript:alert(1)',
    ]) {
      expect(safeNextPath(next)).toBe('/chat')
    }
    expect(safeNextPath('/sign-in?next=/x')).toBe('/chat')
    expect(safeNextPath('/sign-up')).toBe('/chat')
    expect(safeNextPath('/sign-industry')).toBe('/sign-industry')
  })

  it("refuses the server's own routes, however they are spelled", () => {
    for (const next of [
      '/api/auth/me',
      '/API/auth/me',
      '/%61pi/auth/me',
      '/%2561pi/auth/me',
      '/a%70i/auth/me',
      '/chat/../api/auth/me',
      '/chat/%2e%2e/api/auth/me',
      '/api',
      '/api?x=1',
      '/v1/models',
      '/V1/models',
      '/%76%31/models',
      '/health',
      '/Health',
      '/docs',
      '/docs/json',
      '/openapi.json',
      '/OpenAPI.JSON',
      '/%E0%A4%A',
    ]) {
      expect(safeNextPath(next), next).toBe('/chat')
    }
    for (const next of ['/documents/1', '/apiary', '/v10', '/healthy', '/docs-old', '/chat?q=/api']) {
      expect(safeNextPath(next), next).toBe(next)
    }
  })
})
