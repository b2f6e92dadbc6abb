CREATE TABLE "spaces" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"description" varchar(500) DEFAULT '' NOT NULL,
	"kind" varchar(16) NOT NULL,
	"visibility" varchar(16) DEFAULT 'members' NOT NULL,
	"owner_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spaces_kind_check" CHECK ("kind" in ('shared', 'personal', 'team')),
	CONSTRAINT "spaces_visibility_check" CHECK ("visibility" in ('members', 'everyone'))
);
--> statement-breakpoint
CREATE TABLE "space_members" (
	"space_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" varchar(16) NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "space_members_space_id_user_id_pk" PRIMARY KEY("space_id","user_id"),
	CONSTRAINT "space_members_role_check" CHECK ("role" in ('viewer', 'editor', 'owner'))
);
--> statement-breakpoint
CREATE TABLE "space_terms" (
	"space_id" uuid NOT NULL,
	"lexeme" text NOT NULL,
	"df" integer NOT NULL,
	CONSTRAINT "space_terms_space_id_lexeme_pk" PRIMARY KEY("space_id","lexeme")
);
--> statement-breakpoint
CREATE TABLE "space_stats" (
	"space_id" uuid PRIMARY KEY NOT NULL,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"total_terms" double precision DEFAULT 0 NOT NULL,
	"weights_avgdl" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "spaces" ADD CONSTRAINT "spaces_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spaces" ADD CONSTRAINT "spaces_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_members" ADD CONSTRAINT "space_members_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_members" ADD CONSTRAINT "space_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_terms" ADD CONSTRAINT "space_terms_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_stats" ADD CONSTRAINT "space_stats_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "spaces_one_shared_idx" ON "spaces" USING btree ("kind") WHERE "kind" = 'shared';--> statement-breakpoint
CREATE UNIQUE INDEX "spaces_personal_owner_idx" ON "spaces" USING btree ("owner_id") WHERE "kind" = 'personal';--> statement-breakpoint
CREATE INDEX "space_members_user_idx" ON "space_members" USING btree ("user_id","space_id");--> statement-breakpoint
INSERT INTO "spaces" ("id", "name", "description", "kind", "visibility")
VALUES ('00000000-0000-7000-8000-000000000001', 'Shared library', 'Documents every signed-in user can read', 'shared', 'everyone');--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "space_id" uuid;--> statement-breakpoint
UPDATE "documents" SET "space_id" = '00000000-0000-7000-8000-000000000001';--> statement-breakpoint
ALTER TABLE "documents" ALTER COLUMN "space_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
DROP INDEX "documents_content_hash_idx";--> statement-breakpoint
DROP INDEX "documents_source_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "documents_space_hash_idx" ON "documents" USING btree ("space_id","content_hash");--> statement-breakpoint
CREATE INDEX "documents_space_source_idx" ON "documents" USING btree ("space_id","source");--> statement-breakpoint
CREATE INDEX "documents_space_created_idx" ON "documents" USING btree ("space_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "space_id" uuid;--> statement-breakpoint
UPDATE "chunks" c SET "space_id" = d."space_id" FROM "documents" d WHERE d."id" = c."document_id";--> statement-breakpoint
ALTER TABLE "chunks" ALTER COLUMN "space_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "chunks_space_idx" ON "chunks" USING btree ("space_id");--> statement-breakpoint
ALTER TABLE "chunk_terms" ADD COLUMN "space_id" uuid;--> statement-breakpoint
UPDATE "chunk_terms" SET "space_id" = '00000000-0000-7000-8000-000000000001';--> statement-breakpoint
ALTER TABLE "chunk_terms" ALTER COLUMN "space_id" SET NOT NULL;--> statement-breakpoint
DROP INDEX "chunk_terms_lexeme_weight_idx";--> statement-breakpoint
DROP INDEX "chunk_terms_chunk_idx";--> statement-breakpoint
CREATE INDEX "chunk_terms_space_lexeme_weight_idx" ON "chunk_terms" USING btree ("space_id","lexeme","weight" DESC NULLS LAST,"chunk_id");--> statement-breakpoint
CREATE INDEX "chunk_terms_chunk_lexeme_idx" ON "chunk_terms" USING btree ("chunk_id","lexeme") INCLUDE ("weight");--> statement-breakpoint
INSERT INTO "space_terms" ("space_id", "lexeme", "df")
SELECT '00000000-0000-7000-8000-000000000001', "lexeme", "df" FROM "term_stats" WHERE "df" > 0;--> statement-breakpoint
INSERT INTO "space_stats" ("space_id", "chunk_count", "total_terms", "weights_avgdl")
SELECT '00000000-0000-7000-8000-000000000001', coalesce(max("chunk_count"), 0), coalesce(max("total_terms"), 0), coalesce(max("weights_avgdl"), 0)
FROM "corpus_stats" WHERE "id" = 1;--> statement-breakpoint
DROP TABLE "term_stats";--> statement-breakpoint
DROP TABLE "corpus_stats";
