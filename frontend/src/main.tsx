import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App, createQueryClient } from './app'
import './styles/base.css'
import './styles/layout.css'
import './styles/forms.css'
import './styles/chat.css'
import './styles/pages.css'
import './styles/spaces.css'

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App queryClient={createQueryClient()} />
    </StrictMode>,
  )
}
