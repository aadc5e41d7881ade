/** Light, dark, or whatever the system says (the default), remembered in this browser. */
export type Theme = 'light' | 'dark' | 'system';
export const THEME_KEY = 'parley.theme';
export const themes: readonly Theme[] = ['system', 'light', 'dark'];

export function storedTheme(): Theme {
  const v = localStorage.getItem(THEME_KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

/** The stylesheet reads `data-theme`; without it, `prefers-color-scheme` decides. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function chooseTheme(theme: Theme): void {
  if (theme === 'system') localStorage.removeItem(THEME_KEY);
  else localStorage.setItem(THEME_KEY, theme);
  applyTheme(theme);
}
