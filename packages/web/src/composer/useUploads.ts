import { limits, type Upload } from '@parley/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';

/** A file on its way to the server, there, or refused; shown above the composer until sent. */
export interface UploadItem {
  key: string;
  name: string;
  size: number;
  /** 0 to 1. */
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  upload: Upload | null;
  error: string | null;
}

export interface Uploads {
  items: UploadItem[];
  /** Starts uploading these files at once; beyond the per-message limit the rest are left out, with a notice. */
  add(files: readonly File[]): void;
  /** Drops one: aborts it if running, deletes it from the server if done. */
  remove(key: string): void;
  retry(key: string): void;
  /** The finished uploads, to send with the message; the tray empties. */
  take(): Upload[];
  busy: boolean;
  /** Why some chosen files were left out. */
  notice: string | null;
}

let nextKey = 1;

/** Attachments of the message being written: uploaded as soon as chosen, with progress. */
export function useUploads(): Uploads {
  const client = useClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const files = useRef(new Map<string, File>());
  const aborts = useRef(new Map<string, AbortController>());
  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  });

  const patch = useCallback((key: string, change: Partial<UploadItem>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i))), []);

  const start = useCallback(
    (key: string) => {
      const file = files.current.get(key);
      if (!file) return;
      const abort = new AbortController();
      aborts.current.set(key, abort);
      patch(key, { status: 'uploading', progress: 0, error: null });
      client
        .uploadFile(file, { name: file.name || t('upload.pasted'), signal: abort.signal, onProgress: ({ sent, total }) => patch(key, { progress: total ? sent / total : 0 }) })
        .then(
          (upload) => patch(key, { status: 'done', progress: 1, upload }),
          (err: unknown) => !abort.signal.aborted && patch(key, { status: 'failed', error: describeError(err) }),
        )
        .finally(() => aborts.current.delete(key));
    },
    [client, patch],
  );

  const add = useCallback(
    (chosen: readonly File[]) => {
      const room = Math.max(0, limits.attachmentsPerMessageMax - itemsRef.current.length);
      setNotice(chosen.length > room ? t('upload.tooMany', { max: limits.attachmentsPerMessageMax }) : null);
      const added = chosen.slice(0, room).map((file): UploadItem => {
        const key = `u${nextKey++}`;
        files.current.set(key, file);
        return { key, name: file.name || t('upload.pasted'), size: file.size, progress: 0, status: 'uploading', upload: null, error: null };
      });
      setItems((list) => [...list, ...added]);
      for (const item of added) start(item.key);
    },
    [start],
  );

  const remove = useCallback(
    (key: string) => {
      aborts.current.get(key)?.abort();
      const item = itemsRef.current.find((i) => i.key === key);
      // Not attached to anything yet: the server would drop it in time, but tidy up now.
      if (item?.upload) client.deleteUpload(item.upload.id).catch(() => undefined);
      files.current.delete(key);
      setItems((list) => list.filter((i) => i.key !== key));
      setNotice(null);
    },
    [client],
  );

  const take = useCallback(() => {
    const done = itemsRef.current.flatMap((i) => (i.upload ? [i.upload] : []));
    for (const i of itemsRef.current) files.current.delete(i.key);
    setItems([]);
    setNotice(null);
    return done;
  }, []);

  return { items, add, remove, retry: start, take, busy: items.some((i) => i.status === 'uploading'), notice };
}
