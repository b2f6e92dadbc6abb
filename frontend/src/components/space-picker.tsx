import { useEffect, useId, useRef, useState } from 'react'
import { MAX_CHOSEN_SPACES, scopeSummary, sortSpaces, toggleScope } from '../lib/spaces'
import type { Space } from '../lib/spaces-api'

interface SpacePickerProps {
  spaces: readonly Space[]
  /** The chosen spaces; null = all of the caller's spaces (the default scope, §8). */
  value: readonly string[] | null
  onChange: (next: string[] | null) => void
  disabled?: boolean
}

/**
 * The chat's `Spaces` picker: a button that opens a group of checkboxes, one per readable space.
 * Nothing ticked means every space of the caller's default scope; the line beside the button says
 * what the conversation draws on either way.
 */
export function SpacePicker({ spaces, value, onChange, disabled }: SpacePickerProps) {
  const id = useId()
  const [open, setOpen] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const chosen = value ?? []
  const summary = scopeSummary(value, spaces)
  const full = chosen.length >= MAX_CHOSEN_SPACES

  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      toggle.current?.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open])

  return (
    <div className="space-picker">
      <div className="space-picker-bar">
        <button
          ref={toggle}
          type="button"
          className="button button-quiet button-small space-picker-toggle"
          aria-expanded={open}
          aria-controls={`${id}-panel`}
          aria-describedby={`${id}-summary`}
          onClick={() => setOpen((o) => !o)}
        >
          Spaces
        </button>
        <span id={`${id}-summary`} className="space-picker-summary" title={summary}>
          Answers from: {summary}
        </span>
      </div>
      {open ? (
        <fieldset id={`${id}-panel`} className="space-picker-panel" disabled={disabled}>
          <legend className="sr-only">Spaces</legend>
          <p className="field-hint">
            Tick spaces to answer only from them. With none ticked, all your spaces are used.
          </p>
          <ul className="space-picker-list">
            {sortSpaces(spaces).map((space) => {
              const checked = chosen.includes(space.id)
              return (
                <li key={space.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={checked}
                      disabled={!checked && full}
                      onChange={() => onChange(toggleScope(value, space.id))}
                    />
                    <span>{space.name}</span>
                  </label>
                </li>
              )
            })}
          </ul>
          {value ? (
            <button type="button" className="link-button" onClick={() => onChange(null)}>
              Use all my spaces
            </button>
          ) : null}
        </fieldset>
      ) : null}
    </div>
  )
}
