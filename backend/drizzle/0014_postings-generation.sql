-- Generations of the postings, for a server that remembers posting lists (rag/posting-cache.ts):
-- a (space, lexeme) list changes only when a chunk holding the lexeme comes or goes in the space,
-- which updates that lexeme's space_terms row, or when the space's weights are recomputed, which
-- updates its space_stats row. Both statements take a new generation from this sequence in the
-- same transaction, so a list read at generations (G, W) is current while the rows still say G and
-- W. A sequence never hands a number out twice: a rolled-back write or a recreated row cannot
-- repeat one.
CREATE SEQUENCE "space_postings_generation_seq";--> statement-breakpoint
ALTER TABLE "space_terms" ADD COLUMN "generation" bigint DEFAULT nextval('space_postings_generation_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "space_stats" ADD COLUMN "weights_generation" bigint DEFAULT nextval('space_postings_generation_seq') NOT NULL;
