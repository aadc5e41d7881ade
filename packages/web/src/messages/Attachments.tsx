import type { Attachment, LinkPreview } from '@parley/sdk';
import { lazy, Suspense, useState } from 'react';
import { useClient } from '../app/client.js';
import { t } from '../i18n/index.js';
import { formatBytes } from './format.js';
import { safeHref } from './markdown.js';
import { VoiceNote } from '../voice/VoiceNote.js';

// Loaded on first use: most visits never open a picture full size.
const Lightbox = lazy(() => import('./Lightbox.js'));

/** Pictures, GIFs, audio and video play inline; any other file is a download with its name and size. */
export function Attachments({ attachments }: { attachments: readonly Attachment[] }) {
  const client = useClient();
  const [open, setOpen] = useState<Attachment | null>(null);
  return (
    <>
      <ul className="attachments">
        {attachments.map((a) => (
          <li key={a.id} className={`attachment attachment-${a.kind}`} data-kind={a.kind}>
            <AttachmentView attachment={a} src={client.fileUrl(a.url)} thumbnail={a.thumbnailUrl ? client.fileUrl(a.thumbnailUrl) : null} onOpen={() => setOpen(a)} />
          </li>
        ))}
      </ul>
      {open && (
        <Suspense fallback={null}>
          <Lightbox name={open.name} src={client.fileUrl(open.url)} width={open.width} height={open.height} onClose={() => setOpen(null)} />
        </Suspense>
      )}
    </>
  );
}

interface AttachmentViewProps {
  attachment: Attachment;
  src: string;
  thumbnail: string | null;
  onOpen: () => void;
}

function AttachmentView({ attachment: a, src, thumbnail, onOpen }: AttachmentViewProps) {
  switch (a.kind) {
    case 'image':
      return (
        <button type="button" className="media-button" aria-label={t('attachment.open', { name: a.name })} onClick={onOpen}>
          <img src={thumbnail ?? src} alt={a.name} {...scaled(a)} loading="lazy" />
        </button>
      );
    case 'gif':
      // Animated inline; people who asked for less motion get the still (the thumbnail).
      return (
        <button type="button" className="media-button" aria-label={t('attachment.open', { name: a.name })} onClick={onOpen}>
          <picture>
            {thumbnail && <source srcSet={thumbnail} media="(prefers-reduced-motion: reduce)" />}
            <img src={src} alt={a.name} {...scaled(a)} loading="lazy" />
          </picture>
        </button>
      );
    case 'video':
      return <video controls preload="metadata" src={src} aria-label={a.name} {...scaled(a)} />;
    case 'voice':
      return <VoiceNote src={src} durationMs={a.durationMs} waveform={a.waveform} />;
    case 'audio':
      return (
        <span className="audio">
          <audio controls preload="metadata" src={src} aria-label={a.name} />
          <span className="muted">{a.name}</span>
        </span>
      );
    case 'file':
      return (
        <a className="file-card" href={src} download={a.name}>
          <span aria-hidden="true">📄</span>
          <span className="file-name">{a.name}</span>
          <span className="muted">{formatBytes(a.size)}</span>
          <span className="sr-only">{t('attachment.download')}</span>
        </a>
      );
  }
}

/** Media shown at most this big inline; the lightbox shows the full size. */
const MAX_INLINE = 320;

/** Width and height for the layout before the bytes arrive, so the list does not jump. */
function scaled(a: Attachment): { width?: number; height?: number } {
  if (!a.width || !a.height) return {};
  const ratio = Math.min(1, MAX_INLINE / Math.max(a.width, a.height));
  return { width: Math.round(a.width * ratio), height: Math.round(a.height * ratio) };
}

/** Cards for the links of a message: site, title, description and picture, all as text and files of this server. */
export function LinkPreviews({ previews }: { previews: readonly LinkPreview[] }) {
  const client = useClient();
  return (
    <ul className="previews">
      {previews.map((p) => {
        const href = safeHref(p.url);
        if (!href) return null;
        return (
          <li key={p.url} className="preview">
            {p.siteName && <span className="preview-site muted">{p.siteName}</span>}
            <a className="preview-title" href={href} target="_blank" rel="noopener noreferrer nofollow">
              {p.title || href}
            </a>
            {p.description && <p className="preview-description">{p.description}</p>}
            {p.imageUrl && <img className="preview-image" src={client.fileUrl(p.imageUrl)} alt="" loading="lazy" />}
          </li>
        );
      })}
    </ul>
  );
}
