import { useEffect, useRef, type KeyboardEvent } from 'react';

/**
 * A popover's way out: Escape (kept from the panels around it) or a press outside it closes it.
 * Spread `onKeyDown` on the popover and give it `ref`.
 */
export function usePopover<T extends HTMLElement>(onClose: () => void) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const outside = (e: PointerEvent) => ref.current && !ref.current.contains(e.target as Node) && onClose();
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    onClose();
  };
  return { ref, onKeyDown };
}
