import type { Gif, Upload } from '@parley/sdk';
import { useEffect, useState } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { usePopover } from '../app/usePopover.js';
import { t } from '../i18n/index.js';

const SEARCH_DEBOUNCE_MS = 300;
const LIMIT = 24;

interface GifPickerProps {
  /** The chosen GIF, made an upload of mine by the server, ready to send. */
  onPick: (upload: Upload) => void;
  onClose: () => void;
}

/**
 * Search GIFs (the provider the server is set up with, or the installation's library) and send
 * one. Everything comes through the server: the provider never sees who is looking. Loaded on
 * demand (default export for React.lazy); Escape or a click outside closes it.
 */
export default function GifPicker({ onPick, onClose }: GifPickerProps) {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [gifs, setGifs] = useState<readonly Gif[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const popover = usePopover<HTMLDivElement>(onClose);


  useEffect(() => {
    let stale = false;
    const q = query.trim();
    const timer = setTimeout(
      () => {
        // Nothing typed: the installation's own library, newest first.
        const request = q ? client.gifs.search(q, { limit: LIMIT }).then((r) => r.gifs) : client.gifs.library({ limit: LIMIT }).then((r) => r.gifs);
        request.then(
          (found) => {
            if (stale) return;
            setGifs(found);
            setError(null);
          },
          (err: unknown) => !stale && setError(describeError(err)),
        );
      },
      q ? SEARCH_DEBOUNCE_MS : 0,
    );
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, query]);

  const pick = async (gif: Gif) => {
    setBusy(true);
    try {
      onPick(await client.gifs.attach(gif.id));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <div ref={popover.ref} className="gif-picker" role="dialog" aria-label={t('gif.title')} onKeyDown={popover.onKeyDown}>
      <input type="search" aria-label={t('gif.search')} placeholder={t('gif.search')} value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {gifs?.length === 0 && <p className="muted">{t('gif.none')}</p>}
      <ul className="gif-grid" aria-label={t('gif.results')}>
        {gifs?.map((gif) => (
          <li key={gif.id}>
            <button type="button" className="media-button" disabled={busy} aria-label={t('gif.send', { title: gif.title })} onClick={() => void pick(gif)}>
              <picture>
                <source srcSet={client.fileUrl(gif.previewUrl)} media="(prefers-reduced-motion: reduce)" />
                <img src={client.fileUrl(gif.url)} alt={gif.title} width={gif.width} height={gif.height} loading="lazy" />
              </picture>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
