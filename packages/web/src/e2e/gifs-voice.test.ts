import { ParleyClient } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { animatedGif } from '../../../server/src/testing/media.js';
import { skipBrowserTests } from './browser.js';
import { PASSWORD, timeline, useWebApp } from './fixture.js';

describe.skipIf(skipBrowserTests)('web app: GIFs and voice notes', () => {
  const fixture = useWebApp();
  const { openApp, register, pageErrors } = fixture;

  it('sends a GIF from the picker, and records a voice note that plays inline', async () => {
    // The first account is the installation's admin: it stocks the GIF library.
    const yara = new ParleyClient({ baseUrl: fixture.server.url });
    await yara.register({ username: 'yara', password: PASSWORD, displayName: 'Yara Greyjoy' });
    await yara.gifs.addToLibrary(await animatedGif(120, 90), { title: 'Party time', tags: ['party', 'dance'] });
    await yara.gifs.addToLibrary(await animatedGif(120, 90), { title: 'Slow clap', tags: ['clap'] });

    const zed = await openApp({ locale: 'en-US', permissions: ['microphone'] });
    await register(zed, 'zed', 'Zed Shaw');
    await yara.createDm((await yara.searchUsers('zed'))[0]!.id);
    await zed.getByRole('button', { name: /Yara Greyjoy/ }).click();

    // GIFs: the library first, then a search; a click sends it at once.
    await zed.getByRole('button', { name: 'Send a GIF' }).click();
    const picker = zed.getByRole('dialog', { name: 'GIFs' });
    await picker.getByRole('button', { name: 'Send Slow clap' }).waitFor();
    await picker.getByLabel('Search GIFs').fill('party');
    await expect.poll(() => picker.getByRole('listitem').count()).toBe(1);
    await picker.getByRole('button', { name: 'Send Party time' }).click();
    await picker.waitFor({ state: 'detached' });
    const gif = timeline(zed).locator('.message[data-status="sent"] .attachment[data-kind="gif"] img');
    await gif.waitFor();
    await expect.poll(() => gif.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // A voice note from the (fake) microphone: recorded, sent, drawn with its waveform, playable.
    await zed.getByRole('button', { name: 'Record a voice note' }).click();
    const recording = zed.getByRole('group', { name: 'Recording a voice note' });
    await recording.waitFor();
    await expect.poll(() => recording.getByRole('timer').textContent(), { timeout: 5_000 }).toBe('0:02');
    await recording.getByRole('button', { name: 'Send' }).click();
    const note = timeline(zed).locator('.message[data-status="sent"] .voice-note');
    await note.waitFor();
    expect(await note.locator('.voice-time').textContent()).toMatch(/^0:0[12]$/);
    expect(await note.locator('.waveform rect').count()).toBeGreaterThan(10);
    await note.getByRole('button', { name: 'Play voice note' }).click();
    await note.getByRole('button', { name: 'Pause voice note' }).waitFor();
    // Yara receives it as a voice note with the recorder's measures.
    const { messages } = await yara.messages((await yara.conversations())[0]!.conversation.id);
    expect(messages.at(-1)!.attachments[0]).toMatchObject({ kind: 'voice' });
    expect(messages.at(-1)!.attachments[0]!.waveform!.length).toBeGreaterThan(10);
    expect(pageErrors).toEqual([]);
  });
});
