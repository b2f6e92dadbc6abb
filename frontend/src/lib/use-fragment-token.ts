import { useEffect, useState } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { parseFragmentToken, withoutFragment } from './fragment-token'

/**
 * The one-time token of this page's `#token=…` (read once, on the first render), after which the
 * fragment is replaced away so the token stays in neither the address bar nor the history.
 */
export function useFragmentToken(): string | null {
  const location = useLocation()
  const navigate = useNavigate()
  const [token] = useState(() => parseFragmentToken(location.hash))
  useEffect(() => {
    if (location.hash) navigate(withoutFragment(location), { replace: true })
  }, [location, navigate])
  return token
}
