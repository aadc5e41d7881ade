import fs from 'node:fs';
import path from 'node:path';
import { ParleyClient, type CustomEmoji } from '@parley/sdk';
import sharp from 'sharp';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { failure, newClient, record, seen, uniqueTag } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { SVG_WITH_SCRIPT, animatedGif, photoWithGps, pixelFloodPng, png } from '../testing/media.js';
import { api, expectError } from '../testing/raw.js';
import { matchesEtag } from './emoji.routes.js';

describeEachDialect('custom emoji', (dialect) => {
  const suite = useTestServer(dialect, { PARLEY_ADMINS: 'emoji_boss, other_boss' });
  let admin: ParleyClient;
  let member: ParleyClient;
  let outsider: ParleyClient;
  let group: string;

  beforeAll(async () => {
    // The first account of an installation is its admin.
    [admin, member, outsider] = await suite.users(['admin', 'member', 'outsider']);
    group = (await admin.createGroup('Emoji fans', [member.user!.id])).conversation.id;
  });

  /** Files in the blob store (staging included): a refused upload must leave none behind. */
  const storedFiles = () => {
    const root = path.join(suite.t.server.config.dataDir, 'files');
    return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  };

  it('an admin adds :parley:; a member lists it, downloads its image, writes it and reacts with it', async () => {
    const added = await admin.emoji.add('parley', await png(300, 200));
    expect(added).toMatchObject({ name: 'parley', contentType: 'image/png', width: 128, height: 85, createdBy: admin.user!.id });
    expect(added.url).toMatch(/^\/api\/v1\/files\/[0-9A-Z]{26}$/);

    const list = await member.emoji.list();
    expect(list.map((e) => e.name)).toContain('parley');
    const image = await member.downloadFile(list.find((e) => e.name === 'parley')!.url);
    expect(image.contentType).toBe('image/png');
    const meta = await sharp(Buffer.from(image.bytes)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 85]);
    // Any logged-in user may see it, member of nothing or not.
    expect((await outsider.downloadFile(added.url)).contentType).toBe('image/png');

    const sent = await member.sendMessage(group, 'ship it :parley: :tada:');
    expect(sent.text).toBe('ship it :parley: :tada:');
    expect((await admin.messages(group)).messages.at(-1)!.text).toBe('ship it :parley: :tada:');

    const reactions = record(admin, 'reaction.added');
    const reacted = await member.toggleReaction(group, sent.id, ':parley:');
    expect(reacted.message.reactions).toEqual([{ emoji: ':parley:', count: 1, userIds: [member.user!.id] }]);
    expect(await seen(reactions, (e) => e.messageId === sent.id, 'reaction.added')).toMatchObject({ emoji: ':parley:', count: 1 });
    await admin.toggleReaction(group, sent.id, '❤'); // stored as its fully-qualified form, ❤️
    expect((await admin.toggleReaction(group, sent.id, '❤️')).added).toBe(false);
  });

  it('keeps animated GIFs animated, and re-encodes what it stores (no EXIF survives)', async () => {
    const dance = await admin.emoji.add('dance', await animatedGif(300, 200));
    expect(dance).toMatchObject({ contentType: 'image/gif', width: 128, height: 85 });
    const stored = await sharp(Buffer.from((await member.downloadFile(dance.url)).bytes), { animated: true }).metadata();
    expect([stored.format, stored.pages, stored.width, stored.pageHeight]).toEqual(['gif', 2, 128, 85]);

    const photo = await admin.emoji.add('photo_1', await photoWithGps(64, 64));
    expect(photo).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 64 });
    expect((await sharp(Buffer.from((await member.downloadFile(photo.url)).bytes)).metadata()).exif).toBeUndefined();
  });

  it('the list answers 304 while unchanged (ETag), and the SDK keeps what it had', async () => {
    const first = await api(suite.t, 'GET', '/emoji', { token: member.token });
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${(first.json as { version: string }).version}"`);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await api(suite.t, 'GET', '/emoji', { token: member.token, headers: { 'if-none-match': etag } });
    expect([again.status, again.text]).toEqual([304, '']);

    const kept = await member.emoji.list();
    expect(await member.emoji.list()).toBe(kept);
    await admin.emoji.add('plus_one+', await png(32, 32));
    const changed = await member.emoji.list();
    expect(changed).not.toBe(kept);
    expect(changed.map((e) => e.name)).toEqual([...kept.map((e) => e.name), 'plus_one+'].sort());
    expect((await api(suite.t, 'GET', '/emoji', { token: member.token, headers: { 'if-none-match': etag } })).status).toBe(200);
  });

  it('refuses bad names, taken names, non-images and oversize images with clear errors, storing nothing', async () => {
    const before = { list: await admin.emoji.list(), usage: (await admin.storageUsage()).usedBytes, files: storedFiles() };
    const image = await png(64, 64);
    for (const name of ['Parley', 'x', 'a'.repeat(33), 'with space', 'colon:s', 'ünicode', '']) {
      const err = await failure(admin.emoji.add(name, image));
      expect([err.status, err.code], name).toEqual([400, 'validation_failed']);
    }
    const duplicate = await failure(admin.emoji.add('parley', image));
    expect([duplicate.status, duplicate.code, duplicate.message]).toEqual([409, 'conflict', 'A custom emoji named :parley: already exists']);
    const shadow = await failure(admin.emoji.add('tada', image));
    expect([shadow.status, shadow.code]).toEqual([409, 'conflict']);
    expect(shadow.message).toContain('🎉');
    expect((await failure(admin.emoji.add('thumbsup', image))).status).toBe(409);

    for (const [what, bytes] of [
      ['text', Buffer.from('just some text, not an image')],
      ['svg', SVG_WITH_SCRIPT],
    ] as const) {
      const err = await failure(admin.emoji.add(`not_${what}`, bytes));
      expect([err.status, err.code], what).toEqual([415, 'unsupported_media_type']);
    }
    const tooBig = await failure(admin.emoji.add('too_big', Buffer.concat([image, Buffer.alloc(1024 * 1024)])));
    expect([tooBig.status, tooBig.code]).toEqual([413, 'payload_too_large']);
    expect(tooBig.message).toContain('1 MiB');
    const flood = await failure(admin.emoji.add('flood', pixelFloodPng()));
    expect([flood.status, flood.code]).toEqual([422, 'unprocessable_media']);

    expect(await admin.emoji.list()).toEqual(before.list);
    expect((await admin.storageUsage()).usedBytes).toBe(before.usage);
    expect(storedFiles()).toBe(before.files);
  });

  it('a member cannot add or delete (403), and nothing changes', async () => {
    const before = await admin.emoji.list();
    const add = await failure(member.emoji.add('mine', await png(16, 16)));
    expect([add.status, add.code, add.message]).toEqual([403, 'forbidden', 'Only installation admins can add custom emoji']);
    expect((await failure(member.emoji.remove('parley'))).status).toBe(403);
    expect(await admin.emoji.list()).toEqual(before);
    expect((await member.storageUsage()).usedBytes).toBe(0);
  });

  it('PARLEY_ADMINS makes more admins, from their first request after registering', async () => {
    const boss = suite.track(await newClient(suite.t, 'x'));
    expect((await failure(boss.emoji.add('boss', await png(16, 16)))).status).toBe(403);
    const listed = suite.client();
    await listed.register({ username: 'emoji_boss', password: 'correct horse battery staple' });
    expect((await listed.emoji.add('boss', await png(16, 16))).createdBy).toBe(listed.user!.id);
    await listed.emoji.remove('boss');
  });

  it('reactions with an unknown custom emoji, a shortcode or anything else are refused', async () => {
    const message = await member.sendMessage(group, `react ${uniqueTag()}`);
    const unknown = await failure(member.toggleReaction(group, message.id, ':nope:'));
    expect([unknown.status, unknown.code, unknown.message]).toEqual([404, 'not_found', 'Custom emoji :nope: not found']);
    const shortcode = await failure(member.toggleReaction(group, message.id, ':tada:'));
    expect([shortcode.status, shortcode.code]).toEqual([400, 'validation_failed']);
    expect(shortcode.message).toContain('🎉');
    for (const bad of ['parley', ':parley', ':Parley:', '::', ':a:', '👍 :parley:']) {
      expect((await failure(member.toggleReaction(group, message.id, bad))).code, bad).toBe('validation_failed');
    }
    expect((await admin.message(group, message.id)).reactions).toEqual([]);
    // A custom emoji reaction is still a conversation's: outsiders get 404 as for any reaction.
    expect((await failure(outsider.toggleReaction(group, message.id, ':parley:'))).code).toBe('not_found');
  });

  it('deleting a custom emoji keeps reactions made with it (as :name:), which can still be taken back', async () => {
    await admin.emoji.add('doomed', await png(20, 20));
    const url = (await admin.emoji.list()).find((e) => e.name === 'doomed')!.url;
    const message = await admin.sendMessage(group, 'vote :doomed:');
    await member.toggleReaction(group, message.id, ':doomed:');
    await admin.toggleReaction(group, message.id, ':doomed:');

    await admin.emoji.remove('doomed');
    expect((await member.emoji.list()).map((e) => e.name)).not.toContain('doomed');
    expect((await failure(member.downloadFile(url))).code).toBe('not_found');
    const kept = await member.message(group, message.id);
    expect(kept.text).toBe('vote :doomed:');
    expect(kept.reactions).toEqual([{ emoji: ':doomed:', count: 2, userIds: [member.user!.id, admin.user!.id] }]);

    const undone = await member.toggleReaction(group, message.id, ':doomed:');
    expect(undone).toMatchObject({ added: false, message: { reactions: [{ emoji: ':doomed:', count: 1 }] } });
    expect((await failure(member.toggleReaction(group, message.id, ':doomed:'))).code).toBe('not_found');
    expect((await failure(admin.emoji.remove('doomed'))).code).toBe('not_found');

    // Added back, the name works again (clients show its new image for the old reactions too).
    await admin.emoji.add('doomed', await png(24, 24));
    expect((await member.toggleReaction(group, message.id, ':doomed:')).added).toBe(true);
  });

  it('answers 401 to anonymous requests on every custom emoji route', async () => {
    expectError(await api(suite.t, 'GET', '/emoji'), 401, 'unauthorized');
    expectError(await api(suite.t, 'POST', '/emoji', { query: { name: 'anon' } }), 401, 'unauthorized');
    expectError(await api(suite.t, 'DELETE', '/emoji/parley'), 401, 'unauthorized');
    const { url } = (await admin.emoji.list())[0]!;
    expect((await fetch(suite.t.url + url)).status).toBe(401);
  });
});

describe('SDK typing', () => {
  it('types the custom emoji methods from the protocol', () => {
    const client = new ParleyClient({ baseUrl: 'http://127.0.0.1:9' });
    expectTypeOf(client.emoji.list).returns.resolves.toEqualTypeOf<CustomEmoji[]>();
    expectTypeOf(client.emoji.add).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(client.emoji.add).returns.resolves.toEqualTypeOf<CustomEmoji>();
    expectTypeOf(client.emoji.remove).returns.resolves.toEqualTypeOf<void>();
  });
});

describe('matchesEtag', () => {
  it('reads If-None-Match lists, weak tags and *', () => {
    expect(matchesEtag('"a"', '"a"')).toBe(true);
    expect(matchesEtag('W/"a"', '"a"')).toBe(true);
    expect(matchesEtag('"b", "a"', '"a"')).toBe(true);
    expect(matchesEtag('*', '"a"')).toBe(true);
    expect(matchesEtag('"b"', '"a"')).toBe(false);
    expect(matchesEtag(undefined, '"a"')).toBe(false);
  });
});
