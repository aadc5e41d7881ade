import './zod-config.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { createClient } from './app/client.js';
import { locale } from './i18n/index.js';
import { applyTheme, storedTheme } from './settings/theme.js';
import './app/theme.css';

document.documentElement.lang = locale;
applyTheme(storedTheme());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={createClient()} />
  </StrictMode>,
);

// Installable, and opens without a network: the service worker keeps the app shell (public/sw.js).
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
