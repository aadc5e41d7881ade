import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Opens a <dialog> as a modal when it mounts (the browser traps focus, closes on Escape and draws
 * the backdrop), and gives focus back to what had it before once the dialog is gone. The browser
 * does that itself only when the dialog is closed, not when it is removed: an action that ends by
 * unmounting the dialog (a group created, a channel joined) would otherwise leave focus nowhere.
 * Focus is given back only if nothing else took it meanwhile (a conversation's composer opening);
 * to the nearest focusable container when the element itself is gone (a message's toolbar button,
 * drawn only while the message has focus, goes back to the message).
 */
export function useModal(): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  // Read while rendering, before the dialog takes focus (effects may run twice in development).
  const [returnTo] = useState(() => focusableChain(document.activeElement));
  useEffect(() => {
    dialog.current?.showModal();
    return () => {
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (lost) returnTo.find((el) => el.isConnected)?.focus();
    };
  }, [returnTo]);
  return dialog;
}

/** The element and its ancestors that can take focus, nearest first. */
function focusableChain(from: Element | null): HTMLElement[] {
  const chain: HTMLElement[] = [];
  for (let el = from; el && el !== document.body; el = el.parentElement) {
    if (el instanceof HTMLElement && (el === from || el.hasAttribute('tabindex'))) chain.push(el);
  }
  return chain;
}
