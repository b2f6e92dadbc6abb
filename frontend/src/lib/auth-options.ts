import { useQuery } from '@tanstack/react-query'
import { api } from './api'
import type { AuthOptions } from './types'

export const OPTIONS_KEY = ['auth-options'] as const

/**
 * What this server offers (docs/api.md §12: sign-up mode, email, verification, reset). Fixed for
 * the server's life, so it is asked once per page load. Undefined while loading or when the server
 * cannot say: the UI then offers nothing that depends on email.
 */
export function useAuthOptions(): AuthOptions | undefined {
  const query = useQuery({
    queryKey: OPTIONS_KEY,
    queryFn: api.options,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
  })
  return query.data
}
