import { useCallback, useState } from 'react'
import { useSearchParams } from 'react-router'

/**
 * A page's filter kept in its URL's query string (`name=value`; empty drops it), so a reload, a
 * shared link and Back bring the same list. Each change replaces the history entry rather than
 * adding one per keystroke. The value is also held here, so a field typed into is never behind
 * the router's (transition) update; a change that did not come from here (Back, forward) is taken.
 */
export function useQueryParam(name: string): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams()
  const inUrl = params.get(name) ?? ''
  const [value, setValue] = useState(inUrl)
  const [written, setWritten] = useState(inUrl)
  if (inUrl !== written) {
    setWritten(inUrl)
    setValue(inUrl)
  }
  const set = useCallback(
    (next: string) => {
      setValue(next)
      setWritten(next)
      setParams(
        (previous) => {
          const query = new URLSearchParams(previous)
          if (next) query.set(name, next)
          else query.delete(name)
          return query
        },
        { replace: true },
      )
    },
    [name, setParams],
  )
  return [value, set]
}
