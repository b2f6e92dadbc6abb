import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { Suspense } from 'react'
import { BrowserRouter, Navigate, Route, Routes } from 'react-router'
import { Loading } from './components/spinner'
import {
  AccountPage,
  AdminAuditPage,
  AdminDocumentsPage,
  AdminFeedbackPage,
  AdminUsersPage,
  ChatPage,
  DocumentPage,
  SpacePage,
  SpacesPage,
} from './lazy-pages'
import { ApiError } from './lib/api-error'
import { SessionWatcher } from './lib/auth'
import { ForgotPasswordPage } from './pages/forgot-password-page'
import { NotFoundPage } from './pages/not-found-page'
import { ResetPasswordPage } from './pages/reset-password-page'
import { SignInPage } from './pages/sign-in-page'
import { SignUpPage } from './pages/sign-up-page'
import { ConfirmEmailPage, VerifyEmailPage } from './pages/verify-email-page'

/** Client errors (4xx) will not get better by asking again; network blips and 5xx get one retry. */
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status < 500) return false
  return failures < 1
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache(),
    defaultOptions: {
      queries: { retry, refetchOnWindowFocus: false, staleTime: 15_000 },
      mutations: { retry: false },
    },
  })
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionWatcher />
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Navigate to="/chat" replace />} />
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/sign-up" element={<SignUpPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="/verify-email" element={<VerifyEmailPage />} />
            <Route path="/confirm-email" element={<ConfirmEmailPage />} />
            <Route path="/chat/:conversationId?" element={<ChatPage />} />
            <Route path="/documents/:documentId" element={<DocumentPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/spaces" element={<SpacesPage />} />
            <Route path="/spaces/:spaceId" element={<SpacePage />} />
            <Route path="/admin/documents" element={<AdminDocumentsPage />} />
            <Route path="/admin/feedback" element={<AdminFeedbackPage />} />
            <Route path="/admin/users" element={<AdminUsersPage />} />
            <Route path="/admin/audit" element={<AdminAuditPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </QueryClientProvider>
  )
}
