export * from './auth.js'
export * from './rag.js'
export * from './spaces.js'
export * from './api-keys.js'
