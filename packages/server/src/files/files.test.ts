import fs from 'node:fs';
import path from 'node:path';
import type { ParleyClient } from '@parley/sdk';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, failure, record } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { SVG_WITH_SCRIPT, animatedGif, photoWithGps, pixelFloodPng, png, wav, zipBomb } from '../testing/media.js';

describeEachDialect('attachments', (dialect) => {
  const suite = useTestServer(dialect, { PARLEY_UPLOAD_MAX_BYTES: String(8 * 2 ** 20), PARLEY_UPLOAD_QUOTA_BYTES: String(64 * 2 ** 20) });
  let alice: ParleyClient;
  let bob: ParleyClient;
  let eve: ParleyClient;
  let dm: string;

  beforeAll(async () => {
    [alice, bob, eve] = await suite.users(['alice', 'bob', 'eve']);
    dm = (await alice.createDm(bob.user!.id)).conversation.id;
  });

  /** A raw authenticated request, to see exactly the status and headers a browser would. */
  const raw = (client: ParleyClient | null, urlPath: string, init: RequestInit = {}) =>
    fetch(suite.t.url + urlPath, { ...init, headers: { ...(client ? { authorization: `Bearer ${client.token}` } : {}), ...(init.headers as Record<string, string>) } });
  const stagingEmpty = () => fs.readdirSync(path.join(suite.t.server.config.dataDir, 'files', 'staging')).length === 0;

  it('a photo: uploaded with progress, GPS stripped, sized, thumbnailed, delivered live and downloadable by members', async () => {
    const photo = await photoWithGps(1600, 1200);
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const progress: number[] = [];
    const upload = await alice.uploadFile(photo, { name: 'holiday.jpg', onProgress: (p) => progress.push(p.sent) });
    expect(progress.at(-1)).toBe(photo.length);
    expect(upload).toMatchObject({ kind: 'image', contentType: 'image/jpeg', width: 1600, height: 1200, name: 'holiday.jpg', attached: false });
    expect(upload.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);

    const received = record(bob, 'message.created');
    const sent = await alice.sendMessage(dm, 'Look at this', { attachments: [upload.id] });
    expect(sent.attachments).toHaveLength(1);
    expect(sent.attachments[0]).toMatchObject({ id: upload.id, kind: 'image', width: 1600, height: 1200 });
    const live = await eventually(() => received.find((e) => e.message.id === sent.id), 3000, 'bob receives the photo');
    expect(live.message.attachments[0]!.url).toBe(`/api/v1/files/${upload.id}`);

    const file = await bob.downloadFile(live.message.attachments[0]!.url);
    expect(file.contentType).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(file.bytes)).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([1600, 1200]);
    const thumb = await bob.downloadFile(live.message.attachments[0]!.thumbnailUrl!);
    const thumbMeta = await sharp(Buffer.from(thumb.bytes)).metadata();
    expect(thumbMeta.format).toBe('webp');
    expect(Math.max(thumbMeta.width!, thumbMeta.height!)).toBe(480);

    const history = await bob.messages(dm);
    expect(history.messages.find((m) => m.id === sent.id)!.attachments[0]!.id).toBe(upload.id);
  });

  it('a portrait photo from a phone: metadata removed without re-encoding, shown upright, sized as shown', async () => {
    // Phones store portrait photos sideways with EXIF orientation 6 ("turn a quarter to show").
    const sideways = await sharp(await photoWithGps(1600, 1200)).withMetadata({ orientation: 6 }).withExif({ IFD0: { Make: 'ParleyPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } }).jpeg({ quality: 85 }).toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const upload = await alice.uploadFile(sideways, { name: 'portrait.jpg' });
    expect(upload).toMatchObject({ kind: 'image', contentType: 'image/jpeg', width: 1200, height: 1600 });
    const stored = Buffer.from((await alice.downloadFile(upload.url)).bytes);
    expect(stored.includes(Buffer.from('ParleyPhone'))).toBe(false);
    const meta = await sharp(stored).metadata();
    expect(meta.orientation).toBe(6);
    // The same pixels as the original: nothing was decoded and encoded again.
    expect((await sharp(stored).raw().toBuffer()).equals(await sharp(sideways).raw().toBuffer())).toBe(true);
    const thumb = await sharp(Buffer.from((await alice.downloadFile(upload.thumbnailUrl!)).bytes)).metadata();
    expect([thumb.width, thumb.height]).toEqual([360, 480]);
  });

  it('a non-member cannot download, see the thumbnail or learn that the file exists; anonymous gets 401', async () => {
    const upload = await alice.uploadFile(await png(), { name: 'secret.png' });
    await alice.sendMessage(dm, '', { attachments: [upload.id] });
    for (const url of [`/api/v1/files/${upload.id}`, `/api/v1/files/${upload.id}/thumbnail`]) {
      const res = await raw(eve, url);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
      expect((await raw(null, url)).status).toBe(401);
    }
    expect((await failure(eve.downloadFile(`/api/v1/files/${upload.id}`))).code).toBe('not_found');
  });

  it('an upload is private to its uploader until attached, and can be attached only once, by them', async () => {
    const upload = await alice.uploadFile(await png(), { name: 'a.png' });
    expect((await raw(bob, `/api/v1/files/${upload.id}`)).status).toBe(404);
    expect((await raw(alice, `/api/v1/files/${upload.id}`)).status).toBe(200);
    expect((await failure(bob.sendMessage(dm, 'mine now', { attachments: [upload.id] }))).code).toBe('not_found');
    await alice.sendMessage(dm, 'once', { attachments: [upload.id] });
    expect((await failure(alice.sendMessage(dm, 'twice', { attachments: [upload.id] }))).code).toBe('conflict');
  });

  it('a retried send with the same clientId returns the original message with its attachments', async () => {
    const upload = await alice.uploadFile(await png(), { name: 'r.png' });
    const first = await alice.sendMessage(dm, 'retry', { attachments: [upload.id], clientId: 'files-retry-1' });
    const again = await alice.sendMessage(dm, 'retry', { attachments: [upload.id], clientId: 'files-retry-1' });
    expect(again.id).toBe(first.id);
    expect(again.attachments.map((a) => a.id)).toEqual([upload.id]);
  });

  it('up to 10 attachments, in order; an eleventh is refused', async () => {
    const uploads = [];
    for (let i = 0; i < 11; i++) uploads.push(await alice.uploadFile(Buffer.from(`document ${i}\n`), { name: `doc-${i}.txt` }));
    expect((await failure(alice.sendMessage(dm, 'too many', { attachments: uploads.map((u) => u.id) }))).code).toBe('validation_failed');
    const sent = await alice.sendMessage(dm, 'ten', { attachments: uploads.slice(0, 10).map((u) => u.id) });
    expect(sent.attachments.map((a) => a.name)).toEqual(uploads.slice(0, 10).map((u) => u.name));
    expect(sent.attachments.every((a) => a.kind === 'file')).toBe(true);
  });

  it('a GIF keeps its animation and gets a still thumbnail', async () => {
    const gif = await animatedGif();
    const upload = await alice.uploadFile(gif, { name: 'party.gif' });
    expect(upload).toMatchObject({ kind: 'gif', contentType: 'image/gif', width: 40, height: 30 });
    const sent = await alice.sendMessage(dm, '', { attachments: [upload.id] });
    const original = await bob.downloadFile(sent.attachments[0]!.url);
    expect(Buffer.from(original.bytes).equals(gif)).toBe(true);
    const still = await sharp(Buffer.from((await bob.downloadFile(sent.attachments[0]!.thumbnailUrl!)).bytes)).metadata();
    expect(still.pages ?? 1).toBe(1);
  });

  it('a voice note: audio with its duration (from the file) and the recorder’s waveform', async () => {
    const waveform = [0, 40, 200, 255, 120, 30];
    const upload = await alice.uploadVoiceNote(wav(1500), { durationMs: 1400, waveform });
    expect(upload).toMatchObject({ kind: 'voice', contentType: 'audio/wav', durationMs: 1500, waveform });
    expect((await failure(alice.uploadVoiceNote(await png(), { durationMs: 1000, waveform }))).code).toBe('unsupported_media_type');
    const plainAudio = await alice.uploadFile(wav(2000), { name: 'song.wav' });
    expect(plainAudio).toMatchObject({ kind: 'audio', durationMs: 2000, waveform: null });
  });

  it('downloads: inline-safe types inline, everything else an attachment, always nosniff and sandboxed; ranges for media', async () => {
    const audio = await alice.uploadFile(wav(500), { name: 'clip.wav' });
    const svg = await alice.uploadFile(SVG_WITH_SCRIPT, { name: 'logo.svg' });
    expect(svg.kind).toBe('file');
    const html = await alice.uploadFile(Buffer.from('<html><script>alert(1)</script></html>'), { name: 'page.html' });
    await alice.sendMessage(dm, 'files', { attachments: [audio.id, svg.id, html.id] });

    const res = await raw(bob, audio.url);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; /);
    for (const f of [svg, html]) {
      const r = await raw(bob, f.url);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toContain('sandbox');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    const ranged = await raw(bob, audio.url, { headers: { range: 'bytes=0-43' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-43/${audio.size}`);
    expect(Buffer.from(await ranged.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
    expect((await raw(bob, audio.url, { headers: { range: `bytes=${audio.size + 10}-` } })).status).toBe(416);
  });

  it('file names: path traversal, control and direction-override characters are neutralised', async () => {
    const cases: [string, string][] = [
      ['../../etc/passwd', 'passwd'],
      ['..\\..\\windows\\system32\\evil.dll', 'evil.dll'],
      ['invoice\u202Egpj.exe', 'invoicegpj.exe'],
      ['bell\u0007\u0000name.txt', 'bellname.txt'],
      ['.hidden', 'hidden'],
      ['../', 'file'],
    ];
    for (const [name, expected] of cases) {
      const upload = await alice.uploadFile(Buffer.from('x'), { name });
      expect(upload.name).toBe(expected);
    }
    const upload = await alice.uploadFile(Buffer.from('x'), { name: 'résumé "final".txt' });
    const sent = await alice.sendMessage(dm, '', { attachments: [upload.id] });
    const res = await raw(bob, sent.attachments[0]!.url);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_ _final_.txt"; filename*=UTF-8''${encodeURIComponent('résumé _final_.txt')}`);
  });

  describe('bad input: refused with a clear error, nothing half-stored', () => {
    it('wrong magic bytes: a ".jpg" that is not an image is stored as a plain file, served as a download', async () => {
      const upload = await alice.uploadFile(Buffer.from('MZ\x90\x00 definitely not a jpeg'), { name: 'photo.jpg' });
      expect(upload).toMatchObject({ kind: 'file', thumbnailUrl: null, width: null });
      expect(upload.contentType).not.toMatch(/^image\//);
    });

    it('JPEG magic bytes over garbage: 422, nothing stored', async () => {
      const before = await alice.storageUsage();
      const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
      const err = await failure(alice.uploadFile(fake, { name: 'broken.jpg' }));
      expect(err.code).toBe('unprocessable_media');
      expect(err.status).toBe(422);
      expect((await alice.storageUsage()).usedBytes).toBe(before.usedBytes);
      expect(stagingEmpty()).toBe(true);
    });

    it('a pixel-flood PNG (100,000 × 100,000) is refused before decoding', async () => {
      const bomb = pixelFloodPng();
      expect(bomb.length).toBeLessThan(200_000);
      const err = await failure(alice.uploadFile(bomb, { name: 'flood.png' }));
      expect(err.code).toBe('unprocessable_media');
      expect(err.message).toMatch(/too large/);
      expect((await failure(alice.setAvatar(bomb))).code).toBe('unprocessable_media');
    });

    it('a zip bomb is stored as the small file it is, never inflated, and served as a download', async () => {
      const bomb = zipBomb();
      const upload = await alice.uploadFile(bomb, { name: 'archive.zip' });
      expect(upload).toMatchObject({ kind: 'file', contentType: 'application/zip', size: bomb.length });
      const sent = await alice.sendMessage(dm, '', { attachments: [upload.id] });
      const res = await raw(bob, sent.attachments[0]!.url);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(Buffer.from(await res.arrayBuffer()).equals(bomb)).toBe(true);
    });

    it('a compressed request body (Content-Encoding: gzip) is refused', async () => {
      const res = await raw(alice, '/api/v1/files?name=x.bin', { method: 'POST', body: Buffer.from('abc'), headers: { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' } });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    });

    it('past the size limit: 413 from the declared length, and mid-stream when none was declared', async () => {
      const big = Buffer.alloc(8 * 2 ** 20 + 1, 1);
      const declared = await raw(alice, '/api/v1/files?name=big.bin', { method: 'POST', body: big, headers: { 'content-type': 'application/octet-stream' } });
      expect(declared.status).toBe(413);
      expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      async function* chunks() {
        for (let i = 0; i < 9; i++) yield Buffer.alloc(2 ** 20, 2);
      }
      const err = await failure(alice.uploadFile(chunks(), { name: 'stream.bin' }));
      expect(err.status).toBe(413);
      expect(stagingEmpty()).toBe(true);
      // The server is fine afterwards. Regression: a stream refused mid-way left its connection
      // open and out of step, so a later request on it never got an answer.
      expect((await alice.uploadFile(Buffer.from('ok'), { name: 'ok.txt' })).size).toBe(2);
      expect((await failure(alice.uploadFile(Buffer.alloc(0), { name: 'empty.txt' }))).code).toBe('bad_request');
      expect((await alice.uploadFile(Buffer.from('ok'), { name: 'ok.txt' })).size).toBe(2);
    });

    it('an empty body and a bad name are clear 400s', async () => {
      expect((await failure(alice.uploadFile(Buffer.alloc(0), { name: 'empty.txt' }))).code).toBe('bad_request');
      const res = await raw(alice, '/api/v1/files', { method: 'POST', body: Buffer.from('x') });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'validation_failed' } });
    });

    it('sending an unknown upload id or none with empty text is refused, and nothing is stored', async () => {
      expect((await failure(alice.sendMessage(dm, 'ghost', { attachments: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] }))).code).toBe('not_found');
      expect((await failure(alice.sendMessage(dm, '   '))).code).toBe('validation_failed');
    });
  });

  it('quota: an upload past it is refused with 413 quota_exceeded; deleting an upload frees it', async () => {
    const carol = await suite.user('carol', false);
    const chunk = Buffer.alloc(7 * 2 ** 20, 3);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await carol.uploadFile(chunk, { name: `c${i}.bin` })).id);
    const usage = await carol.storageUsage();
    expect(usage.usedBytes).toBe(9 * chunk.length);
    const err = await failure(carol.uploadFile(chunk, { name: 'over.bin' }));
    expect(err.code).toBe('quota_exceeded');
    expect(err.status).toBe(413);
    await carol.deleteUpload(ids[0]!);
    expect((await carol.storageUsage()).usedBytes).toBe(8 * chunk.length);
    await carol.uploadFile(chunk, { name: 'fits.bin' });
  });

  it('uploads are rate-limited per user: past the limit a clear 429 with Retry-After, and nothing stored', async () => {
    const frank = await suite.user('frank', false);
    const limit = suite.t.server.config.files.uploadsPerMinute;
    const tiny = Buffer.from('tiny file');
    const upload = (i: number) => raw(frank, `/api/v1/files?name=t${i}.txt`, { method: 'POST', body: tiny, headers: { 'content-type': 'application/octet-stream' } });
    // The bucket holds a minute's worth and refills continuously, so a slow run may squeeze in a
    // few more than `limit` before the refusal.
    let stored = 0;
    let refused: Response | undefined;
    for (let i = 0; i < limit + 20 && !refused; i++) {
      const res = await upload(i);
      if (res.status === 201) stored++;
      else refused = res;
    }
    expect(stored).toBeGreaterThanOrEqual(limit);
    expect(refused?.status).toBe(429);
    expect((await refused!.json()).error.code).toBe('rate_limited');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await frank.storageUsage()).usedBytes).toBe(stored * tiny.length);
    expect(stagingEmpty()).toBe(true);
    // Others upload as before.
    await alice.uploadFile(tiny, { name: 'unaffected.txt' });
  });

  it('deleting a message deletes its files', async () => {
    const upload = await alice.uploadFile(await png(), { name: 'gone.png' });
    const sent = await alice.sendMessage(dm, 'soon gone', { attachments: [upload.id] });
    expect((await raw(bob, upload.url)).status).toBe(200);
    const tombstone = await alice.deleteMessage(dm, sent.id);
    expect(tombstone.attachments).toEqual([]);
    expect((await raw(bob, upload.url)).status).toBe(404);
    expect((await raw(alice, upload.url)).status).toBe(404);
  });

  it('avatars: cropped square at 64, 192 and 512 px, replaced cleanly, readable by any user', async () => {
    const user = await alice.setAvatar(await png(300, 200));
    expect(user.avatarUrl).toMatch(/^\/api\/v1\/avatars\/[0-9A-Z]{26}$/);
    for (const size of [64, 192, 512]) {
      const res = await raw(eve, `${user.avatarUrl}?size=${size}`);
      expect(res.status).toBe(200);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', size, size]);
    }
    expect((await raw(eve, `${user.avatarUrl}?size=100`)).status).toBe(400);
    const replaced = await alice.setAvatar(await png(50, 50));
    expect(replaced.avatarUrl).not.toBe(user.avatarUrl);
    expect((await raw(eve, user.avatarUrl!)).status).toBe(404);
    expect((await failure(alice.setAvatar(SVG_WITH_SCRIPT))).code).toBe('unsupported_media_type');
    const removed = await alice.removeAvatar();
    expect(removed.avatarUrl).toBeNull();
  });

  it('group avatars: owners and admins set them, members see the change live, others are refused', async () => {
    const { conversation } = await alice.createGroup('Pictures', [bob.user!.id]);
    const updates = record(bob, 'conversation.updated');
    const detail = await alice.setConversationAvatar(conversation.id, await png(100, 100));
    expect(detail.conversation.avatarUrl).toMatch(/^\/api\/v1\/avatars\//);
    await eventually(() => updates.find((u) => u.conversation.avatarUrl === detail.conversation.avatarUrl), 3000, 'live update');
    expect((await failure(bob.setConversationAvatar(conversation.id, await png()))).code).toBe('forbidden');
    expect((await failure(eve.setConversationAvatar(conversation.id, await png()))).code).toBe('not_found');
    expect((await failure(alice.setConversationAvatar(dm, await png()))).code).toBe('bad_request');
  });
});
