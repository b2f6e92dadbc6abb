// docs/api.md §11: every /v1/* error is OpenAI's shape, so OpenAI clients show its message and
// read its status: {"error":{"message","type","code","param":null}} with the §0 status and code.
import type { AppError } from '../errors.js'

export interface OpenAiErrorBody {
  error: { message: string; type: 'invalid_request_error' | 'server_error'; code: string; param: null }
}

export function openAiErrorBody(err: AppError): OpenAiErrorBody {
  // The field errors a §0 body lists separately go into the one message OpenAI clients show.
  const fields = err.errors?.map((e) => `${e.path}: ${e.message}`).join('; ')
  return {
    error: {
      message: fields ? `${err.message} (${fields})` : err.message,
      type: err.statusCode >= 500 ? 'server_error' : 'invalid_request_error',
      code: err.code,
      param: null,
    },
  }
}
