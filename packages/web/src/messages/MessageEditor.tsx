import { useState, type KeyboardEvent } from 'react';
import { t } from '../i18n/index.js';

interface MessageEditorProps {
  initial: string;
  /** Resolves true once saved; on false the editor stays open with the text, so nothing typed is lost. */
  onSave: (text: string) => Promise<boolean>;
  onCancel: () => void;
}

/** Editing one of my messages in place: Enter saves, Shift+Enter is a new line, Escape cancels. */
export function MessageEditor({ initial, onSave, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initial);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    if (text === initial) return onCancel();
    if (!text.trim() || saving) return;
    setSaving(true);
    const saved = await onSave(text);
    setSaving(false);
    if (saved) onCancel();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void save();
    }
  };

  return (
    <div className="message-editor">
      <textarea
        aria-label={t('message.editLabel')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        // The caret goes to the end, where people continue or fix the last words.
        onFocus={(e) => e.currentTarget.setSelectionRange(e.currentTarget.value.length, e.currentTarget.value.length)}
        autoFocus
      />
      <div className="editor-actions">
        <span className="muted">{t('message.editHint')}</span>
        <button type="button" onClick={onCancel}>
          {t('dialog.cancel')}
        </button>
        <button type="button" className="primary" disabled={!text.trim() || saving} onClick={() => void save()}>
          {t('message.save')}
        </button>
      </div>
    </div>
  );
}
