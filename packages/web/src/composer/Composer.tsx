import { useState, type KeyboardEvent } from 'react';
import { t } from '../i18n/index.js';

/** Multi-line input: Enter sends, Shift+Enter starts a new line; `onTextChange` hears every edit (typing indicator). */
export function Composer({ onSend, onTextChange }: { onSend: (text: string) => void; onTextChange?: (text: string) => void }) {
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
    // While an input method is composing (Japanese, Chinese...), Enter confirms the word, not the message.
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
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
        aria-label={t('composer.label')}
        placeholder={t('composer.placeholder')}
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
