import { t } from '../i18n/index.js';
import { useModal } from '../app/useModal.js';

interface LightboxProps {
  name: string;
  src: string;
  width: number | null;
  height: number | null;
  onClose: () => void;
}

/** A picture at full size over everything; Escape, the close button or a click outside it closes it. */
export default function Lightbox({ name, src, width, height, onClose }: LightboxProps) {
  const dialog = useModal();
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={name}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) dialog.current?.close();
      }}
    >
      <img src={src} alt={name} width={width ?? undefined} height={height ?? undefined} />
      <div className="lightbox-bar">
        <span className="lightbox-name">{name}</span>
        <a href={src} download={name}>
          {t('attachment.download')}
        </a>
        <button type="button" onClick={() => dialog.current?.close()} autoFocus>
          {t('newMessage.close')}
        </button>
      </div>
    </dialog>
  );
}
