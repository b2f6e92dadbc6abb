ALTER TABLE "conversations" ADD COLUMN "space_ids" jsonb;--> statement-breakpoint
UPDATE "messages" m SET "citations" = (
	SELECT coalesce(jsonb_agg(
		CASE WHEN jsonb_typeof(e.c) = 'object' AND NOT (e.c ? 'space_id')
			THEN e.c || jsonb_build_object('space_id', s."id", 'space_name', s."name")
			ELSE e.c END
		ORDER BY e.o), '[]'::jsonb)
	FROM jsonb_array_elements(m."citations") WITH ORDINALITY AS e(c, o)
	CROSS JOIN (SELECT "id", "name" FROM "spaces" WHERE "kind" = 'shared') s
)
WHERE jsonb_typeof(m."citations") = 'array' AND jsonb_array_length(m."citations") > 0;
