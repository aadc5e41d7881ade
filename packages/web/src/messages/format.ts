import { locale, t } from '../i18n/index.js';

const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
const fullDate = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullDateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });

export function formatTime(iso: string): string {
  return time.format(new Date(iso));
}

/** For a tooltip: the exact moment. */
export function formatDateTime(iso: string): string {
  return fullDateTime.format(new Date(iso));
}

export function formatDay(date: Date, now = new Date()): string {
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(date)) / 86_400_000);
  if (days === 0) return t('day.today');
  if (days === 1) return t('day.yesterday');
  return fullDate.format(date);
}

/** When someone was last online: the time if today, else the day and the time. */
export function formatLastSeen(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const day = formatDay(date, now);
  return day === t('day.today') ? time.format(date) : `${day} ${time.format(date)}`;
}

const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** A file size as people read it: 532 B, 14 KB, 3.2 MB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}
