import type { Upload } from '@parley/sdk';
import { useImperativeHandle, useRef, useState, type ClipboardEvent, type KeyboardEvent, type Ref } from 'react';
import { t } from '../i18n/index.js';
import { formatBytes } from '../messages/format.js';
import { useUploads } from './useUploads.js';

/** What a pane can ask of its composer: files dropped anywhere on it. */
export interface ComposerHandle {
  addFiles(files: readonly File[]): void;
}

interface ComposerProps {
  onSend: (text: string, attachments: Upload[]) => void;
  /** Hears every edit (the typing indicator). */
  onTextChange?: (text: string) => void;
  /** Up arrow in an empty composer: edit my last message. Returns false when there is none. */
  onEditLast?: () => boolean;
  /** What the field is called, for screen readers and as its placeholder. */
  label?: string;
  placeholder?: string;
  ref?: Ref<ComposerHandle>;
}

/** Multi-line input: Enter sends, Shift+Enter starts a new line; files by button, paste or drop, uploaded at once. */
export function Composer({ onSend, onTextChange, onEditLast, label = t('composer.label'), placeholder = t('composer.placeholder'), ref }: ComposerProps) {
  const [text, setText] = useState('');
  const uploads = useUploads();
  const picker = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => ({ addFiles: uploads.add }), [uploads.add]);
  const ready = uploads.items.some((i) => i.status === 'done');
  // Waits for running uploads, so a message never goes out without the files it was meant to carry.
  const canSend = (text.trim() !== '' || ready) && !uploads.busy;

  const change = (next: string) => {
    setText(next);
    onTextChange?.(next);
  };

  const submit = () => {
    if (!canSend) return;
    onSend(text.trim() === '' ? '' : text, uploads.take());
    change('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method is composing (Japanese, Chinese...), keys belong to it, not to us.
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'ArrowUp' && text === '' && uploads.items.length === 0 && onEditLast?.()) {
      e.preventDefault();
      return;
    }
    if (e.key !== 'Enter' || e.shiftKey) return;
    e.preventDefault();
    submit();
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return; // text: the textarea takes it
    e.preventDefault();
    uploads.add(files);
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {(uploads.items.length > 0 || uploads.notice) && (
        <ul className="upload-tray" aria-label={t('upload.tray')}>
          {uploads.items.map((item) => (
            <li key={item.key} className={`upload upload-${item.status}`} data-status={item.status}>
              <span className="upload-name" title={item.name}>
                {item.name}
              </span>
              <span className="muted">{formatBytes(item.size)}</span>
              {item.status === 'uploading' && <progress max={1} value={item.progress} aria-label={t('upload.progress', { name: item.name })} />}
              {item.status === 'failed' && (
                <>
                  <span className="error">{item.error}</span>
                  <button type="button" className="link" onClick={() => uploads.retry(item.key)}>
                    {t('message.retry')}
                  </button>
                </>
              )}
              <button type="button" className="icon" aria-label={t('upload.remove', { name: item.name })} onClick={() => uploads.remove(item.key)}>
                ✕
              </button>
            </li>
          ))}
          {uploads.notice && <li className="error">{uploads.notice}</li>}
        </ul>
      )}
      <div className="composer-row">
        <button type="button" className="icon" aria-label={t('upload.attach')} title={t('upload.attach')} onClick={() => picker.current?.click()}>
          📎
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            uploads.add([...(e.target.files ?? [])]);
            e.target.value = ''; // the same file can be chosen again
          }}
        />
        <textarea aria-label={label} placeholder={placeholder} rows={1} value={text} onChange={(e) => change(e.target.value)} onKeyDown={onKeyDown} onPaste={onPaste} autoFocus />
        <button type="submit" className="primary" disabled={!canSend}>
          {t('composer.send')}
        </button>
      </div>
    </form>
  );
}
