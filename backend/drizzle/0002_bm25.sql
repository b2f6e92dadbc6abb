CREATE TABLE "chunk_terms" (
	"chunk_id" uuid NOT NULL,
	"lexeme" text NOT NULL,
	"tf" real NOT NULL,
	"weight" real DEFAULT 0 NOT NULL,
	CONSTRAINT "chunk_terms_chunk_id_lexeme_pk" PRIMARY KEY("chunk_id","lexeme")
);
--> statement-breakpoint
CREATE TABLE "corpus_stats" (
	"id" smallint PRIMARY KEY NOT NULL,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"total_terms" double precision DEFAULT 0 NOT NULL,
	"weights_avgdl" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "term_stats" (
	"lexeme" text PRIMARY KEY NOT NULL,
	"df" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "term_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chunk_terms" ADD CONSTRAINT "chunk_terms_chunk_id_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."chunks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chunk_terms_lexeme_weight_idx" ON "chunk_terms" USING btree ("lexeme","weight" DESC NULLS LAST,"chunk_id");--> statement-breakpoint
INSERT INTO "corpus_stats" ("id") VALUES (1) ON CONFLICT DO NOTHING;
