-- Two-factor sign-in (docs/api.md §13). users.mfa_enabled is read by the per-request session
-- lookup, so it lives on users; the secret and codes live in their own tables and go with the user.
ALTER TABLE "users" ADD COLUMN "mfa_enabled" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
-- One TOTP secret per user: pending (enabled_at null) between setup and enable, then active.
-- secret is AES-256-GCM ciphertext under a key derived from SECRET_KEY ('v1:' prefix), or the
-- base32 secret itself ('plain:') when no SECRET_KEY is configured (docs/auth.md).
-- last_step: the newest 30-second step accepted, so a code is accepted once (replay refused).
CREATE TABLE "mfa_totp" (
  "user_id" uuid PRIMARY KEY NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  "secret" text NOT NULL,
  "enabled_at" timestamp with time zone,
  "last_step" bigint,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Recovery codes: only a SHA-256 (HMAC with SECRET_KEY) of each 120-bit code is stored.
CREATE TABLE "mfa_recovery_codes" (
  "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  "code_hash" varchar(64) NOT NULL,
  "used_at" timestamp with time zone,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("user_id", "code_hash")
);
--> statement-breakpoint
-- The sign-in challenge between the password step and the code step: a hash of its token, its
-- expiry and the tries it has used.
CREATE TABLE "mfa_challenges" (
  "id" uuid PRIMARY KEY NOT NULL,
  "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  "token_hash" varchar(64) NOT NULL UNIQUE,
  "tries" integer DEFAULT 0 NOT NULL,
  "expires_at" timestamp with time zone NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "mfa_challenges_user_idx" ON "mfa_challenges" ("user_id");
--> statement-breakpoint
CREATE INDEX "mfa_challenges_expires_idx" ON "mfa_challenges" ("expires_at");
