import type { TimelineEntry, TimelineItem } from './timeline.js';

// Heights in pixels as the stylesheet usually draws them (theme.css), for items not drawn yet.
// Only a first guess: each item is measured once drawn, and the list keeps the reader's place.
const SEPARATOR_PX = 34;
const GROUP_HEAD_PX = 32;
const LINE_PX = 24;
/** Characters on a line of a message, roughly, in a pane of the usual width. */
const LINE_CHARS = 100;
const ATTACHMENT_PX = 200;
const PREVIEW_PX = 90;
const REACTIONS_PX = 30;

/** A guess at how tall an item of the timeline is drawn. */
export function estimateHeight(item: TimelineItem): number {
  if (item.kind !== 'group') return SEPARATOR_PX;
  return (item.continued ? 0 : GROUP_HEAD_PX) + item.entries.reduce((sum, entry) => sum + entryHeight(entry), 0);
}

function entryHeight(entry: TimelineEntry): number {
  const { text, attachments } = entry.kind === 'sent' ? entry.message : entry.pending;
  // Blank lines only separate paragraphs; an attachment alone has no line of text, a deleted message one.
  const lines = Math.max(attachments.length > 0 ? 0 : 1, text.split('\n').reduce((sum, line) => sum + Math.ceil(line.trim().length / LINE_CHARS), 0));
  let height = lines * LINE_PX + (attachments.length > 0 ? ATTACHMENT_PX : 0);
  if (entry.kind === 'sent') height += (entry.message.previews.length > 0 ? PREVIEW_PX : 0) + (entry.message.reactions.length > 0 ? REACTIONS_PX : 0);
  return height;
}
