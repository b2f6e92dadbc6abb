/** Decorative inline SVG icons (hidden from assistive technology; buttons carry text names). */
import type { ReactNode } from 'react'

function Icon(props: { size: 16 | 18; children: ReactNode }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width={props.size}
      height={props.size}
      aria-hidden="true"
      focusable="false"
      className="icon"
    >
      {props.children}
    </svg>
  )
}

/** One filled path on the 24 × 24 grid. */
const glyph = (size: 16 | 18, d: string) => () => (
  <Icon size={size}>
    <path d={d} fill="currentColor" />
  </Icon>
)

export const TrashIcon = glyph(16, 'M9 3h6l1 2h4v2H4V5h4zm-3 6h12l-1 12H7zm4 2v8h2v-8zm4 0v8h2v-8z')
export const SendIcon = glyph(18, 'M3 20.5 21 12 3 3.5 3 10l12 2-12 2z')
export const PlusIcon = glyph(18, 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z')
export const MenuIcon = glyph(18, 'M4 6h16v2H4zm0 5h16v2H4zm0 5h16v2H4z')
export const ThumbUpIcon = glyph(
  16,
  'M1 21h4V9H1zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73z',
)
export const ThumbDownIcon = glyph(
  16,
  'M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2m4 0v12h4V3z',
)
export const PencilIcon = glyph(
  16,
  'M3 17.25V21h3.75L17.81 9.94l-3.75-3.75zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75z',
)

export function StopIcon() {
  return (
    <Icon size={18}>
      <rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor" />
    </Icon>
  )
}
