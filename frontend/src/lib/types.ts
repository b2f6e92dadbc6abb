/** Response shapes from the HTTP contract (`/work/shared/contract/API.md` §3, §7, §8). */

export type Role = 'user' | 'admin'

export interface User {
  id: string
  email: string
  name: string | null
  role: Role
  email_verified: boolean
  mfa_enabled: boolean
  created_at: string
}

export interface Me {
  user: User
  session: { id: string; created_at: string; expires_at: string }
}

export interface AuthResult {
  user: User
  session: { expires_at: string }
}

export interface SessionInfo {
  id: string
  created_at: string
  expires_at: string
  last_used_at: string | null
  ip_address: string | null
  user_agent: string | null
  current: boolean
}

export interface Citation {
  index: number
  document_id: string
  chunk_id: string
  /** The space the cited document lives in (§8). */
  space_id?: string
  title: string
  source: string | null
  heading: string | null
  snippet: string
}

export type Rating = 'up' | 'down'

export interface Feedback {
  rating: Rating
  comment: string | null
}

export interface ChatMessage {
  id: string
  role: 'user' | 'assistant'
  content: string
  citations: Citation[]
  feedback?: Feedback | null
  mode?: AnswerMode | null
  created_at: string
}

export interface FeedbackItem {
  message_id: string
  conversation_id: string
  user_email: string
  question: string
  answer: string
  citations: Citation[]
  rating: Rating
  comment: string | null
  created_at: string
}

export interface FeedbackPage {
  feedback: FeedbackItem[]
  next_cursor: string | null
}

export interface ConversationSummary {
  id: string
  title: string | null
  /** The spaces its answers draw on; null = the caller's default scope (§8). */
  space_ids?: string[] | null
  created_at: string
  updated_at: string
}

export interface ConversationPage {
  conversations: ConversationSummary[]
  next_cursor: string | null
}

export interface Conversation {
  id: string
  title: string | null
  space_ids?: string[] | null
  created_at: string
  messages: ChatMessage[]
}

export type AnswerMode = 'llm' | 'extractive'

export interface DocumentSummary {
  id: string
  title: string
  source: string | null
  space_id?: string
  chunks: number
  created_at: string
}

export interface DocumentChunk {
  id: string
  ordinal: number
  heading: string | null
  content: string
}

export interface DocumentDetail {
  id: string
  title: string
  source: string | null
  space_id?: string
  created_at: string
  chunks: DocumentChunk[]
}

export interface UploadResult {
  id: string
  title: string
  source: string | null
  space_id?: string
  chunks: number
  created_at: string
}
