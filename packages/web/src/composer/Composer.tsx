import type { Upload, User } from '@parley/sdk';
import { lazy, Suspense, useId, useImperativeHandle, useLayoutEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent, type Ref } from 'react';
import { loadEmoji } from '../emoji/load.js';
import { t } from '../i18n/index.js';
import { formatBytes } from '../messages/format.js';
import { complete, insertAt } from './autocomplete.js';
import { readDraft, saveDraft } from './drafts.js';
import { Suggestions } from './Suggestions.js';
import { useSuggestions, type Suggestion } from './useSuggestions.js';
import { useUploads } from './useUploads.js';
import { VoiceRecorder } from '../voice/VoiceRecorder.js';

const EmojiPicker = lazy(() => import('../emoji/EmojiPicker.js'));
const GifPicker = lazy(() => import('../gifs/GifPicker.js'));

/** A `:shortcode:` somewhere in the text: worth loading the dataset to turn it into its emoji on send. */
const HAS_SHORTCODE = /:[a-z0-9_+-]+:/i;

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
  /** Who can be @mentioned here. */
  people?: readonly User[];
  /** A group or channel: @channel, @here and @everyone are offered too. */
  groupLike?: boolean;
  /** Where the unsent text is kept (per conversation or thread), so it survives switching and reloads. */
  draftKey?: string;
  ref?: Ref<ComposerHandle>;
}

/** Multi-line input: Enter sends, Shift+Enter starts a new line; files by button, paste or drop, uploaded at once. */
export function Composer({ onSend, onTextChange, onEditLast, label = t('composer.label'), placeholder = t('composer.placeholder'), people = [], groupLike = false, draftKey, ref }: ComposerProps) {
  const [text, setText] = useState(() => (draftKey ? readDraft(draftKey) : ''));
  const [caret, setCaret] = useState(0);
  const [picking, setPicking] = useState<'emoji' | 'gif' | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  // Where the caret goes after the text is replaced (a completion, an emoji from the picker).
  const nextCaret = useRef<number | null>(null);
  const suggestions = useSuggestions(text, caret, people, groupLike);
  const listId = useId();
  const uploads = useUploads();
  const picker = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => ({ addFiles: uploads.add }), [uploads.add]);
  const ready = uploads.items.some((i) => i.status === 'done');
  // Waits for running uploads, so a message never goes out without the files it was meant to carry.
  const canSend = (text.trim() !== '' || ready) && !uploads.busy;

  const change = (next: string, at = next.length) => {
    setText(next);
    setCaret(at);
    if (draftKey) saveDraft(draftKey, next);
    onTextChange?.(next);
  };

  useLayoutEffect(() => {
    if (nextCaret.current === null || !field.current) return;
    field.current.focus();
    field.current.setSelectionRange(nextCaret.current, nextCaret.current);
    nextCaret.current = null;
  });

  const replace = (result: { text: string; caret: number }) => {
    nextCaret.current = result.caret;
    change(result.text, result.caret);
  };

  const pickSuggestion = (item: Suggestion) => suggestions.trigger && replace(complete(text, caret, suggestions.trigger, item.insert));

  const submit = async () => {
    if (!canSend) return;
    const attachments = uploads.take();
    let body = text.trim() === '' ? '' : text;
    change('');
    // :tada: typed in full (not picked from the list) is sent as 🎉, as people expect.
    if (HAS_SHORTCODE.test(body)) body = (await loadEmoji()).replaceShortcodes(body);
    onSend(body, attachments);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method is composing (Japanese, Chinese...), keys belong to it, not to us.
    if (e.nativeEvent.isComposing) return;
    if (suggestions.trigger) {
      const item = suggestions.items[suggestions.active];
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        suggestions.move(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && item) {
        e.preventDefault();
        pickSuggestion(item);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        suggestions.dismiss(suggestions.trigger);
        return;
      }
    }
    if (e.key === 'ArrowUp' && text === '' && uploads.items.length === 0 && onEditLast?.()) {
      e.preventDefault();
      return;
    }
    if (e.key !== 'Enter' || e.shiftKey) return;
    e.preventDefault();
    void submit();
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
        void submit();
      }}
    >
      {suggestions.trigger && (
        <Suggestions
          id={listId}
          label={suggestions.trigger.kind === 'emoji' ? t('composer.emojiSuggestions') : t('composer.mentionSuggestions')}
          items={suggestions.items}
          active={suggestions.active}
          onPick={pickSuggestion}
        />
      )}
      {picking && (
        <Suspense fallback={<p className="muted emoji-loading">{t('app.loading')}</p>}>
          {picking === 'emoji' ? (
            <EmojiPicker
              label={t('emoji.insert')}
              onPick={(emoji) => {
                const el = field.current;
                replace(insertAt(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, emoji));
                setPicking(null);
              }}
              onClose={() => setPicking(null)}
            />
          ) : (
            <GifPicker
              // A GIF goes at once, on its own, as in other messengers; the text being written stays.
              onPick={(upload) => {
                setPicking(null);
                onSend('', [upload]);
              }}
              onClose={() => setPicking(null)}
            />
          )}
        </Suspense>
      )}
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
        <button type="button" className="icon" aria-label={t('emoji.insert')} title={t('emoji.insert')} aria-expanded={picking === 'emoji'} onClick={() => setPicking((p) => (p === 'emoji' ? null : 'emoji'))}>
          😊
        </button>
        <button type="button" className="icon gif-button" aria-label={t('gif.open')} title={t('gif.open')} aria-expanded={picking === 'gif'} onClick={() => setPicking((p) => (p === 'gif' ? null : 'gif'))}>
          GIF
        </button>
        <VoiceRecorder onRecorded={(upload) => onSend('', [upload])} />
        <textarea
          ref={field}
          aria-label={label}
          placeholder={placeholder}
          rows={1}
          value={text}
          onChange={(e) => change(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          aria-autocomplete="list"
          aria-controls={suggestions.trigger ? listId : undefined}
          aria-activedescendant={suggestions.trigger ? `${listId}-${suggestions.active}` : undefined}
          autoFocus
        />
        <button type="submit" className="primary" disabled={!canSend}>
          {t('composer.send')}
        </button>
      </div>
    </form>
  );
}
