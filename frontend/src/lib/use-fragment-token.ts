import { useEffect, useState } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { parseFragmentToken, withoutFragment } from './fragment-token'

/**
 * The one-time token of this page's `#token=…`, after which the fragment is replaced away so the
 * token stays in neither the address bar nor the history. A second link opened in the same tab
 * changes only the fragment (no page load): its token replaces the first.
 */
export function useFragmentToken(): string | null {
  const location = useLocation()
  const navigate = useNavigate()
  const [token, setToken] = useState(() => parseFragmentToken(location.hash))
  useEffect(() => {
    if (!location.hash) return
    const fresh = parseFragmentToken(location.hash)
    if (fresh) setToken(fresh)
    navigate(withoutFragment(location), { replace: true })
  }, [location, navigate])
  return token
}
