import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { sentMessage, startDm, useWebApp } from './fixture.js';

describe.skipIf(skipBrowserTests)('web app: groups and channels', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('creates a group, badges a mention, shows who has seen it, and finds and joins a channel', async () => {
    const erin = await openApp();
    const frank = await openApp();
    const gina = await openApp();
    await register(erin, 'erin', 'Erin Hannon');
    await register(frank, 'frank', 'Frank Reynolds');
    await register(gina, 'gina', 'Gina Linetti');

    // Erin makes a group with both of them.
    await erin.getByRole('button', { name: 'New group' }).click();
    const dialog = erin.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Weekend trip');
    for (const [query, name] of [['frank', /Frank Reynolds/], ['gina', /Gina Linetti/]] as const) {
      await dialog.getByLabel('Add people by name').fill(query);
      await dialog.getByRole('button', { name }).click();
    }
    const chips = dialog.getByRole('list', { name: 'Members' });
    expect(await chips.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')))).toEqual(['Remove Frank Reynolds', 'Remove Gina Linetti']);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await erin.getByRole('heading', { name: 'Weekend trip' }).waitFor();

    // Frank is told live; a message that mentions him gets a mention badge, a plain one does not.
    const franksItem = frank.getByRole('button', { name: /Weekend trip/ });
    await franksItem.waitFor();
    const composer = erin.getByLabel('Message', { exact: true });
    await composer.fill('hello team');
    await composer.press('Enter');
    await franksItem.locator('.badge', { hasText: '1' }).waitFor();
    await composer.fill('@frank can you book the bus?');
    await composer.press('Enter');
    await franksItem.getByLabel('1 mention').waitFor();
    expect(await franksItem.locator('.badge').textContent()).toBe('@1');

    // He reads it: the badge goes, his name is highlighted, and Erin sees who has seen it.
    await franksItem.click();
    await franksItem.locator('.badge').waitFor({ state: 'detached' });
    expect(await sentMessage(frank, 'book the bus').locator('.mention-me').textContent()).toBe('@frank');
    await sentMessage(erin, 'book the bus').locator('.seen-by', { hasText: 'Seen by Frank Reynolds' }).waitFor();
    // Only the newest of my messages says it.
    expect(await sentMessage(erin, 'hello team').locator('.seen-by').count()).toBe(0);

    // Gina creates a channel; a name the server would refuse is explained before sending.
    await gina.getByRole('button', { name: 'Channels' }).click();
    const ginas = gina.getByRole('dialog', { name: 'Channels' });
    await ginas.getByLabel('Channel name').fill('Bad name!');
    expect(await ginas.getByLabel('Channel name').getAttribute('aria-invalid')).toBe('true');
    expect(await ginas.getByRole('button', { name: 'Create channel' }).isDisabled()).toBe(true);
    await ginas.getByLabel('Channel name').fill('random');
    await ginas.getByLabel('Topic (optional)').fill('Anything goes');
    await ginas.getByRole('button', { name: 'Create channel' }).click();
    await gina.getByRole('heading', { name: '#random' }).waitFor();

    // Frank browses, finds and joins it.
    await frank.getByRole('button', { name: 'Channels' }).click();
    const franks = frank.getByRole('dialog', { name: 'Channels' });
    await franks.getByLabel('Find a channel').fill('rand');
    await franks.getByRole('button', { name: 'Join #random' }).click();
    await frank.getByRole('heading', { name: '#random' }).waitFor();
    await frank.getByRole('dialog').waitFor({ state: 'detached' });

    // Alt+↓ and Alt+↑ move between conversations, Ctrl+K goes to the filter.
    const order = await frank.locator('.conversation-item .conversation-title').allInnerTexts();
    expect(order).toEqual(['#random', 'Weekend trip']);
    await frank.keyboard.press('Alt+ArrowDown');
    await frank.getByRole('heading', { name: 'Weekend trip' }).waitFor();
    await frank.keyboard.press('Alt+ArrowUp');
    await frank.getByRole('heading', { name: '#random' }).waitFor();
    await frank.keyboard.press('Control+K');
    expect(await frank.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Filter conversations');

    // His sidebar filter narrows the list; presence dots show on DMs.
    await frank.getByLabel('Filter conversations').fill('RAND');
    await expect.poll(() => frank.locator('.conversation-item .conversation-title').allInnerTexts()).toEqual(['#random']);
    await frank.getByLabel('Filter conversations').fill('');
    await startDm(erin, 'frank', 'Frank Reynolds');
    await erin.getByRole('button', { name: /Frank Reynolds/ }).locator('.presence-dot[data-status="online"]').waitFor();

    expect(pageErrors).toEqual([]);
  });
});
