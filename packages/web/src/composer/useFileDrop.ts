import { useRef, useState, type DragEvent } from 'react';
import type { ComposerHandle } from './Composer.js';

const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

/** Files dropped anywhere on an element; `dragging` while some hover over it, for a visible drop zone. */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the pointer left.
  const depth = useRef(0);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setDragging(true);
    },
    onDragOver: (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault(); // allows the drop
    },
    onDragLeave: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      onFiles([...e.dataTransfer.files]);
    },
  };
  return { dragging, handlers };
}

/** Files dropped on a pane go to its composer (`ref` it); `drop` as above. */
export function useDropIntoComposer() {
  const composer = useRef<ComposerHandle>(null);
  const drop = useFileDrop((files) => composer.current?.addFiles(files));
  return { composer, drop };
}
