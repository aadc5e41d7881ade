import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { sentMessage, startDm, useWebApp } from './fixture.js';

/** What has focus, as a screen reader would name it: role-ish tag and accessible label or text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'nothing';
    return `${el.tagName.toLowerCase()}: ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? ''}`;
  });

describe.skipIf(skipBrowserTests)('web app: focus comes back after dialogs', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('returns focus to what opened a dialog, or hands it to the conversation a dialog opened', async () => {
    const ivy = await openApp();
    const jon = await openApp();
    await register(ivy, 'ivy', 'Ivy Walker');
    await register(jon, 'jon', 'Jon Snow');

    // Closed with Escape, and closed with its button: focus is back on the button that opened it.
    await ivy.getByRole('button', { name: 'New message' }).focus();
    await ivy.keyboard.press('Enter');
    await ivy.getByRole('dialog', { name: 'New message' }).waitFor();
    await ivy.keyboard.press('Escape');
    await ivy.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await focused(ivy)).toBe('button: New message');

    await ivy.getByRole('button', { name: 'Settings' }).click();
    await ivy.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
    await ivy.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await focused(ivy)).toBe('button: Settings');

    // A dialog that ends by opening a conversation leaves focus in its composer, ready to type.
    await startDm(ivy, 'jon', 'Jon Snow');
    await ivy.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await focused(ivy)).toBe('textarea: Message');
    await ivy.keyboard.type('winter is coming');
    await ivy.keyboard.press('Enter');
    const message = sentMessage(ivy, 'winter is coming');
    await message.waitFor();

    // A group created: focus is in the new group's composer.
    await ivy.getByRole('button', { name: 'New group' }).click();
    const group = ivy.getByRole('dialog', { name: 'New group' });
    await group.getByLabel('Group name').fill('The Watch');
    await group.getByLabel('Add people by name').fill('jon');
    await group.getByRole('button', { name: /Jon Snow/ }).click();
    await group.getByRole('button', { name: 'Create group' }).click();
    await ivy.getByRole('heading', { name: 'The Watch' }).waitFor();
    expect(await focused(ivy)).toBe('textarea: Message');

    // Cancelling a delete from a message's toolbar (drawn only while the message has focus, so
    // gone meanwhile) brings focus back to the message itself, where the toolbar is again.
    await ivy.getByRole('button', { name: /Jon Snow/ }).click();
    await message.hover();
    await message.getByRole('button', { name: 'Delete' }).click();
    const confirm = ivy.getByRole('alertdialog', { name: 'Delete this message?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => ivy.evaluate(() => document.activeElement?.closest('li.message')?.textContent ?? 'outside a message')).toContain('winter is coming');
    expect(pageErrors).toEqual([]);
  });
});
