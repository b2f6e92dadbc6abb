import { type FormEvent, type KeyboardEvent, type RefObject, useId } from 'react'
import { SendIcon, StopIcon } from './icons'

interface ComposerProps {
  value: string
  onChange: (value: string) => void
  onSend: (text: string) => void
  onStop: () => void
  streaming: boolean
  inputRef: RefObject<HTMLTextAreaElement | null>
}

export const MAX_MESSAGE_LENGTH = 4000

/** Enter sends, Shift+Enter adds a line; while an answer streams, `Stop` replaces `Send`. */
export function Composer({ value, onChange, onSend, onStop, streaming, inputRef }: ComposerProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const text = value.trim()
  const tooLong = value.length > MAX_MESSAGE_LENGTH

  const submit = (event?: FormEvent) => {
    event?.preventDefault()
    if (streaming || !text || tooLong) return
    onSend(text)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return
    event.preventDefault()
    submit()
  }

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={id} className="sr-only">
        Message
      </label>
      <textarea
        id={id}
        ref={inputRef}
        name="message"
        rows={1}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Ask a question about the documents…"
        aria-describedby={hintId}
        aria-invalid={tooLong || undefined}
        enterKeyHint="send"
      />
      <p id={hintId} className={tooLong ? 'composer-hint field-error' : 'composer-hint'}>
        {tooLong
          ? `Too long: ${value.length} of ${MAX_MESSAGE_LENGTH} characters.`
          : 'Enter to send, Shift+Enter for a new line.'}
      </p>
      {/* Distinct keys: React must not turn the clicked Stop into a submit button mid-click
          (the click's default action would then re-send the restored draft). */}
      {streaming ? (
        <button
          key="stop"
          type="button"
          className="button composer-button"
          onClick={(event) => {
            event.preventDefault()
            onStop()
            // The Stop button is about to disappear: keep keyboard focus where the next question goes.
            inputRef.current?.focus()
          }}
        >
          <StopIcon />
          <span>Stop</span>
        </button>
      ) : (
        <button
          key="send"
          type="submit"
          className="button button-primary composer-button"
          disabled={!text || tooLong}
        >
          <SendIcon />
          <span>Send</span>
        </button>
      )}
    </form>
  )
}
