import { useState, type KeyboardEvent } from 'react';
import { t } from '../i18n/index.js';

interface ComposerProps {
  onSend: (text: string) => void;
  /** Hears every edit (the typing indicator). */
  onTextChange?: (text: string) => void;
  /** Up arrow in an empty composer: edit my last message. Returns false when there is none. */
  onEditLast?: () => boolean;
  /** What the field is called, for screen readers and as its placeholder. */
  label?: string;
  placeholder?: string;
}

/** Multi-line input: Enter sends, Shift+Enter starts a new line. */
export function Composer({ onSend, onTextChange, onEditLast, label = t('composer.label'), placeholder = t('composer.placeholder') }: ComposerProps) {
  const [text, setText] = useState('');
  const change = (next: string) => {
    setText(next);
    onTextChange?.(next);
  };

  const submit = () => {
    if (!text.trim()) return;
    onSend(text);
    change('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method is composing (Japanese, Chinese...), keys belong to it, not to us.
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'ArrowUp' && text === '' && onEditLast?.()) {
      e.preventDefault();
      return;
    }
    if (e.key !== 'Enter' || e.shiftKey) return;
    e.preventDefault();
    submit();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        aria-label={label}
        placeholder={placeholder}
        rows={1}
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={onKeyDown}
        autoFocus
      />
      <button type="submit" className="primary" disabled={!text.trim()}>
        {t('composer.send')}
      </button>
    </form>
  );
}
