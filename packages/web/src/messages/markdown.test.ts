import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { markdownToPlainText, renderMarkdown, type MarkdownOptions } from './markdown.js';

const html = (source: string, options: MarkdownOptions = {}) => renderToStaticMarkup(renderMarkdown(source, options));
const LINK = 'target="_blank" rel="noopener noreferrer nofollow"';

// React reports missing or duplicate keys through console.error: any call fails the test.
let consoleError: MockInstance;
beforeEach(() => { consoleError = vi.spyOn(console, 'error'); });
afterEach(() => {
  expect(consoleError).not.toHaveBeenCalled();
  consoleError.mockRestore();
});

describe('renderMarkdown blocks', () => {
  it('splits paragraphs on blank lines and breaks lines on single newlines', () => {
    expect(html('one\ntwo\n\nthree')).toBe('<p>one<br/>two</p><p>three</p>');
    expect(html('a\r\nb')).toBe('<p>a<br/>b</p>');
    expect(html('')).toBe('');
  });

  it('renders fenced code blocks verbatim, with an optional language', () => {
    expect(html('```ts\nconst a = **b**;\n<b>x</b>\n```')).toBe('<pre><code data-lang="ts">const a = **b**;\n&lt;b&gt;x&lt;/b&gt;</code></pre>');
    expect(html('before\n```\n*x*\n```\nafter')).toBe('<p>before</p><pre><code>*x*</code></pre><p>after</p>');
  });

  it('leaves an unclosed fence literal', () => {
    expect(html('```js\n*a*')).toBe('<p>```js<br/><em>a</em></p>');
  });

  it('renders block quotes, nested, with formatting inside', () => {
    expect(html('> quoted **bold**\n> more\nafter')).toBe('<blockquote><p>quoted <strong>bold</strong><br/>more</p></blockquote><p>after</p>');
    expect(html('> a\n>> b')).toBe('<blockquote><p>a</p><blockquote><p>b</p></blockquote></blockquote>');
  });

  it('caps quote nesting and keeps the rest literal', () => {
    const out = html('>'.repeat(50) + ' deep');
    expect(out.match(/<blockquote>/g)).toHaveLength(4);
    expect(out).toContain('&gt;'.repeat(46) + ' deep');
  });
});

describe('renderMarkdown inline', () => {
  it('renders bold, italic, strike and combinations', () => {
    expect(html('**b** *i* _i_ ~~s~~')).toBe('<p><strong>b</strong> <em>i</em> <em>i</em> <del>s</del></p>');
    expect(html('***both***')).toBe('<p><strong><em>both</em></strong></p>');
    expect(html('**bold *and italic***')).toBe('<p><strong>bold <em>and italic</em></strong></p>');
    expect(html('~~**x**~~')).toBe('<p><del><strong>x</strong></del></p>');
  });

  it('keeps unbalanced or non-flanking markers literal', () => {
    expect(html('**open')).toBe('<p>**open</p>');
    expect(html('*a **b*')).toBe('<p><em>a **b</em></p>');
    expect(html('2 * 3 * 4')).toBe('<p>2 * 3 * 4</p>');
    expect(html('snake_case_name')).toBe('<p>snake_case_name</p>');
    expect(html('~single~ ~~~three~~~')).toBe('<p>~single~ ~~~three~~~</p>');
    expect(html('* a*')).toBe('<p>* a*</p>');
  });

  it('renders inline code without formatting its content', () => {
    expect(html('run `**x** <b>` now')).toBe('<p>run <code>**x** &lt;b&gt;</code> now</p>');
    expect(html('a ` b')).toBe('<p>a ` b</p>');
    expect(html('``')).toBe('<p>``</p>');
  });

  it('links bare http(s) URLs, leaving trailing punctuation out', () => {
    expect(html('see https://example.com/a?b=1.')).toBe(`<p>see <a href="https://example.com/a?b=1" ${LINK}>https://example.com/a?b=1</a>.</p>`);
    expect(html('(http://example.com)')).toBe(`<p>(<a href="http://example.com/" ${LINK}>http://example.com</a>)</p>`);
    expect(html('https://en.wikipedia.org/wiki/Foo_(bar)')).toBe(`<p><a href="https://en.wikipedia.org/wiki/Foo_(bar)" ${LINK}>https://en.wikipedia.org/wiki/Foo_(bar)</a></p>`);
    expect(html('ftp://example.com')).toBe('<p>ftp://example.com</p>');
  });

  it('renders [text](url) links for http(s) and mailto only', () => {
    expect(html('[docs](https://example.com/docs)')).toBe(`<p><a href="https://example.com/docs" ${LINK}>docs</a></p>`);
    expect(html('[mail](mailto:a@example.com)')).toBe(`<p><a href="mailto:a@example.com" ${LINK}>mail</a></p>`);
    expect(html('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
    expect(html('[x](/relative)')).toBe('<p>[x](/relative)</p>');
    expect(html('[a [b](https://e.com/)')).toBe(`<p>[a <a href="https://e.com/" ${LINK}>b</a></p>`);
  });

  it('renders mentions, marking the reader and broadcasts', () => {
    expect(html('hi @bob and @me_1', { ownUsername: 'me_1' })).toBe(
      '<p>hi <span class="mention">@bob</span> and <span class="mention mention-me">@me_1</span></p>',
    );
    expect(html('@channel @here @Everyone')).toBe(
      '<p><span class="mention mention-me">@channel</span> <span class="mention mention-me">@here</span> <span class="mention mention-me">@Everyone</span></p>',
    );
    // The server's rule (protocol's mentionAt): case-insensitive, dots and hyphens inside a name,
    // not in e-mail addresses, between the username length limits.
    expect(html('@a @Bob a@bob.com @' + 'x'.repeat(33))).toBe(`<p>@a <span class="mention">@Bob</span> a@bob.com @${'x'.repeat(33)}</p>`);
    expect(html('thanks @ME_1.', { ownUsername: 'me_1' })).toBe('<p>thanks <span class="mention mention-me">@ME_1</span>.</p>');
    expect(html('@jean.luc-p! and caf\u00e9@bob')).toBe('<p><span class="mention">@jean.luc-p</span>! and caf\u00e9<span class="mention">@bob</span></p>');
    expect(html('@bob @eve', { mentionedUsernames: new Set(['bob']) })).toBe('<p><span class="mention">@bob</span> @eve</p>');
  });

  it('caps emphasis nesting', () => {
    const out = html('*a '.repeat(30) + 'x' + ' a*'.repeat(30));
    let depth = 0;
    let deepest = 0;
    for (const [tag] of out.matchAll(/<\/?em>/g)) deepest = Math.max(deepest, (depth += tag === '<em>' ? 1 : -1));
    expect(deepest).toBe(8);
    expect(out).toContain('*a *a');
  });
});

const ALLOWED = new Set(['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'a', 'span']);
const XSS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<div style="background:url(javascript:alert(1))">',
  '<body onload=alert(1)>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x]( javascript:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](jav&#x61;script:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](vbscript:msgbox(1))',
  '[x](https://e.com/"onmouseover="alert(1))',
  '[x](https://e.com/\'><script>alert(1)</script>)',
  '[x](<javascript:alert(1)>)',
  '[<img src=x onerror=alert(1)>](https://e.com/)',
  'javascript:alert(1)',
  'https://e.com/"><script>alert(1)</script>',
  'https://e.com/<img/src=x/onerror=alert(1)>',
  'data:text/html,<script>alert(1)</script>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  'java\0script:alert(1) [x](java\0script:alert(1)) <scr\0ipt>',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '> <img src=x onerror=alert(1)>',
  '**<script>**alert(1)**</script>**',
  '@bob<script>alert(1)</script>',
  '[x](mailto:a@e.com?body=<script>alert(1)</script>)',
];

describe('renderMarkdown XSS', () => {
  it.each(XSS)('renders %j safely', (payload) => {
    const out = html(payload);
    expect(out.toLowerCase()).not.toContain('<script');
    // Text is escaped, so every remaining `<` opens a real element.
    for (const [, name, attrs] of out.matchAll(/<\/?([a-zA-Z][^\s/>]*)([^>]*)>/g)) {
      expect(ALLOWED).toContain(name);
      for (const [, attr] of attrs!.matchAll(/\s([^\s=]+)=/g)) {
        expect(attr!.toLowerCase()).not.toMatch(/^on/);
        expect(['href', 'target', 'rel', 'class', 'data-lang']).toContain(attr);
      }
    }
    for (const [, href] of out.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https?:\/\/|mailto:)/);
  });

  it('keeps raw HTML as literal text', () => {
    expect(html('<b>x</b> <img onerror=alert(1)>')).toBe('<p>&lt;b&gt;x&lt;/b&gt; &lt;img onerror=alert(1)&gt;</p>');
  });
});

describe('renderMarkdown pathological input', () => {
  it.each([
    ['*', '*'.repeat(20_000)],
    ['[', '['.repeat(20_000)],
    ['[x](', '[x]('.repeat(5_000)],
    ['*a', '*a'.repeat(10_000)],
    ['_a _', '_a _'.repeat(5_000)],
    ['`', '`a'.repeat(10_000)],
    ['>', '>'.repeat(20_000)],
    ['```', '```js\n'.repeat(3_400)],
    ['http', 'http://['.repeat(2_500)],
    ['@', '@ab'.repeat(6_700)],
    ['mixed', '**_~~[`'.repeat(2_900)],
  ])('renders 20,000 characters of %s quickly', (_name, source) => {
    const started = performance.now();
    expect(() => html(source)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('markdownToPlainText', () => {
  it('keeps the words and drops the marks, for one-line previews', () => {
    expect(markdownToPlainText('See you at *7:15*?')).toBe('See you at 7:15?');
    expect(markdownToPlainText('**bold**, __strong__, ~~gone~~ and _soft_ and `code`')).toBe('bold, strong, gone and soft and code');
    expect(markdownToPlainText('> quoted\nline two')).toBe('quoted line two');
    expect(markdownToPlainText('read [the docs](https://example.com) now')).toBe('read the docs now');
    expect(markdownToPlainText('```\nconst x = 1;\n```')).toBe('const x = 1;');
    expect(markdownToPlainText('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
  });
});
