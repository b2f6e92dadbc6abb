-- Emails are stored in Unicode NFC (auth/email.ts normalizeEmail): an address typed with a
-- decomposed accent (e + U+0301) was stored as typed, a second account beside the composed one, and
-- is now looked up composed. Existing rows are respelled, unless the composed spelling is taken
-- already (then both stay as they are, for the operator to merge; the decomposed one can still
-- reset its password by the link in its own mail). Links and invitations follow their address.
UPDATE "users" AS u SET "email" = normalize(u."email", NFC)
WHERE u."email" IS NOT NFC NORMALIZED
  AND (SELECT count(*) FROM "users" AS o WHERE normalize(o."email", NFC) = normalize(u."email", NFC)) = 1;
--> statement-breakpoint
UPDATE "email_tokens" AS t SET "email" = u."email"
FROM "users" AS u
WHERE t."user_id" = u."id" AND t."email" <> u."email" AND normalize(t."email", NFC) = u."email";
--> statement-breakpoint
UPDATE "email_tokens" SET "new_email" = normalize("new_email", NFC)
WHERE "new_email" IS NOT NULL AND "new_email" IS NOT NFC NORMALIZED;
--> statement-breakpoint
UPDATE "space_invitations" AS i SET "email" = normalize(i."email", NFC)
WHERE i."email" IS NOT NFC NORMALIZED
  AND (SELECT count(*) FROM "space_invitations" AS o
       WHERE o."space_id" = i."space_id" AND normalize(o."email", NFC) = normalize(i."email", NFC)) = 1;
