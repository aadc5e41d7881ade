import { describe, expect, it } from 'vitest';
import { extractPreview, extractUrls } from './opengraph.js';

const PAGE = 'https://news.example.com/2026/05/story.html?ref=chat';

describe('extractPreview', () => {
  it('reads OpenGraph tags from a realistic page', () => {
    const html = `<!DOCTYPE html>
      <html lang="en"><head>
        <meta charset="utf-8">
        <title>Fallback title | News</title>
        <meta name="description" content="Fallback description">
        <meta property="og:site_name" content="The  Example&nbsp;News">
        <meta property="og:title" content="Caf&eacute; owners &amp; &quot;the&quot; rent &#8212; a story &#x1F600;">
        <meta property="og:description" content="Line one
            line   two &lt;b&gt;not bold&lt;/b&gt;">
        <meta property="og:image" content="/images/cover.jpg?w=1200&amp;h=630">
        <meta property="og:url" content="https://www.news.example.com/2026/05/story.html">
        <link rel="stylesheet" href="/site.css">
      </head><body><h1>Story</h1></body></html>`;
    expect(extractPreview(html, PAGE)).toEqual({
      url: 'https://www.news.example.com/2026/05/story.html',
      title: 'Café owners & "the" rent — a story 😀',
      description: 'Line one line two <b>not bold</b>',
      siteName: 'The Example News',
      imageUrl: 'https://news.example.com/images/cover.jpg?w=1200&h=630',
    });
  });

  it('falls back to Twitter cards, then to <title> and <meta name="description">', () => {
    const twitter = `<head><title>T</title><meta name="twitter:title" content="Tw title">
      <meta name="twitter:description" content="Tw desc"><meta name="twitter:image" content="//cdn.example.net/a.png"></head>`;
    expect(extractPreview(twitter, PAGE)).toMatchObject({ title: 'Tw title', description: 'Tw desc', imageUrl: 'https://cdn.example.net/a.png' });

    const plain = `<html><head><TITLE>  Plain
      page </TITLE><META NAME="Description" CONTENT="About it"></head></html>`;
    expect(extractPreview(plain, PAGE)).toEqual({ url: PAGE, title: 'Plain page', description: 'About it', siteName: null, imageUrl: null });
  });

  it('skips empty OpenGraph values for the next candidate', () => {
    const html = '<head><meta property="og:title" content="   "><title>Real</title></head>';
    expect(extractPreview(html, PAGE)?.title).toBe('Real');
  });

  it('keeps the first value of a repeated tag', () => {
    const html = '<head><meta property="og:title" content="First"><meta property="og:title" content="Second"></head>';
    expect(extractPreview(html, PAGE)?.title).toBe('First');
  });

  it('reads og:image:url and og:image:secure_url, keeping only http(s) images', () => {
    const secure = '<title>x</title><meta property="og:image:secure_url" content="https://img.example/s.png">';
    expect(extractPreview(secure, PAGE)?.imageUrl).toBe('https://img.example/s.png');
    const viaUrl = '<title>x</title><meta property="og:image:url" content="pics/u.png">';
    expect(extractPreview(viaUrl, PAGE)?.imageUrl).toBe('https://news.example.com/2026/05/pics/u.png');
    const unsafe = `<title>x</title><meta property="og:image" content="javascript:alert(1)">
      <meta property="og:image:url" content="data:image/png;base64,AAAA"><meta name="twitter:image" content="file:///etc/passwd">`;
    expect(extractPreview(unsafe, PAGE)?.imageUrl).toBeNull();
    const fallback = `<title>x</title><meta property="og:image" content="data:image/png;base64,AAAA">
      <meta name="twitter:image" content="https://img.example/t.png">`;
    expect(extractPreview(fallback, PAGE)?.imageUrl).toBe('https://img.example/t.png');
  });

  it('resolves a relative image against <base href>', () => {
    const html = '<head><base href="https://static.example.org/assets/"><title>x</title><meta property="og:image" content="a.png"></head>';
    expect(extractPreview(html, PAGE)?.imageUrl).toBe('https://static.example.org/assets/a.png');
  });

  it('ignores an og:url on another site (a page cannot pose as another)', () => {
    const html = '<title>x</title><meta property="og:url" content="https://bank.example/login">';
    expect(extractPreview(html, PAGE)?.url).toBe(PAGE);
    const relative = '<title>x</title><meta property="og:url" content="/canonical">';
    expect(extractPreview(relative, PAGE)?.url).toBe('https://news.example.com/canonical');
  });

  it('returns null without a title or a description', () => {
    expect(extractPreview('<html><head><meta property="og:image" content="/a.png"></head><body>text</body></html>', PAGE)).toBeNull();
    expect(extractPreview('', PAGE)).toBeNull();
    expect(extractPreview('not html at all', PAGE)).toBeNull();
    expect(extractPreview('<title></title>', PAGE)).toBeNull();
    expect(extractPreview('<meta name="description" content="only a description">', PAGE)).toMatchObject({ title: null, description: 'only a description' });
  });

  it('is not fooled by meta tags inside scripts, styles or comments', () => {
    const html = `<head>
      <script>document.write('<meta property="og:title" content="fake from script">');</script>
      <style>/* <meta property="og:description" content="fake from style"> */</style>
      <!-- <meta property="og:image" content="https://evil.example/x.png"> -->
      <script type="application/ld+json">{"name": "<title>fake</title>"}</script>
      <title>Genuine</title>
    </head>`;
    expect(extractPreview(html, PAGE)).toEqual({ url: PAGE, title: 'Genuine', description: null, siteName: null, imageUrl: null });
  });

  it('stops at the end of <head>, explicit or implied by <body>', () => {
    const explicit = '<head><title>Head</title></head><body><meta property="og:description" content="late"></body>';
    expect(extractPreview(explicit, PAGE)?.description).toBeNull();
    const implied = '<html><head><title>Head</title><body><meta property="og:description" content="late">';
    expect(extractPreview(implied, PAGE)?.description).toBeNull();
  });

  it('strips control and bidi-override characters', () => {
    const html = '<title>pay\u202Egnp.exe\u202C now\u0007 \u2066x\u2069 \u200Fy\u200E\u0000</title>';
    expect(extractPreview(html, PAGE)?.title).toBe('paygnp.exe now x y');
  });

  it('caps the title at 300 and the description at 1000 characters, not splitting a surrogate pair', () => {
    const html = `<title>${'😀'.repeat(400)}</title><meta name="description" content="${'word '.repeat(400)}">`;
    const preview = extractPreview(html, PAGE);
    expect(preview?.title?.length).toBeLessThanOrEqual(300);
    expect(preview?.title?.endsWith('😀…')).toBe(true);
    expect(preview?.description?.length).toBeLessThanOrEqual(1000);
    expect(preview?.description?.endsWith('…')).toBe(true);
  });

  it('reads only the first 512 KB of a huge page, quickly', () => {
    const filler = `<meta name="filler" content="${'x'.repeat(1000)}">`.repeat(600);
    const huge = `<html><head><title>Huge</title>${filler}<meta property="og:description" content="after 600 KB"></head><body>${'<p>text</p>'.repeat(500_000)}</body></html>`;
    const started = performance.now();
    const preview = extractPreview(huge, PAGE);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(preview).toMatchObject({ title: 'Huge', description: null });
  });

  it('handles a big body after a small head without parsing it', () => {
    const html = `<head><title>Small</title></head><body>${'<div><meta property="og:title" content="no">'.repeat(200_000)}</body>`;
    expect(extractPreview(html, PAGE)?.title).toBe('Small');
  });
});

describe('extractUrls', () => {
  it('finds http(s) URLs in order, normalised and deduplicated', () => {
    expect(extractUrls('see https://Example.com and http://example.org/a?b=1#c, again https://example.com/')).toEqual([
      'https://example.com/',
      'http://example.org/a?b=1#c',
    ]);
  });

  it('stops at max (3 by default)', () => {
    const text = 'https://a.example https://b.example https://c.example https://d.example';
    expect(extractUrls(text)).toHaveLength(3);
    expect(extractUrls(text, 1)).toEqual(['https://a.example/']);
  });

  it('strips trailing punctuation, unbalanced parentheses and autolink brackets', () => {
    const text = `Look: https://a.example/x. Or (https://b.example/y), <https://c.example/z>!
      The [docs](https://d.example/guide) and https://en.wikipedia.org/wiki/Foo_(bar) too;
      also "https://e.example/q?x=1" and 'https://f.example/p' and *https://g.example*`;
    expect(extractUrls(text, 10)).toEqual([
      'https://a.example/x',
      'https://b.example/y',
      'https://c.example/z',
      'https://d.example/guide',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'https://e.example/q?x=1',
      'https://f.example/p',
      'https://g.example/',
    ]);
  });

  it('reads a Markdown link whose label is the URL once', () => {
    expect(extractUrls('[https://a.example/](https://a.example/)')).toEqual(['https://a.example/']);
  });

  it('skips inline code spans, including longer backtick runs', () => {
    const text = 'run `curl https://code.example/a` then ``echo `x` https://code.example/b`` and see https://real.example/';
    expect(extractUrls(text)).toEqual(['https://real.example/']);
  });

  it('treats an unmatched backtick as text', () => {
    expect(extractUrls('it`s at https://real.example/')).toEqual(['https://real.example/']);
  });

  it('skips fenced code blocks, closed or not', () => {
    const text = [
      'before https://one.example/',
      '```bash',
      'curl https://fenced.example/',
      '```',
      '~~~~',
      'https://tilde.example/',
      '~~~ not a close',
      '~~~~',
      'after https://two.example/',
      '```',
      'https://unclosed.example/',
    ].join('\n');
    expect(extractUrls(text, 10)).toEqual(['https://one.example/', 'https://two.example/']);
  });

  it('ignores other schemes and lookalikes', () => {
    expect(extractUrls('ftp://a.example javascript:alert(1) xhttps://b.example mailto:x@y.example https:// http://')).toEqual([]);
  });

  it('finds a URL with an IPv6 host (the fetcher decides whether to fetch it)', () => {
    expect(extractUrls('http://[2606:4700::1111]:8080/x.')).toEqual(['http://[2606:4700::1111]:8080/x']);
  });
});
