import { mentionAt } from '@parley/sdk';
import { type ReactElement, type ReactNode } from 'react';

/**
 * Chat Markdown to React elements. User text only ever becomes React text children or a
 * checked href: nothing here produces or parses HTML, so `<b>` in a message stays `<b>`.
 */
export interface MarkdownOptions {
  /** When given, only these usernames render as mentions (the server's resolved list). */
  mentionedUsernames?: ReadonlySet<string>;
  /** The reader: a mention of them (or @channel, @here, @everyone) gets `mention-me`. */
  ownUsername?: string;
}

// Caps keep both our recursion and React's render depth bounded whatever the input.
const MAX_QUOTE_DEPTH = 4;
const MAX_INLINE_DEPTH = 8;

// Anchored, one character class each: no backtracking to speak of.
const FENCE_OPEN = /^```([A-Za-z0-9_+#.-]{0,32})\s*$/;
const FENCE_CLOSE = /^```\s*$/;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const SPACE = /\s/;
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const LINK_PROPS = { target: '_blank', rel: 'noopener noreferrer nofollow' } as const;

export function renderMarkdown(source: string, options: MarkdownOptions): ReactNode {
  return renderBlocks(source.replace(/\r\n?/g, '\n').split('\n'), options, 0, 'b');
}

/** The href to use, or null: only absolute http(s)/mailto URLs, as the browser will parse them. */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null; // relative or malformed: never a link
  }
  // The normalized href, so what we checked is exactly what the browser gets.
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

function renderBlocks(lines: string[], options: MarkdownOptions, depth: number, prefix: string): ReactNode[] {
  const out: ReactNode[] = [];
  const isQuote = (line: string) => line.startsWith('>') && depth < MAX_QUOTE_DEPTH;
  // The last closing fence: an opener after it cannot close, so we never rescan to the end.
  let lastClose = -1;
  lines.forEach((line, j) => { if (FENCE_CLOSE.test(line)) lastClose = j; });

  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const key = `${prefix}${out.length}`;
    const fence = i < lastClose ? FENCE_OPEN.exec(line) : null;
    if (fence) {
      let end = i + 1;
      while (!FENCE_CLOSE.test(lines[end]!)) end++; // stops at lastClose at the latest
      out.push(
        <pre key={key}>
          <code data-lang={fence[1] || undefined}>{lines.slice(i + 1, end).join('\n')}</code>
        </pre>,
      );
      i = end + 1;
    } else if (isQuote(line)) {
      const inner: string[] = [];
      for (; i < lines.length && isQuote(lines[i]!); i++) inner.push(lines[i]!.replace(/^> ?/, ''));
      out.push(<blockquote key={key}>{renderBlocks(inner, options, depth + 1, `${key}.`)}</blockquote>);
    } else if (line.trim() === '') {
      i++; // blank lines only separate paragraphs
    } else {
      // A paragraph runs until a blank line or the start of another block; each newline is a <br>.
      const children: ReactNode[] = renderInline(line, options, `${key}.0.`);
      for (i++; i < lines.length && lines[i]!.trim() !== '' && !isQuote(lines[i]!) && !(i < lastClose && FENCE_OPEN.test(lines[i]!)); i++) {
        children.push(<br key={`${key}.br${i}`} />, ...renderInline(lines[i]!, options, `${key}.${i}.`));
      }
      out.push(<p key={key}>{children}</p>);
    }
  }
  return out;
}

type Kind = '**' | '*' | '_' | '~~';
// A delimiter stays literal text unless the matching pass pairs it.
type Token = { t: 'text'; s: string } | { t: 'node'; node: ReactElement } | { t: 'delim'; kind: Kind; role: 'text' | 'open' | 'close' };

/**
 * One line of inline Markdown. A single left-to-right scan: code spans, links, URLs and mentions
 * become leaf nodes; emphasis delimiters are paired on a bounded stack, so every character is
 * looked at a constant number of times and unbalanced markers simply stay text.
 */
function renderInline(line: string, options: MarkdownOptions, prefix: string): ReactNode[] {
  const tokens: Token[] = [];
  const openers: number[] = []; // indexes into tokens of delimiters that may still close
  let n = 0;
  const key = () => `${prefix}${n++}`;
  const text = (s: string) => tokens.push({ t: 'text', s });
  const node = (el: ReactElement) => tokens.push({ t: 'node', node: el });
  // The next `](` and the `[` that can pair with it, cached so runs of `[` stay linear.
  let linkMid = -2;
  let linkOpen = -1;

  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    const before = line[i - 1] ?? ' ';

    if (c === '`') {
      const end = line.indexOf('`', i + 1);
      if (end > i + 1) {
        node(<code key={key()}>{line.slice(i + 1, end)}</code>);
        i = end + 1;
        continue;
      }
    } else if (c === '[') {
      if (linkMid !== -1 && linkMid < i) {
        linkMid = line.indexOf('](', i);
        linkOpen = linkMid === -1 ? -1 : line.lastIndexOf('[', linkMid);
      }
      if (i === linkOpen) {
        const label = line.slice(i + 1, linkMid);
        const end = line.indexOf(')', linkMid + 2);
        const raw = end === -1 ? '' : line.slice(linkMid + 2, end);
        const href = label && !label.includes(']') && raw && !SPACE.test(raw) ? safeHref(raw) : null;
        if (href) {
          node(<a key={key()} href={href} {...LINK_PROPS}>{label}</a>);
          i = end + 1;
          continue;
        }
      }
    } else if ((c === 'h' || c === 'H') && !WORD_CHAR.test(before) && /^https?:\/\//i.test(line.slice(i, i + 8))) {
      let end = i;
      while (end < line.length && !/[\s<>"]/.test(line[end]!)) end++;
      // Trailing punctuation belongs to the sentence, a `)` too unless the URL opened one.
      const opensParen = line.slice(i, end).includes('(');
      while (end > i && (/[.,;:!?'*_~\]]/.test(line[end - 1]!) || (line[end - 1] === ')' && !opensParen))) end--;
      const raw = line.slice(i, end);
      const href = safeHref(raw);
      // On failure skip the whole run as text: rescanning from each inner `http` would be quadratic.
      if (href) node(<a key={key()} href={href} {...LINK_PROPS}>{raw}</a>);
      else text(raw);
      i = end;
      continue;
    } else if (c === '@') {
      // The server's own rule (protocol's mentionAt), so what is highlighted is what notified.
      const mention = mentionAt(line, i, i > 0 ? before : '');
      const known = mention && (mention.everyone || !options.mentionedUsernames || options.mentionedUsernames.has(mention.name));
      if (mention && known) {
        const me = mention.everyone || mention.name === options.ownUsername?.toLowerCase();
        node(<span key={key()} className={me ? 'mention mention-me' : 'mention'}>{line.slice(i, mention.end)}</span>);
        i = mention.end;
        continue;
      }
    } else if (c === '*' || c === '_' || c === '~') {
      let end = i;
      while (line[end] === c) end++;
      delimiterRun(c, end - i, before, line[end] ?? ' ');
      i = end;
      continue;
    }
    text(c);
    i++;
  }

  function delimiterRun(c: '*' | '_' | '~', run: number, before: string, after: string) {
    // Flanking: `2 * 3` is not emphasis, and `_` inside snake_case is not either.
    let canOpen = !SPACE.test(after);
    let canClose = !SPACE.test(before);
    if (c === '_') {
      canOpen &&= !WORD_CHAR.test(before);
      canClose &&= !WORD_CHAR.test(after);
    }
    // Chat syntax has only `*`, `**`, `_` and `~~`; other runs are text.
    let left = run;
    if ((c === '_' && run !== 1) || (c === '~' && run !== 2)) {
      text(c.repeat(run));
      left = 0;
    }
    while (left > 0) {
      // Close the nearest opener of this character that fits; openers above it stay literal.
      let s = openers.length - 1;
      if (canClose) {
        for (; s >= 0; s--) {
          const o = tokens[openers[s]!] as Extract<Token, { t: 'delim' }>;
          if (o.kind[0] === c && o.kind.length <= left) break;
        }
      }
      if (canClose && s >= 0) {
        const opener = tokens[openers[s]!] as Extract<Token, { t: 'delim' }>;
        opener.role = 'open';
        tokens.push({ t: 'delim', kind: opener.kind, role: 'close' });
        openers.length = s;
        left -= opener.kind.length;
      } else if (canOpen && openers.length < MAX_INLINE_DEPTH) {
        const kind = (c === '*' && left === 1 ? '*' : c === '_' ? '_' : c.repeat(2)) as Kind;
        openers.push(tokens.length);
        tokens.push({ t: 'delim', kind, role: 'text' });
        left -= kind.length;
      } else {
        text(c.repeat(left));
        left = 0;
      }
    }
  }

  // Build the tree; pairing always pops everything above a match, so opens and closes nest.
  const frames: { kind: Kind | null; children: ReactNode[] }[] = [{ kind: null, children: [] }];
  const append = (child: ReactNode) => {
    const children = frames.at(-1)!.children;
    const last = children.length - 1;
    // Merge adjacent text, so the output is one text node per run.
    if (typeof child === 'string' && typeof children[last] === 'string') children[last] += child;
    else children.push(child);
  };
  for (const token of tokens) {
    if (token.t === 'text') append(token.s);
    else if (token.t === 'node') append(token.node);
    else if (token.role === 'text') append(token.kind);
    else if (token.role === 'open') frames.push({ kind: token.kind, children: [] });
    else {
      const { kind, children } = frames.pop()!;
      const k = key();
      append(kind === '**' ? <strong key={k}>{children}</strong> : kind === '~~' ? <del key={k}>{children}</del> : <em key={k}>{children}</em>);
    }
  }
  return frames[0]!.children;
}

/**
 * One line of plain text from Markdown, for previews (sidebar, notifications): the words people
 * read, without the marks that format them.
 */
export function markdownToPlainText(source: string): string {
  return source
    .replace(/^\s{0,3}(```|~~~).*$/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/\[([^\]\n]*)\]\([^)\s]*\)/g, '$1')
    .replace(/(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])([*_])(?=\S)(.+?)(?<=\S)\2(?![\w*])/g, '$1$3')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
