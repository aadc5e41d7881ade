import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { sentMessage, startDm, useWebApp } from './fixture.js';

describe.skipIf(skipBrowserTests)('web app: emoji and mentions in the composer', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('completes :shortcodes: and @mentions, picks emoji with skin tones, and reacts with any emoji', async () => {
    const uma = await openApp();
    const vic = await openApp();
    await register(uma, 'uma', 'Uma Thurman');
    await register(vic, 'victor', 'Victor Hugo');
    await startDm(uma, 'victor', 'Victor Hugo');
    await vic.getByRole('button', { name: /Uma Thurman/ }).click();
    const composer = uma.getByLabel('Message', { exact: true });

    // :tad offers 🎉 first; Enter takes it. @vi offers Victor; Tab takes it.
    await composer.pressSequentially('party :tad');
    const emojiList = uma.getByRole('listbox', { name: 'Emoji' });
    await emojiList.getByRole('option', { name: /🎉/ }).waitFor();
    expect(await emojiList.getByRole('option').first().getAttribute('aria-selected')).toBe('true');
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('party 🎉 ');
    await composer.pressSequentially('with @vi');
    const people = uma.getByRole('listbox', { name: 'People' });
    await people.getByRole('option', { name: /Victor Hugo/ }).waitFor();
    await composer.press('Tab');
    expect(await composer.inputValue()).toBe('party 🎉 with @victor ');
    // Escape closes the list; Enter then sends.
    await composer.pressSequentially('and :smi');
    await emojiList.waitFor();
    await composer.press('Escape');
    await emojiList.waitFor({ state: 'detached' });
    await composer.press('Enter');
    const sent = sentMessage(vic, 'party 🎉 with');
    await sent.waitFor();
    expect(await sent.locator('.mention-me').textContent()).toBe('@victor');

    // A shortcode typed in full becomes its emoji when sent.
    await composer.fill('ok :+1:');
    await composer.press('Enter');
    await sentMessage(vic, 'ok 👍').waitFor();

    // The picker: search, skin tone, recently used.
    await uma.getByRole('button', { name: 'Add emoji' }).click();
    const picker = uma.getByRole('dialog', { name: 'Add emoji' });
    await picker.getByLabel('Search emoji').fill('pizza');
    await picker.getByRole('option', { name: '🍕', exact: true }).click();
    await picker.waitFor({ state: 'detached' });
    expect(await composer.inputValue()).toBe('🍕');
    await uma.getByRole('button', { name: 'Add emoji' }).click();
    await picker.getByRole('radio', { name: 'Skin tone 3' }).click();
    await picker.getByLabel('Search emoji').fill('waving hand');
    await picker.getByRole('option', { name: '👋🏽', exact: true }).click();
    expect(await composer.inputValue()).toBe('🍕👋🏽');
    await uma.getByRole('button', { name: 'Add emoji' }).click();
    await picker.getByRole('tab', { name: 'Recently used' }).click();
    expect(await picker.getByRole('option').allTextContents()).toEqual(['👋🏽', '🍕']);
    await uma.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });

    // Any emoji as a reaction, from the message's toolbar.
    const received = sentMessage(vic, 'ok 👍');
    await received.hover();
    await received.getByRole('button', { name: 'Add reaction' }).click();
    const reactions = vic.getByRole('dialog', { name: 'Add reaction' });
    await reactions.getByLabel('Search emoji').fill('rocket');
    await reactions.getByRole('option', { name: '🚀', exact: true }).click();
    await sentMessage(uma, 'ok 👍').locator('.reaction', { hasText: '🚀' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
