import type { ReactNode } from 'react';
import { t } from '../i18n/index.js';
import { useModal } from './useModal.js';

interface DialogProps {
  /** For `aria-labelledby`: unique on the page. */
  id: string;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/** A modal dialog with a title and a close button: <dialog> gives focus trapping, Escape and the backdrop. */
export function Dialog({ id, title, onClose, children }: DialogProps) {
  const dialog = useModal();
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={id} onClose={onClose}>
      <div className="dialog-head">
        <h2 id={id}>{title}</h2>
        <button type="button" className="link" onClick={() => dialog.current?.close()}>
          {t('newMessage.close')}
        </button>
      </div>
      {children}
    </dialog>
  );
}

export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}
