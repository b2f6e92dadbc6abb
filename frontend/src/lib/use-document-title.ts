import { useEffect } from 'react'

/** Sets the tab title for the current page. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · rag-auth` : 'rag-auth'
  }, [title])
}
