import { useInfiniteQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { AdminPage } from '../components/admin-page'
import { AUDIT_EVENT_WORDS, detailsText, EventWhereWhen, eventWords } from '../components/audit-event'
import { FormError } from '../components/form-error'
import { LoadMore } from '../components/load-more'
import { Loading } from '../components/spinner'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import type { AuditEvent } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'
import { useQueryParam } from '../lib/use-query-param'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function AdminAuditPage() {
  return (
    <AdminPage title="Audit log" refusal="Only administrators can read the audit log.">
      {() => <AdminAuditView />}
    </AdminPage>
  )
}

function AdminAuditView() {
  useDocumentTitle('Audit log')
  const typeId = useId()
  const userFieldId = useId()
  // Both filters live in the URL (?type=…&user_id=…): a reload or Back keeps them. A type this
  // page does not know (an old or edited link) filters nothing.
  const [typeParam, setType] = useQueryParam('type')
  const type = Object.hasOwn(AUDIT_EVENT_WORDS, typeParam) ? typeParam : ''
  const [userId, setUserId] = useQueryParam('user_id')
  // Only a whole id filters (a partial one would be refused by the API).
  const filterUser = UUID.test(userId.trim()) ? userId.trim() : ''
  // Anything else (an email, half an id) filters nothing: say so, rather than let the whole log
  // pass for that user's events.
  const userIdError =
    userId.trim() && !filterUser
      ? 'Not a whole user id, so the list is not filtered by user. Paste an id as shown after “Account” on an event.'
      : null
  const userErrorId = `${userFieldId}-error`
  const list = useInfiniteQuery({
    queryKey: ['admin-audit', type, filterUser],
    queryFn: ({ pageParam }) => api.audit({ type, userId: filterUser }, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const events = list.data?.pages.flatMap((page) => page.events) ?? []
  return (
    <div className="page admin-page">
      <h1>Audit log</h1>
      <p className="muted">Sign-ins and changes to accounts, newest first.</p>
      <div className="feedback-toolbar">
        <div className="field field-inline">
          <label htmlFor={typeId}>Event type</label>
          <select id={typeId} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">All</option>
            {Object.entries(AUDIT_EVENT_WORDS).map(([value, words]) => (
              <option key={value} value={value}>
                {words}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor={userFieldId}>User id</label>
          <input
            id={userFieldId}
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            autoComplete="off"
            aria-invalid={userIdError ? true : undefined}
            aria-describedby={userIdError ? userErrorId : undefined}
          />
        </div>
      </div>
      {userIdError ? (
        <p id={userErrorId} className="field-error" role="alert">
          {userIdError}
        </p>
      ) : null}
      {list.isPending ? <Loading label="Loading events…" /> : null}
      <FormError message={list.error ? describeError(list.error) : null} />
      {list.isSuccess && events.length === 0 ? <p className="muted">No events.</p> : null}
      <ul className="audit-list" aria-label="Audit events">
        {events.map((e) => (
          <AuditItem key={e.id} event={e} />
        ))}
      </ul>
      <LoadMore list={list} />
    </div>
  )
}

function AuditItem({ event }: { event: AuditEvent }) {
  const details = detailsText(event.details)
  return (
    <li className="card audit-item">
      <p>
        <strong>{eventWords(event.type)}</strong>{' '}
        <EventWhereWhen at={event.at} ip={event.ip_address} userAgent={event.user_agent} />
      </p>
      <p className="muted">
        {event.actor_email ? <>By {event.actor_email}. </> : null}
        {event.subject_id ? <>Account {event.subject_id}.</> : null}
      </p>
      {details ? <p className="muted">{details}</p> : null}
    </li>
  )
}
