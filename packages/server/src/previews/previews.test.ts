import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LinkPreview, Message } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../fetch/testing.js';
import { eventually, failure, newClient, record } from '../testing/clients.js';
import { describeEachDialect, startTestServer, useTestServer, type SuiteServer } from '../testing/harness.js';
import { png } from '../testing/media.js';
import { api, expectError, rawFetch } from '../testing/raw.js';

/** Opens a gate closed by `closeGate`. */
type Open = () => void;

/**
 * A web site on loopback (allowlisted for the test servers with PARLEY_FETCH_ALLOW) serving pages
 * with OpenGraph tags and their images, and a canary on loopback that is not allowlisted: nothing
 * may ever connect to it. One of each per suite, so request counts belong to one test server.
 */
function useSite() {
  let cover: Buffer;
  /** Pages under /slow/ wait until the test opens their gate. */
  const gates = new Map<string, { opened: Promise<void>; open: Open }>();
  const envs: Record<string, string>[] = [];
  const web = {
    site: undefined as unknown as LocalServer,
    canary: undefined as unknown as LocalServer,
    /** The env of a test server that may fetch from the site (filled before servers start). */
    env(extra: Record<string, string> = {}): Record<string, string> {
      const env = { ...extra };
      envs.push(env);
      return env;
    },
    closeGate(name: string): Open {
      let open!: Open;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gates.set(name, { opened, open });
      return open;
    },
    /** Slow pages whose request was given up (the connection closed) before they answered. */
    abandoned: new Set<string>(),
    requestsFor: (path: string) => web.site.requests.filter((r) => r.url === path),
    url: (path: string) => web.site.origin + path,
  };

  function page(res: ServerResponse, name: string, image = `/image/${name}.png`): void {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': `tracker=${name}; Path=/` }).end(`<!doctype html>
      <html><head>
        <title>${name} | fallback</title>
        <meta property="og:title" content="Story ${name}">
        <meta property="og:description" content="All about ${name} &amp; more">
        <meta property="og:site_name" content="Loopback News">
        <meta property="og:image" content="${image}">
      </head><body><p>${'text '.repeat(1000)}</p></body></html>`);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, kind, name = ''] = new URL(req.url ?? '/', 'http://site').pathname.split('/');
    switch (kind) {
      case 'page':
        return page(res, name);
      case 'slow':
        res.once('close', () => res.writableFinished || web.abandoned.add(name));
        await gates.get(name)?.opened;
        return page(res, name);
      case 'image':
        res.writeHead(200, { 'content-type': 'image/png' }).end(cover);
        return;
      case 'bad-image':
        return page(res, name, `http://127.0.0.1:${web.canary.port}/image.png`);
      case 'svg-image':
        return page(res, name, '/logo.svg');
      case 'logo.svg':
        res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
        return;
      case 'to-canary':
        res.writeHead(302, { location: `http://127.0.0.1:${web.canary.port}/` }).end();
        return;
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"title":"not a page"}');
        return;
      default:
        res.writeHead(404).end();
    }
  }

  beforeAll(async () => {
    cover = await png(1200, 630);
    web.site = await startLocalServer((req, res) => void serve(req, res));
    web.canary = await startLocalServer((_req, res) => res.end('canary'));
    for (const env of envs) env.PARLEY_FETCH_ALLOW = `127.0.0.1:${web.site.port}`;
  });
  afterAll(async () => {
    for (const { open } of gates.values()) open();
    await web.site.close();
    await web.canary.close();
  });
  return web;
}

const preview = (m: Message): LinkPreview | undefined => m.previews[0];

describeEachDialect('link previews', (dialect) => {
  // Registered first, so the site runs before the test servers start and after they stop.
  const web = useSite();
  const { requestsFor, url } = web;
  const suite: SuiteServer = useTestServer(dialect, web.env());
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let group: string;

  beforeAll(async () => {
    [alice, bob, carol] = await suite.users(['alice', 'bob', 'carol']);
    group = (await alice.createGroup('Links', [bob.user!.id])).conversation.id;
  });

  /** Alice posts; bob (a member) hears the message updated with previews matching `ready`. */
  async function postAndAwait(text: string, ready: (m: Message) => boolean = (m) => m.previews.length > 0) {
    const updates = record(bob, 'message.updated');
    const sent = await alice.sendMessage(group, text);
    expect(sent.previews).toEqual([]);
    const update = await eventually(() => updates.find((e) => e.message.id === sent.id && ready(e.message)), 5_000, 'the preview');
    return { sent, updated: update.message, updates };
  }

  it('a link gets its preview live, with the image re-encoded and served by this server', async () => {
    const link = url('/page/harbour');
    const { sent, updated } = await postAndAwait(`Read this: ${link} (via Dana)`);
    expect(updated.previews).toHaveLength(1);
    const p = preview(updated)!;
    expect(p).toMatchObject({ url: link, title: 'Story harbour', description: 'All about harbour & more', siteName: 'Loopback News', imageWidth: 600, imageHeight: 315 });
    expect(p.imageUrl).toMatch(/^\/api\/v1\/files\/[0-9A-Z]{26}$/);
    expect(p.imageUrl).not.toContain(web.site.origin);

    const image = await bob.downloadFile(p.imageUrl!);
    expect(image.contentType).toBe('image/webp');
    const meta = await sharp(Buffer.from(image.bytes)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 600, 315]);

    // The site saw the server, never a reader, and no cookie went back to it.
    const [pageRequest, imageRequest] = [requestsFor('/page/harbour'), requestsFor('/image/harbour.png')];
    expect(pageRequest).toHaveLength(1);
    expect(imageRequest).toHaveLength(1);
    expect(imageRequest[0]!.headers.cookie).toBeUndefined();
    expect(imageRequest[0]!.headers['user-agent']).toMatch(/^ParleyBot/);

    // History pages (stored presentations) carry it too.
    const history = await bob.messages(group);
    expect(history.messages.find((m) => m.id === sent.id)!.previews).toEqual(updated.previews);
    expect(await alice.message(group, sent.id)).toMatchObject({ previews: updated.previews });
  });

  it('a non-member cannot see the preview or fetch its image, even with the exact id; anonymous gets 401', async () => {
    const { sent, updated } = await postAndAwait(url('/page/private'));
    const imageUrl = preview(updated)!.imageUrl!;
    expect((await rawFetch(suite.t.url + imageUrl, 'GET', { token: bob.token })).status).toBe(200);
    expectError(await rawFetch(suite.t.url + imageUrl, 'GET', { token: carol.token }), 404, 'not_found');
    expectError(await rawFetch(`${suite.t.url}${imageUrl}/thumbnail`, 'GET', { token: carol.token }), 404, 'not_found');
    expectError(await rawFetch(suite.t.url + imageUrl, 'GET'), 401);
    expect((await failure(carol.message(group, sent.id))).code).toBe('not_found');
    expect((await failure(carol.messages(group))).code).toBe('not_found');
  });

  it('up to 3 links get previews, in order, and the same link posted many times is fetched once', async () => {
    const links = ['one', 'two', 'three', 'four'].map((n) => url(`/page/${n}`));
    const { updated } = await postAndAwait(`${links.join(' and ')} and again ${links[0]}`, (m) => m.previews.length === 3);
    expect(updated.previews.map((p) => p.title)).toEqual(['Story one', 'Story two', 'Story three']);
    await suite.t.server.previewsIdle();
    expect(requestsFor('/page/four')).toHaveLength(0);

    const echo = url('/page/echo');
    const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => alice.sendMessage(group, `${echo} #${i}`)));
    await suite.t.server.previewsIdle();
    for (const m of sent) expect(preview(await bob.message(group, m.id))).toMatchObject({ url: echo, title: 'Story echo' });
    expect(requestsFor('/page/echo')).toHaveLength(1);
    expect(requestsFor('/image/echo.png')).toHaveLength(1);
    // Each message shows its own copy of the image, readable by its conversation's members.
    const imageUrls = await Promise.all(sent.map(async (m) => preview(await bob.message(group, m.id))!.imageUrl));
    expect(new Set(imageUrls).size).toBe(5);
  });

  it('links in code get no preview', async () => {
    const sent = await alice.sendMessage(group, `\`${url('/page/inline-code')}\`\n\`\`\`\n${url('/page/fenced')}\n\`\`\``);
    await suite.t.server.previewsIdle();
    expect((await bob.message(group, sent.id)).previews).toEqual([]);
    expect(requestsFor('/page/inline-code')).toHaveLength(0);
    expect(requestsFor('/page/fenced')).toHaveLength(0);
  });

  it('SSRF: links to loopback that is not allowlisted get no preview, and the canary sees no connection', async () => {
    const before = web.canary.connections;
    expect(before).toBe(0);
    const texts = [
      `http://127.0.0.1:${web.canary.port}/admin`,
      `http://localhost:${web.canary.port}/`,
      `http://[::ffff:127.0.0.1]:${web.canary.port}/`,
      `http://2130706433:${web.canary.port}/`,
      url('/to-canary'),
      'http://169.254.169.254/latest/meta-data/',
    ];
    const sent = [];
    for (const text of texts) sent.push(await alice.sendMessage(group, `look ${text}`));
    // A page that is allowed but whose image is on the canary keeps its text, without an image.
    const { updated } = await postAndAwait(url('/bad-image/x'));
    expect(preview(updated)).toMatchObject({ title: 'Story x', imageUrl: null, imageWidth: null, imageHeight: null });
    await suite.t.server.previewsIdle();
    for (const m of sent) expect((await bob.message(group, m.id)).previews).toEqual([]);
    expect(web.canary.connections).toBe(0);
    expect(requestsFor('/to-canary')).toHaveLength(1);
  });

  it('a page that is not HTML, or an image that is not a raster image, gives no preview or no image, and no error', async () => {
    const json = await alice.sendMessage(group, url('/json'));
    const { updated } = await postAndAwait(url('/svg-image/logo'));
    expect(preview(updated)).toMatchObject({ title: 'Story logo', imageUrl: null });
    await suite.t.server.previewsIdle();
    expect((await bob.message(group, json.id)).previews).toEqual([]);
  });

  it('the author removes the preview: its image goes, and it never comes back', async () => {
    const { sent, updated, updates } = await postAndAwait(url('/page/removable'));
    const imageUrl = preview(updated)!.imageUrl!;
    expect((await failure(bob.removePreviews(group, sent.id))).code).toBe('forbidden');

    const removed = await alice.removePreviews(group, sent.id);
    expect(removed.previews).toEqual([]);
    await eventually(() => updates.find((e) => e.message.id === sent.id && e.message.previews.length === 0), 3_000, 'bob hears of the removal');
    expect((await rawFetch(suite.t.url + imageUrl, 'GET', { token: bob.token })).status).toBe(404);

    // An edit with a new link does not bring previews back to this message.
    await alice.editMessage(group, sent.id, url('/page/removable-edited'));
    await suite.t.server.previewsIdle();
    expect((await bob.message(group, sent.id)).previews).toEqual([]);
    expect(requestsFor('/page/removable-edited')).toHaveLength(0);
  });

  it('previews removed while the page is still loading are not added when it arrives', async () => {
    const open = web.closeGate('removed-early');
    const sent = await alice.sendMessage(group, url('/slow/removed-early'));
    await eventually(() => requestsFor('/slow/removed-early').length === 1, 5_000, 'the fetch to start');
    await alice.removePreviews(group, sent.id);
    open();
    await suite.t.server.previewsIdle();
    expect((await bob.message(group, sent.id)).previews).toEqual([]);
  });

  it('editing the text to another link replaces the preview; an edit that keeps the links keeps it', async () => {
    const { sent, updated, updates } = await postAndAwait(url('/page/first'));
    const first = preview(updated)!;

    await alice.editMessage(group, sent.id, `fixed a typo: ${url('/page/first')}`);
    await suite.t.server.previewsIdle();
    expect((await bob.message(group, sent.id)).previews).toEqual([first]);

    await alice.editMessage(group, sent.id, `actually ${url('/page/second')}`);
    const replaced = await eventually(() => updates.find((e) => e.message.id === sent.id && preview(e.message)?.title === 'Story second'), 5_000, 'the new preview');
    expect(replaced.message.previews).toHaveLength(1);
    expect((await rawFetch(suite.t.url + first.imageUrl!, 'GET', { token: bob.token })).status).toBe(404);
    expect((await rawFetch(suite.t.url + preview(replaced.message)!.imageUrl!, 'GET', { token: bob.token })).status).toBe(200);

    await alice.editMessage(group, sent.id, 'no links any more');
    await eventually(() => updates.find((e) => e.message.id === sent.id && e.message.text === 'no links any more' && e.message.previews.length === 0), 5_000, 'the preview dropped');
    await suite.t.server.previewsIdle();
    expect((await bob.message(group, sent.id)).previews).toEqual([]);
  });

  it('a message deleted while its page loads gets no preview (and stays a tombstone)', async () => {
    const open = web.closeGate('deleted');
    const sent = await alice.sendMessage(group, url('/slow/deleted'));
    await eventually(() => requestsFor('/slow/deleted').length === 1, 5_000, 'the fetch to start');
    await alice.deleteMessage(group, sent.id);
    open();
    await suite.t.server.previewsIdle();
    const tombstone = await bob.message(group, sent.id);
    expect(tombstone).toMatchObject({ text: '', previews: [] });
    expect(tombstone.deletedAt).not.toBeNull();
  });

  it('removing previews is for members only: outsiders get 404, anonymous 401', async () => {
    const sent = await alice.sendMessage(group, 'no link');
    const path = `/conversations/${group}/messages/${sent.id}/previews`;
    expectError(await api(suite.t, 'DELETE', path, { token: carol.token }), 404, 'not_found');
    expectError(await api(suite.t, 'DELETE', path), 401);
  });

  it('shutdown gives up the previews still loading: their fetches stop at once', async () => {
    // A fetch timeout far past the shutdown grace: only the shutdown can end this fetch in time.
    const t = await startTestServer(dialect, { PARLEY_FETCH_ALLOW: `127.0.0.1:${web.site.port}`, PARLEY_FETCH_TIMEOUT_MS: '60000' });
    const [dave, erin] = [await newClient(t, 'dave'), await newClient(t, 'erin')];
    const dm = (await dave.createDm(erin.user!.id)).conversation.id;
    web.closeGate('shutdown');
    await dave.sendMessage(dm, url('/slow/shutdown'));
    await eventually(() => requestsFor('/slow/shutdown').length === 1, 5_000, 'the fetch to start');
    await t.close();
    await eventually(() => web.abandoned.has('shutdown'), 2_000, 'the fetch to be abandoned');
  });

  describe('with PARLEY_LINK_PREVIEWS=false', () => {
    const off = useTestServer(dialect, web.env({ PARLEY_LINK_PREVIEWS: 'false' }));

    it('nothing is fetched', async () => {
      const [dave, erin] = await off.users(['dave', 'erin']);
      const dm = (await dave.createDm(erin.user!.id)).conversation.id;
      const sent = await dave.sendMessage(dm, url('/page/disabled'));
      await off.t.server.previewsIdle();
      expect((await erin.message(dm, sent.id)).previews).toEqual([]);
      expect(requestsFor('/page/disabled')).toHaveLength(0);
    });
  });
});
