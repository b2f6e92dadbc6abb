CREATE TABLE "space_invitations" (
	"space_id" uuid NOT NULL,
	"email" varchar(254) NOT NULL,
	"role" varchar(16) NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone DEFAULT (now() + interval '14 days') NOT NULL,
	CONSTRAINT "space_invitations_space_id_email_pk" PRIMARY KEY("space_id","email"),
	CONSTRAINT "space_invitations_role_check" CHECK ("role" in ('viewer', 'editor', 'owner'))
);
--> statement-breakpoint
ALTER TABLE "space_invitations" ADD CONSTRAINT "space_invitations_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_invitations" ADD CONSTRAINT "space_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "space_invitations_email_idx" ON "space_invitations" USING btree ("email","expires_at");--> statement-breakpoint
INSERT INTO "spaces" ("id", "name", "description", "kind", "visibility", "owner_id", "created_by")
SELECT gen_random_uuid(), 'My documents', '', 'personal', 'members', u."id", u."id" FROM "users" u
WHERE NOT EXISTS (SELECT 1 FROM "spaces" s WHERE s."kind" = 'personal' AND s."owner_id" = u."id");
