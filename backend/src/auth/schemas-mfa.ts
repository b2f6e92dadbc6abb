// Request and response schemas of two-factor sign-in, re-authentication and account deletion (§13).
import { Type } from 'typebox'

const DateTime = Type.String({ format: 'date-time' })
const AnyPassword = Type.String({ minLength: 1, maxLength: 1024 })
// A TOTP code (6 digits, spaces allowed) or a recovery code (24 letters, dashes allowed).
const Code = Type.String({ minLength: 1, maxLength: 64 })

export const MfaRequiredResponse = Type.Object({
  mfa_required: Type.Literal(true),
  challenge: Type.String(),
  expires_at: DateTime,
})

export const PasswordBody = Type.Object({ password: AnyPassword }, { additionalProperties: false })

export const CodeBody = Type.Object({ code: Code }, { additionalProperties: false })

export const PasswordCodeBody = Type.Object(
  { password: AnyPassword, code: Code },
  { additionalProperties: false },
)

export const SignInMfaBody = Type.Object(
  { challenge: Type.String({ minLength: 1, maxLength: 128 }), code: Code },
  { additionalProperties: false },
)

export const TotpSetupResponse = Type.Object({
  secret: Type.String({ description: 'base32, 160 bits' }),
  otpauth_url: Type.String(),
  qr_svg: Type.String({ description: 'an SVG document' }),
})

export const RecoveryCodesResponse = Type.Object({
  recovery_codes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }),
})
