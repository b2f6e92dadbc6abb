-- Accounts made before this column cannot all be told apart: the CLI recorded nothing that a
-- sign-up did not. Those the operator made admins (stored role 'admin': `create --admin` or
-- `promote`) are vouched for and count as verified; every other existing account is unverified, so
-- an ADMIN_EMAILS address someone registered first no longer makes them an admin (README, Deviations).
ALTER TABLE "users" ADD COLUMN "email_verified" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
UPDATE "users" SET "email_verified" = true WHERE "role" = 'admin';
