ALTER TABLE "chunk_terms" DROP CONSTRAINT "chunk_terms_chunk_id_chunks_id_fk";
--> statement-breakpoint
DROP INDEX "chunks_tsv_idx";--> statement-breakpoint
ALTER TABLE "chunk_terms" DROP CONSTRAINT "chunk_terms_chunk_id_lexeme_pk";--> statement-breakpoint
CREATE INDEX "chunk_terms_chunk_idx" ON "chunk_terms" USING btree ("chunk_id");--> statement-breakpoint
ALTER TABLE "chunks" DROP COLUMN "tsv";