// The backend tests' local server speaking the OpenAI chat-completions protocol (streaming
// included): the browser tests point LLM_BASE_URL at it to make a model fail or stream slowly on
// cue, instead of mocking a function (docs: DESIGN.md, house style 8).
export {
  type OpenAiChatServer,
  type ScriptedReply,
  startOpenAiChatServer,
} from '../../backend/test/helpers/openai-chat-server'
