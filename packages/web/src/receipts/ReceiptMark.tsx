import type { Message } from '@parley/sdk';
import { t } from '../i18n/index.js';
import { useMessageView } from '../messages/message-view.js';
import { dmTick, seenBy } from './receipts.js';

/** Names listed in "Seen by" before "and N others". */
const SEEN_BY_NAMES = 3;

/**
 * Under my message: in a DM, ticks (sent ✓, delivered ✓✓, read ✓✓ in colour); in a group, who has
 * seen my newest message.
 */
export function ReceiptMark({ message }: { message: Message }) {
  const view = useMessageView();
  if (view.dmPeerId) {
    const tick = dmTick(view.receipts, view.dmPeerId, message.seq);
    const label = t(`receipt.${tick}`);
    return (
      <span className={`tick tick-${tick}`} data-tick={tick} role="img" aria-label={label} title={label}>
        {tick === 'sent' ? '✓' : '✓✓'}
      </span>
    );
  }
  if (message.seq !== view.lastOwnSeq) return null;
  const names = seenBy(view.receipts, message.seq, message.senderId).map(view.nameOf);
  if (names.length === 0) return null;
  const shown = names.slice(0, SEEN_BY_NAMES).join(', ');
  const more = names.length - SEEN_BY_NAMES;
  const text = more <= 0 ? t('receipt.seenBy', { names: shown }) : more === 1 ? t('receipt.seenByOneMore', { names: shown }) : t('receipt.seenByMore', { names: shown, count: more });
  return (
    <span className="seen-by muted" title={names.join(', ')}>
      {text}
    </span>
  );
}
