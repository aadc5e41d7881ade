import { Parser } from 'htmlparser2';

export interface PagePreview {
  url: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  imageUrl: string | null;
}

const MAX_HTML_CHARS = 512 * 1024;
const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;
const MAX_SITE_NAME = 300;
const MAX_IMAGE_URL = 2048;

const IMAGE_KEYS = ['og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src'];

/**
 * Reads a link preview from a page's <head>: OpenGraph first, then Twitter cards, then <title> and
 * <meta name="description">. Text comes back decoded, single-spaced, capped, and without control
 * or bidi-override characters (which could reorder the chat around it). Null when the page has
 * neither a title nor a description.
 *
 * @example extractPreview('<title>Hi</title>', 'https://example.com/') // { url: 'https://example.com/', title: 'Hi', ... }
 */
export function extractPreview(html: string, pageUrl: string): PagePreview | null {
  const head = readHead(html.slice(0, MAX_HTML_CHARS));
  const meta = (...keys: string[]) => keys.map((k) => head.meta.get(k));

  const title = firstText(MAX_TITLE, ...meta('og:title', 'twitter:title'), head.title);
  const description = firstText(MAX_DESCRIPTION, ...meta('og:description', 'twitter:description', 'description'));
  if (title === null && description === null) return null;

  const base = httpUrl(head.baseHref ?? '', pageUrl) ?? pageUrl;
  return {
    url: canonicalUrl(head.meta.get('og:url'), pageUrl),
    title,
    description,
    siteName: firstText(MAX_SITE_NAME, head.meta.get('og:site_name')),
    imageUrl: meta(...IMAGE_KEYS).reduce<string | null>((found, raw) => found ?? imageUrl(raw, base), null),
  };
}

interface Head {
  /** Meta content by lower-cased `property` or `name`; the first occurrence wins. */
  meta: Map<string, string>;
  title: string | undefined;
  baseHref: string | undefined;
}

function readHead(html: string): Head {
  const head: Head = { meta: new Map(), title: undefined, baseHref: undefined };
  let titleText: string | null = null;
  let done = false;
  // The parser decodes entities, and keeps <script>/<style> bodies as text (no fake <meta> there).
  const parser = new Parser({
    onopentag(name, attrs) {
      if (done) return;
      if (name === 'meta') {
        const key = (attrs.property ?? attrs.name ?? '').trim().toLowerCase();
        if (key && attrs.content !== undefined && !head.meta.has(key)) head.meta.set(key, attrs.content);
      } else if (name === 'title' && head.title === undefined) {
        titleText = '';
      } else if (name === 'base' && head.baseHref === undefined && attrs.href !== undefined) {
        head.baseHref = attrs.href;
      }
    },
    ontext(text) {
      if (titleText !== null) titleText += text;
    },
    onclosetag(name) {
      if (name === 'title' && titleText !== null) {
        head.title = titleText;
        titleText = null;
      }
      // Also fires (implied) when <body> opens without a </head>.
      if (name === 'head') {
        done = true;
        parser.pause();
      }
    },
  });
  parser.write(html);
  if (!done) parser.end();
  return head;
}

/** C0/C1 controls other than whitespace (collapsed separately), and the bidi marks, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The first candidate that still has text once cleaned, capped at `max` characters. */
function firstText(max: number, ...candidates: (string | undefined)[]): string | null {
  for (const raw of candidates) {
    if (raw === undefined) continue;
    const text = raw.replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
    if (text) return truncate(text, max);
  }
  return null;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Never leave half of a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** An absolute http(s) URL from `raw` resolved against `base`, or null. */
function httpUrl(raw: string, base?: string): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function imageUrl(raw: string | undefined, base: string): string | null {
  const url = raw === undefined ? null : httpUrl(raw, base);
  return url !== null && url.length <= MAX_IMAGE_URL ? url : null;
}

/**
 * og:url only when it stays on the page's own host (give or take `www.`): a page must not make
 * its preview claim to be another site.
 */
function canonicalUrl(ogUrl: string | undefined, pageUrl: string): string {
  const url = ogUrl === undefined ? null : httpUrl(ogUrl, pageUrl);
  const page = httpUrl(pageUrl);
  if (url === null || page === null) return pageUrl;
  const host = (u: string) => new URL(u).hostname.replace(/^www\./, '');
  return host(url) === host(page) ? url : pageUrl;
}

/**
 * Finds up to `max` distinct http(s) URLs in a message's Markdown source, in order, skipping code
 * (fenced blocks and inline spans) and the punctuation around a URL that is not part of it.
 *
 * @example extractUrls('see <https://a.example/x>, and (https://b.example).') // ['https://a.example/x', 'https://b.example/']
 */
export function extractUrls(text: string, max = 3): string[] {
  const found = new Set<string>();
  const prose = withoutInlineCode(withoutFences(text));
  for (const match of prose.matchAll(URL_PATTERN)) {
    if (found.size >= max) break;
    const href = httpUrl(trimTrailing(match[0]));
    if (href !== null) found.add(href);
  }
  return [...found];
}

/** A bracketed IPv6 host or an ordinary authority, then a path/query/fragment without spaces or <>"`[]. */
const URL_PATTERN = /(?<![\w.+-])https?:\/\/(?:\[[0-9a-f:.]+\](?::\d+)?|[^\s<>"`[\]/?#\\]+)(?:[/?#][^\s<>"`[\]]*)?/gi;

/** Trailing characters that end a sentence rather than a URL (as GFM autolinks). */
function trimTrailing(url: string): string {
  let out = url;
  for (;;) {
    if (/[.,:;!?'*_~]$/.test(out)) out = out.slice(0, -1);
    else if (out.endsWith(')') && count(out, '(') < count(out, ')')) out = out.slice(0, -1);
    else return out;
  }
}

const count = (text: string, char: string) => text.split(char).length - 1;

/** Replaces fenced code blocks (``` or ~~~, closed by a fence at least as long) by blank lines. */
function withoutFences(text: string): string {
  let open: string | null = null;
  return text
    .split('\n')
    .map((line) => {
      const [, marker = '', rest = ''] = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line) ?? [];
      if (open === null) {
        // A backtick fence's info string may not contain backticks: that line is inline code.
        if (!marker || (marker.startsWith('`') && rest.includes('`'))) return line;
        open = marker;
        return '';
      }
      if (marker.startsWith(open.charAt(0)) && marker.length >= open.length && rest.trim() === '') open = null;
      return '';
    })
    .join('\n');
}

/** Replaces inline code spans (a run of N backticks up to the next run of exactly N) by a space. */
function withoutInlineCode(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = /`+/g;
    open.lastIndex = i;
    const start = open.exec(text);
    if (!start) break;
    out += text.slice(i, start.index);
    const close = new RegExp(`(?<!\`)${start[0]}(?!\`)`, 'g');
    close.lastIndex = start.index + start[0].length;
    const end = close.exec(text);
    if (end) {
      out += ' ';
      i = end.index + end[0].length;
    } else {
      // An unmatched run is literal text.
      out += start[0];
      i = start.index + start[0].length;
    }
  }
  return out + text.slice(i);
}
