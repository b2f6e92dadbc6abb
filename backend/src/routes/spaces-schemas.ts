// Request and response schemas of contract §10 (validation, serialization and OpenAPI in one).
import { Type } from 'typebox'

const DateTime = Type.String({ format: 'date-time' })
const Uuid = Type.String({ format: 'uuid' })

export const SpaceKindSchema = Type.Union([
  Type.Literal('shared'),
  Type.Literal('personal'),
  Type.Literal('team'),
])
export const VisibilitySchema = Type.Union([Type.Literal('members'), Type.Literal('everyone')])
export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('owner')])

export const SpaceSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  kind: SpaceKindSchema,
  visibility: VisibilitySchema,
  role: RoleSchema,
  documents: Type.Integer({ minimum: 0, description: 'How many documents the space holds' }),
  created_at: DateTime,
})

export const SpaceList = Type.Object({ spaces: Type.Array(SpaceSchema) })

// A name must show something: at least one non-space character (it is stored trimmed).
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })
const Description = Type.String({ maxLength: 500 })

export const CreateSpaceBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    visibility: Type.Optional(VisibilitySchema),
  },
  { additionalProperties: false },
)

export const UpdateSpaceBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    visibility: Type.Optional(VisibilitySchema),
  },
  { additionalProperties: false },
)

export const SpaceIdParams = Type.Object({ id: Uuid })
export const MemberParams = Type.Object({ id: Uuid, user_id: Uuid })

export const MemberSchema = Type.Object({
  user_id: Type.Union([Uuid, Type.Null()], {
    description: 'null for a pending invitation (whether or not the email has an account)',
  }),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  status: Type.Union([Type.Literal('member'), Type.Literal('invited')]),
  added_at: DateTime,
})

export const MemberList = Type.Object({ members: Type.Array(MemberSchema) })

// The address is checked after trimming and lower-casing, as at sign-up; the schema bounds the raw size.
const RawEmail = Type.String({ minLength: 1, maxLength: 320 })

export const PutMemberBody = Type.Object(
  { email: RawEmail, role: RoleSchema },
  { additionalProperties: false },
)

export const Invited = Type.Object({ status: Type.Literal('invited') })

export const InvitationList = Type.Object({
  invitations: Type.Array(
    Type.Object({
      space_id: Uuid,
      space_name: Type.String(),
      role: RoleSchema,
      invited_by: Type.Union([Type.String({ description: "the inviter's email" }), Type.Null()]),
      created_at: DateTime,
    }),
  ),
})

export const WithdrawQuery = Type.Object({ email: RawEmail })
