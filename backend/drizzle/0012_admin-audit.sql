ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_sign_in_at" timestamp with time zone;--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"type" varchar(40) NOT NULL,
	"actor_id" uuid,
	"actor_email" varchar(254),
	"subject_id" uuid,
	"ip_address" varchar(45),
	"user_agent" varchar(255),
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at" DESC,"id" DESC);--> statement-breakpoint
CREATE INDEX "audit_events_type_at_idx" ON "audit_events" USING btree ("type","at" DESC,"id" DESC);--> statement-breakpoint
CREATE INDEX "audit_events_actor_at_idx" ON "audit_events" USING btree ("actor_id","at" DESC,"id" DESC);--> statement-breakpoint
CREATE INDEX "audit_events_subject_at_idx" ON "audit_events" USING btree ("subject_id","at" DESC,"id" DESC);
