import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useRef, useState } from 'react'
import { useNavigate } from 'react-router'
import { describeError, formErrors } from '../lib/error-messages'
import { formatDate } from '../lib/format'
import { ROLE_HINTS, ROLE_WORDS, sortMembers } from '../lib/spaces'
import { type Space, type SpaceMember, type SpaceRole, spacesApi } from '../lib/spaces-api'
import type { User } from '../lib/types'
import { membersKey } from '../lib/use-spaces'
import { ConfirmAction } from './confirm-action'
import { FormError, Notice } from './form-error'
import { Loading } from './spinner'
import { TextField } from './text-field'

const ROLES: SpaceRole[] = ['viewer', 'editor', 'owner']

/**
 * Members of a team space, for its owners (§10): `Member email` + `Role` + `Add member` (a current
 * member gets the new role; anyone else an invitation), and one `Remove` per member or pending
 * invitation, inside that person's list item.
 */
export function SpaceMembers({ space, user }: { space: Space; user: User }) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const members = useQuery({ queryKey: membersKey(space.id), queryFn: () => spacesApi.members(space.id) })
  const refresh = () => queryClient.invalidateQueries({ queryKey: membersKey(space.id) })
  const headingRef = useRef<HTMLHeadingElement>(null)
  const remove = useMutation({
    mutationFn: async (member: SpaceMember) => {
      if (member.status === 'invited' || !member.user_id) {
        await spacesApi.withdrawInvitation({ spaceId: space.id, email: member.email })
      } else {
        await spacesApi.removeMember({ spaceId: space.id, userId: member.user_id })
      }
    },
    onSuccess: async (_void, member) => {
      if (member.user_id === user.id) {
        // Removing yourself is leaving: unless you are an admin, the space is no longer yours to open.
        await queryClient.invalidateQueries({ queryKey: ['spaces'] })
        navigate('/spaces')
        return
      }
      // The removed member's item takes the focused Remove with it: focus goes to the heading.
      headingRef.current?.focus()
      await refresh()
    },
  })
  const list = sortMembers(members.data ?? [])
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title" ref={headingRef} tabIndex={-1}>
        Members
      </h2>
      <p className="muted">
        People you add are invited: the space's documents reach their answers only after they accept on their
        Spaces page.
      </p>
      <AddMemberForm spaceId={space.id} onDone={refresh} />
      {members.isPending ? <Loading label="Loading members…" /> : null}
      <FormError message={members.error ? describeError(members.error) : null} />
      <FormError message={remove.error ? describeError(remove.error) : null} />
      <ul className="member-list" aria-label="Members">
        {list.map((member) => (
          <MemberItem
            key={`${member.status}-${member.user_id ?? member.email}`}
            member={member}
            self={member.user_id === user.id}
            onRemove={() => remove.mutate(member)}
            removing={remove.isPending && remove.variables === member}
          />
        ))}
      </ul>
    </section>
  )
}

function MemberItem({
  member,
  self,
  onRemove,
  removing,
}: {
  member: SpaceMember
  self: boolean
  onRemove: () => void
  removing: boolean
}) {
  const id = useId()
  const invited = member.status === 'invited'
  const who = member.name ? `${member.name} (${member.email})` : member.email
  return (
    <li className="member-item" aria-labelledby={`${id}-name`}>
      <div className="member-info">
        <p className="member-name" id={`${id}-name`}>
          {member.email}
        </p>
        <p className="muted member-details">
          {member.name ? <span>{member.name}</span> : null}
          <span>{ROLE_WORDS[member.role]}</span>
          {invited ? (
            <span className="badge badge-pending">Invited</span>
          ) : (
            <span>Added {formatDate(member.added_at)}</span>
          )}
          {self ? <span className="badge">You</span> : null}
        </p>
      </div>
      <ConfirmAction
        label="Remove"
        confirmLabel="Confirm remove"
        question={removeQuestion(invited, self)}
        onConfirm={onRemove}
        busy={removing}
        className="button button-quiet button-danger-text"
        title={invited ? `Withdraw the invitation to ${who}` : `Remove ${who} from this space`}
      />
    </li>
  )
}

/** What `Remove` asks first: removing yourself is leaving the space. */
function removeQuestion(invited: boolean, self: boolean): string {
  if (invited) return 'Withdraw this invitation?'
  if (self) return 'Remove yourself? You leave this space.'
  return 'Remove this member? The space stops reaching their answers.'
}

function AddMemberForm({ spaceId, onDone }: { spaceId: string; onDone: () => Promise<unknown> }) {
  const id = useId()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<SpaceRole>('viewer')
  const [notice, setNotice] = useState<string | null>(null)
  const add = useMutation({
    mutationFn: spacesApi.putMember,
    onSuccess: async (outcome, input) => {
      // Keep an address typed while this one was being sent.
      setEmail((current) => (current.trim() === input.email ? '' : current))
      setNotice(
        outcome.kind === 'invited'
          ? `Invitation sent to ${input.email} as ${ROLE_WORDS[input.role].toLowerCase()}. It lasts 14 days.`
          : `${input.email} is now ${ROLE_WORDS[outcome.member.role].toLowerCase()}.`,
      )
      await onDone()
    },
  })
  const errors = add.error ? formErrors(add.error) : null
  const blocked = add.isPending || email.trim() === ''
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (blocked) return
    setNotice(null)
    add.mutate({ spaceId, email: email.trim(), role })
  }
  return (
    <form className="form member-form" onSubmit={submit} noValidate>
      <div className="member-form-fields">
        <TextField
          label="Member email"
          type="email"
          name="email"
          autoComplete="off"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors?.fields.email}
        />
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as SpaceRole)}
            aria-describedby={`${id}-role-hint`}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
          <p id={`${id}-role-hint`} className="field-hint">
            {ROLE_WORDS[role]}: {ROLE_HINTS[role]}.
          </p>
        </div>
      </div>
      <FormError message={errors?.form} />
      <Notice message={notice} />
      {/* aria-disabled, not disabled: the field is emptied once an invitation is sent, and a
          focused button that becomes disabled drops keyboard focus to the page's start. */}
      <button
        type="submit"
        className="button button-primary"
        aria-disabled={blocked || undefined}
        aria-busy={add.isPending}
      >
        Add member
      </button>
    </form>
  )
}
