import { limits } from '@parley/protocol';

/**
 * A client's file name made safe to store and show: the last path segment only, no control,
 * bidirectional-override or invisible formatting characters (which can disguise `exe.jpg` as
 * `gpj.exe`), no leading dots, bounded length, never empty.
 */
export function neutraliseFileName(raw: string): string {
  let name = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  name = name
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, '')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, '')
    .replace(/["<>:|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (name.length > limits.fileNameMaxLength) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, limits.fileNameMaxLength - ext.length) + ext;
  }
  return name || 'file';
}
