// The bench's synthetic corpus lives with the backend, which the evaluation's distractors
// (`npm run eval -- --distractors=N`, run from the compiled build) share.
export * from '../backend/src/rag/synthetic-corpus.js'
