import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@shared/styles.css';
import './supervisor.css';
import { DICTIONARY } from '@shared/dictionary';
import { SUPERVISOR_DICTIONARY } from './dictionary';
import { App } from './App';

// The supervisor's strings join the shared dictionary (same keys never overlap: ours are "sv.*", "verdict.*", …).
Object.assign(DICTIONARY, SUPERVISOR_DICTIONARY);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
