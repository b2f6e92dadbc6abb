import { QueryClient, QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { ME_KEY, refreshUser } from './auth'

/** A server whose user changes while a first `me` request is still on its way back. */
function slowServer() {
  let verified = false
  let calls = 0
  const queryFn = async () => {
    calls++
    const answer = { email_verified: verified } // read when the request arrives
    await new Promise((r) => setTimeout(r, 50))
    return answer
  }
  return {
    queryFn,
    verify: () => {
      verified = true
    },
    calls: () => calls,
  }
}

describe('refreshUser', () => {
  it('does not keep a user read before the change by a request still in flight', async () => {
    const server = slowServer()
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
    const observer = new QueryObserver(client, { queryKey: ME_KEY, queryFn: server.queryFn })
    const unsubscribe = observer.subscribe(() => {}) // the page's useAuth: an active query, first fetch under way
    await new Promise((r) => setTimeout(r, 10))
    server.verify() // the link's POST commits while that request is on its way back
    await refreshUser(client)
    await new Promise((r) => setTimeout(r, 120))
    expect(client.getQueryData(ME_KEY)).toEqual({ email_verified: true })
    expect(server.calls()).toBe(2)
    unsubscribe()
    client.clear()
  })
})
