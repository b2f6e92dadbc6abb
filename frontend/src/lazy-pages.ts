import { lazy } from 'react'

// Signed-in pages load on demand (Markdown rendering is most of the bundle), so the sign-in
// pages are instant; they call `preloadSignedInPages` so /chat is ready when the user is.
const loadChat = () => import('./pages/chat-page')
const loadDocument = () => import('./pages/document-page')

export const ChatPage = lazy(() => loadChat().then((m) => ({ default: m.ChatPage })))
export const DocumentPage = lazy(() => loadDocument().then((m) => ({ default: m.DocumentPage })))
export const AccountPage = lazy(() =>
  import('./pages/account-page').then((m) => ({ default: m.AccountPage })),
)
export const AdminDocumentsPage = lazy(() =>
  import('./pages/admin-documents-page').then((m) => ({ default: m.AdminDocumentsPage })),
)

export const SpacesPage = lazy(() => import('./pages/spaces-page').then((m) => ({ default: m.SpacesPage })))
export const SpacePage = lazy(() => import('./pages/space-page').then((m) => ({ default: m.SpacePage })))

export const AdminFeedbackPage = lazy(() =>
  import('./pages/admin-feedback-page').then((m) => ({ default: m.AdminFeedbackPage })),
)

export function preloadSignedInPages(): void {
  void loadChat().catch(() => undefined)
  void loadDocument().catch(() => undefined)
}
