import { Link } from 'react-router'
import { useDocumentTitle } from '../lib/use-document-title'

export function NotFoundPage() {
  useDocumentTitle('Not found')
  return (
    <main id="main" className="auth-page">
      <section className="auth-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link to="/chat" className="button button-primary button-block">
          Go to chat
        </Link>
      </section>
    </main>
  )
}
