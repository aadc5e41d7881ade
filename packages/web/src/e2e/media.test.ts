import { describe, expect, it } from 'vitest';
import { animatedGif, photoWithGps } from '../../../server/src/testing/media.js';
import { skipBrowserTests } from './browser.js';
import { sentMessage, startDm, useWebApp } from './fixture.js';

describe.skipIf(skipBrowserTests)('web app: photos and files', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('attaches by button and by drop, with progress; photos open in a lightbox, GIFs play inline, files download', async () => {
    const hana = await openApp();
    const ivan = await openApp();
    await register(hana, 'hana', 'Hana Song');
    await register(ivan, 'ivan', 'Ivan Drago');
    await startDm(hana, 'ivan', 'Ivan Drago');

    // A photo by the button: it uploads at once, then goes with the text.
    await hana.locator('.pane input[type="file"]').setInputFiles({ name: 'beach.jpg', mimeType: 'image/jpeg', buffer: await photoWithGps(1600, 1200) });
    const tray = hana.getByRole('list', { name: 'Files to send' });
    await tray.locator('.upload[data-status="done"]', { hasText: 'beach.jpg' }).waitFor();
    const composer = hana.getByLabel('Message', { exact: true });
    await composer.fill('look at this');
    await composer.press('Enter');
    await tray.waitFor({ state: 'detached' });

    await ivan.getByRole('button', { name: /Hana Song/ }).click();
    const photo = sentMessage(ivan, 'look at this').getByRole('button', { name: 'Open beach.jpg' });
    await photo.waitFor();
    // Inline it is the thumbnail, sized before it loads; the lightbox shows the full picture.
    expect(await photo.locator('img').evaluate((img: HTMLImageElement) => [img.getAttribute('width'), img.getAttribute('height')])).toEqual(['320', '240']);
    await expect.poll(() => photo.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await photo.click();
    const lightbox = ivan.getByRole('dialog', { name: 'beach.jpg' });
    await expect.poll(() => lightbox.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1600);
    await ivan.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });

    // Dropped on the conversation: a GIF (sent without text) and a document.
    const dropped = await hana.evaluateHandle(
      ([gif]) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(gif)], 'party.gif', { type: 'image/gif' }));
        data.items.add(new File(['minutes of the meeting'], 'minutes.txt', { type: 'text/plain' }));
        return data;
      },
      [[...(await animatedGif())]] as const,
    );
    const pane = hana.locator('.pane');
    await pane.dispatchEvent('dragenter', { dataTransfer: dropped });
    expect(await pane.getAttribute('class')).toContain('dragging');
    await pane.dispatchEvent('drop', { dataTransfer: dropped });
    await expect.poll(() => tray.locator('.upload[data-status="done"]').count()).toBe(2);
    await composer.press('Enter');

    const gif = ivan.locator('.pane .attachment[data-kind="gif"] img');
    await gif.waitFor();
    expect(await gif.getAttribute('src')).toMatch(/\/api\/v1\/files\/[^/]+$/);
    const file = ivan.locator('.pane .file-card', { hasText: 'minutes.txt' });
    expect(await file.getAttribute('download')).toBe('minutes.txt');
    expect(await file.textContent()).toContain('22 B');

    expect(pageErrors).toEqual([]);
  });
});
