import type { Suggestion } from './useSuggestions.js';

interface SuggestionsProps {
  id: string;
  label: string;
  items: readonly Suggestion[];
  active: number;
  onPick: (item: Suggestion) => void;
}

/** The list above the composer; the textarea keeps focus and points at the active option. */
export function Suggestions({ id, label, items, active, onPick }: SuggestionsProps) {
  return (
    <ul id={id} className="suggestions" role="listbox" aria-label={label}>
      {items.map((item, i) => (
        <li
          key={item.key}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'active' : undefined}
          // mousedown, not click: the textarea must not lose focus (and its caret) first.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(item);
          }}
        >
          <span className="suggestion-label">{item.label}</span> <span className="muted">{item.hint}</span>
        </li>
      ))}
    </ul>
  );
}
