import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { PASSWORD, sentMessage, startDm, timeline, useWebApp } from './fixture.js';

describe.skipIf(skipBrowserTests)('web app: two people talk in a DM', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('sends live both ways and stays logged in across a reload', async () => {
    const alice = await openApp();
    const bob = await openApp();
    await register(alice, 'alice', 'Alice Liddell');
    await register(bob, 'bob', 'Bob Builder');

    // A username already taken is explained, not just refused.
    const mallory = await openApp();
    await mallory.getByRole('button', { name: 'New here? Create an account' }).click();
    await mallory.getByLabel('Username').fill('bob');
    await mallory.getByLabel('Password').fill(PASSWORD);
    await mallory.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => mallory.getByRole('alert').textContent()).toBe('That username is already taken.');

    await startDm(alice, 'bob', 'Bob Builder');
    await alice.getByRole('heading', { name: 'Bob Builder' }).waitFor();

    const composer = alice.getByLabel('Message', { exact: true });
    await composer.fill('hello bob');
    await composer.press('Enter');
    await sentMessage(alice, 'hello bob').waitFor();
    expect(await composer.inputValue()).toBe('');

    // Bob's list gets the new conversation live, with its preview and an unread badge.
    const bobsItem = bob.getByRole('button', { name: /Alice Liddell/ });
    await bobsItem.filter({ hasText: 'hello bob' }).waitFor();
    expect(await bobsItem.locator('.badge').textContent()).toBe('1');
    await bobsItem.click();
    await sentMessage(bob, 'hello bob').waitFor();
    await bobsItem.locator('.badge').waitFor({ state: 'detached' });

    // Both are here: the DM's header says so.
    await alice.locator('.pane-head .presence[data-status="online"]').waitFor();
    expect(await bob.locator('.pane-head .presence').textContent()).toContain('Online');

    // Bob types: Alice sees it while he does, and it goes once he sends.
    const bobsComposer = bob.getByLabel('Message', { exact: true });
    await bobsComposer.pressSequentially('hi');
    await alice.locator('.typing', { hasText: 'Bob Builder is typing…' }).waitFor();
    await bobsComposer.fill('');

    // Shift+Enter is a new line, Enter sends.
    await bobsComposer.fill('hi alice');
    await bobsComposer.press('Shift+Enter');
    await bobsComposer.pressSequentially('how are you?');
    await bobsComposer.press('Enter');
    await sentMessage(alice, 'how are you?').waitFor();
    await alice.locator('.typing', { hasText: 'typing' }).waitFor({ state: 'detached' });
    expect(await sentMessage(alice, 'how are you?').locator('.text').innerText()).toBe('hi alice\nhow are you?');
    // Bob's two lines are one message under his name; Alice's is another group.
    expect(await timeline(alice).locator('.message-group .sender').allTextContents()).toEqual(['Alice Liddell', 'Bob Builder']);

    // Text is text: markup typed by someone is shown, never run.
    await composer.fill('<img src=x onerror="document.title=1"> <b>bold</b>');
    await composer.press('Enter');
    await sentMessage(bob, '<b>bold</b>').waitFor();
    expect(await timeline(bob).locator('img, b').count()).toBe(0);

    // Markdown is formatted, safely: bold, code, links to http(s) only.
    await composer.fill('**strong** and `code` at https://example.com/page or [x](javascript:alert(1))');
    await composer.press('Enter');
    const formatted = sentMessage(bob, 'strong');
    await formatted.waitFor();
    expect(await formatted.locator('strong').textContent()).toBe('strong');
    expect(await formatted.locator('code').textContent()).toBe('code');
    expect(await formatted.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['https://example.com/page']);

    await alice.reload();
    await alice.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    await alice.getByRole('heading', { name: 'Bob Builder' }).waitFor();
    await sentMessage(alice, 'hello bob').waitFor();
    expect(await alice.getByLabel('Username').count()).toBe(0);

    expect(pageErrors).toEqual([]);
  });
  it('shows read ticks, and lets people react, reply in a thread, edit and delete', async () => {
    const carol = await openApp();
    const dave = await openApp();
    await register(carol, 'carol', 'Carol Danvers');
    await register(dave, 'dave', 'Dave Lister');
    await startDm(carol, 'dave', 'Dave Lister');
    const composer = carol.getByLabel('Message', { exact: true });
    await composer.fill('ticks please');
    await composer.press('Enter');

    // Dave's app is open, so the message reaches it (delivered); once he opens the DM, it is read.
    const carolsMessage = sentMessage(carol, 'ticks please');
    await carolsMessage.locator('[data-tick="delivered"]').waitFor();
    expect(await carolsMessage.getByRole('img', { name: 'Delivered' }).count()).toBe(1);
    await dave.getByRole('button', { name: /Carol Danvers/ }).click();
    await carolsMessage.locator('[data-tick="read"]').waitFor();

    // Dave reacts from the message's toolbar; Carol sees it live, adds hers by clicking the chip.
    const davesCopy = sentMessage(dave, 'ticks please');
    await davesCopy.hover();
    await davesCopy.getByRole('button', { name: 'React with 👍' }).click();
    const carolsChip = carolsMessage.locator('.reaction', { hasText: '👍' });
    await carolsChip.filter({ hasText: '1' }).waitFor();
    expect(await carolsChip.getAttribute('aria-pressed')).toBe('false');
    expect(await carolsChip.getAttribute('title')).toBe('Dave Lister');
    await carolsChip.click();
    const davesChip = davesCopy.locator('.reaction', { hasText: '👍' });
    await davesChip.filter({ hasText: '2' }).waitFor();
    expect(await davesChip.getAttribute('aria-pressed')).toBe('true');
    expect(await davesChip.getAttribute('title')).toBe('You, Carol Danvers');

    // Dave replies in a thread: the reply lives in the thread panel, the root counts it.
    await davesCopy.hover();
    await davesCopy.getByRole('button', { name: 'Reply in thread' }).click();
    const davesThread = dave.getByRole('complementary', { name: 'Thread' });
    await davesThread.locator('.thread-root', { hasText: 'ticks please' }).waitFor();
    await davesThread.getByLabel('Reply', { exact: true }).fill('a threaded reply');
    await davesThread.getByLabel('Reply', { exact: true }).press('Enter');
    await davesThread.locator('.message[data-status="sent"]', { hasText: 'a threaded reply' }).waitFor();
    await carolsMessage.getByRole('button', { name: '1 reply' }).click();
    const carolsThread = carol.getByRole('complementary', { name: 'Thread' });
    await carolsThread.locator('.message', { hasText: 'a threaded reply' }).waitFor();
    expect(await timeline(carol).locator('.message', { hasText: 'a threaded reply' }).count()).toBe(0);
    await carolsThread.getByRole('button', { name: 'Close thread' }).click();
    await carolsThread.waitFor({ state: 'detached' });

    // Up arrow in the empty composer edits my last message; Enter saves it for everyone.
    await composer.focus();
    await composer.press('ArrowUp');
    const editor = carol.getByLabel('Edit message');
    expect(await editor.inputValue()).toBe('ticks please');
    await editor.fill('ticks please, edited');
    await editor.press('Enter');
    await editor.waitFor({ state: 'detached' });
    const edited = sentMessage(dave, 'ticks please, edited');
    await edited.locator('.edited').waitFor();
    // Escape leaves an edit without saving it.
    await composer.press('ArrowUp');
    await editor.fill('never saved');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await sentMessage(carol, 'never saved').count()).toBe(0);

    // Deleting asks first; then the message is a tombstone on both sides.
    await carolsMessage.hover();
    await carolsMessage.getByRole('button', { name: 'Delete' }).click();
    const confirm = carol.getByRole('alertdialog', { name: 'Delete this message?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await timeline(dave).locator('.message', { hasText: 'This message was deleted.' }).waitFor();
    expect(await sentMessage(dave, 'ticks please').count()).toBe(0);

    expect(pageErrors).toEqual([]);
  });
});
