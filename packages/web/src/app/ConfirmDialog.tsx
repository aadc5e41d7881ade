import { t } from '../i18n/index.js';
import { useModal } from './useModal.js';

interface ConfirmDialogProps {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before something that cannot be undone. Escape or Cancel closes it; focus starts on Cancel. */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const dialog = useModal();
  return (
    <dialog ref={dialog} className="dialog" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" onClose={onClose}>
      <h2 id="confirm-title" className="dialog-title">
        {title}
      </h2>
      <p id="confirm-body">{body}</p>
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={() => dialog.current?.close()}>
          {t('dialog.cancel')}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            onConfirm();
            dialog.current?.close();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
