import { ParleyClient, type Message } from '@parley/sdk';
import type { Locator, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { PASSWORD, useWebApp } from './fixture.js';

/** Enough for sixty-odd pages of history: far more than a windowed list ever draws at once. */
const MESSAGES = 3_200;
/** The most messages the page may hold at once, however much history is loaded. */
const DRAWN_AT_MOST = 200;

/** Chat-like texts of varied heights: one line, a wrapped paragraph, two paragraphs, a code block. */
function textOf(i: number): string {
  if (i % 13 === 0) return `#${i} look:\n\n\`\`\`\nconst a = ${i};\nconst b = a * 2;\n\`\`\``;
  if (i % 7 === 0) return `#${i} first thought.\n\nand a second one, a paragraph later.`;
  if (i % 11 === 0) return `#${i} ${'a longer message that wraps over several lines of the pane '.repeat(4)}`;
  return `#${i} ${['sure', 'see you at the station', 'did it work?', 'great, thanks for this', 'ok'][i % 5]}`;
}

const scrollerOf = (page: Page) => page.locator('.pane .message-scroller');
const drawnMessages = (page: Page) => page.locator('.pane .timeline li.message').count();
const message = (page: Page, m: Message) => page.locator(`.pane .timeline li.message[data-id="${m.id}"]`);

/** On screen inside the conversation's scroller, not merely drawn somewhere in it. */
const inView = (locator: Locator) =>
  locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const view = el.closest('.message-scroller')!.getBoundingClientRect();
    return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
  });

/** The message at the top of the screen, and how far below the scroller's top edge it starts. */
const topMessage = (page: Page) =>
  scrollerOf(page).evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    const li = [...el.querySelectorAll<HTMLElement>('.timeline li.message')].find((m) => m.getBoundingClientRect().bottom > top + 1)!;
    return { id: li.dataset.id!, top: li.getBoundingClientRect().top - top };
  });

const positionOf = (page: Page, id: string) =>
  scrollerOf(page).evaluate((el, messageId) => {
    const li = el.querySelector(`li.message[data-id="${messageId}"]`);
    return li ? li.getBoundingClientRect().top - el.getBoundingClientRect().top : null;
  }, id);

/** Two frames: what React drew and the window corrected has been laid out and painted. */
const settle = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

const focusedSeq = (page: Page) => page.evaluate(() => Number((document.activeElement as HTMLElement | null)?.dataset.seq));

describe.skipIf(skipBrowserTests)('web app: a long history, windowed', () => {
  const fixture = useWebApp();
  const { openApp, register, pageErrors } = fixture;
  let vera: Page;
  let otto: ParleyClient;
  let conversationId: string;
  let veraId: string;
  const sent: Message[] = [];

  it('opens at the newest, scrolls back to the start with the view held still, and draws only what is near the screen', async () => {
    vera = await openApp();
    await register(vera, 'vera', 'Vera Reader');
    const veraSdk = new ParleyClient({ baseUrl: fixture.server.url });
    await veraSdk.login('vera', PASSWORD);
    veraId = veraSdk.user!.id;
    otto = new ParleyClient({ baseUrl: fixture.server.url });
    await otto.register({ username: 'otto', password: PASSWORD, displayName: 'Otto Writer' });
    conversationId = (await otto.createDm(veraId)).conversation.id;
    // Runs of one to four messages by each, as a conversation goes, a few dozen requests at a time
    // (in whatever order they land: `sent` is sorted by seq); some edited, some with reactions.
    for (let from = 1; from <= MESSAGES; from += 40) {
      const batch = Array.from({ length: Math.min(40, MESSAGES - from + 1) }, (_, k) => from + k);
      sent.push(...(await Promise.all(batch.map((i) => (((i * 13) >> 4) % 2 === 0 ? otto : veraSdk).sendMessage(conversationId, textOf(i))))));
    }
    sent.sort((a, b) => a.seq - b.seq);
    for (const m of sent.filter((m, i) => i % 97 === 0 && m.senderId === veraId)) await veraSdk.editMessage(conversationId, m.id, `${m.text} (fixed)`);
    for (const m of sent.filter((_, i) => i % 89 === 0)) await otto.toggleReaction(conversationId, m.id, '👍');
    await veraSdk.markRead(conversationId, sent.at(-1)!.seq);

    // Older pages are held until the test has noted what is on screen, so each prepend is seen.
    const held: Route[] = [];
    const olderPages = (url: URL) => url.pathname === `/api/v1/conversations/${conversationId}/messages` && url.searchParams.has('before');
    await vera.route(olderPages, (route) => void held.push(route));

    // Read on another device, then the app loaded again: opening shows the bottom, no "new messages" divider.
    await vera.reload();
    await vera.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    const item = vera.getByRole('button', { name: /Otto Writer/ });
    await item.waitFor();
    expect(await item.locator('.badge').count()).toBe(0);
    await item.click();
    await expect.poll(() => message(vera, sent.at(-1)!).count()).toBe(1);
    await settle(vera);
    expect(await inView(message(vera, sent.at(-1)!))).toBe(true);
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);

    // Scrolling to the top, page after page: each older page goes in above without moving what is read.
    const scroller = scrollerOf(vera);
    const start = vera.getByText('This is the beginning of the conversation.');
    let pages = 0;
    let mostDrawn = 0;
    // Written once the last page is in, above everything (drawn whatever the window).
    while ((await start.count()) === 0) {
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await settle(vera);
      await expect.poll(() => held.length, { timeout: 5_000 }).toBeGreaterThan(0);
      await settle(vera);
      const before = await topMessage(vera);
      const page = vera.waitForResponse((r) => r.url().includes('before='));
      await held.shift()!.continue();
      await (await page).finished();
      await settle(vera);
      const after = await positionOf(vera, before.id);
      expect(after, `page ${pages + 1}: the message at the top of the screen is still drawn`).not.toBeNull();
      expect(Math.abs(after! - before.top), `page ${pages + 1}: it stayed where it was`).toBeLessThanOrEqual(2);
      mostDrawn = Math.max(mostDrawn, await drawnMessages(vera));
      pages++;
    }
    expect(pages).toBe(Math.ceil(MESSAGES / 50) - 1);
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(() => message(vera, sent[0]!).count()).toBe(1);
    await settle(vera);
    expect(await inView(message(vera, sent[0]!))).toBe(true);
    expect(await inView(start)).toBe(true);
    expect(mostDrawn).toBeLessThan(DRAWN_AT_MOST);
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);
    await vera.unroute(olderPages);

    // Reading down from the start through the whole history: never more drawn, the newest reached.
    let guard = 0;
    while (!(await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 1)) && guard++ < 1_000) {
      await scroller.evaluate((el) => el.scrollBy({ top: el.clientHeight * 0.9 }));
      await settle(vera);
      mostDrawn = Math.max(mostDrawn, await drawnMessages(vera));
    }
    expect(mostDrawn).toBeLessThan(DRAWN_AT_MOST);
    expect(await inView(message(vera, sent.at(-1)!))).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('holds a reader scrolled up still as messages arrive and heights change above, and counts the new ones', async () => {
    const scroller = scrollerOf(vera);
    // Halfway up the history.
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    await settle(vera);
    await settle(vera);
    const reading = await topMessage(vera);

    // A reaction on a message drawn above the screen makes it taller: what is read does not move.
    const above = await scroller.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const drawn = [...el.querySelectorAll<HTMLElement>('.timeline li.message[data-id]')];
      return drawn.filter((m) => m.getBoundingClientRect().bottom < top - 40 && !m.querySelector('.reaction')).at(-3)?.dataset.id ?? null;
    });
    expect(above).not.toBeNull();
    await otto.toggleReaction(conversationId, above!, '🎉');
    await vera.locator(`li.message[data-id="${above}"] .reaction`).waitFor({ state: 'attached' });
    await settle(vera);
    expect(Math.abs((await positionOf(vera, reading.id))! - reading.top)).toBeLessThanOrEqual(2);

    // A new message: the view stays, the button counts it, and it is announced (the history is not a live region).
    const news = await otto.sendMessage(conversationId, 'news while you read');
    const jump = vera.getByRole('button', { name: /1 new below/ });
    await jump.waitFor();
    expect(Math.abs((await positionOf(vera, reading.id))! - reading.top)).toBeLessThanOrEqual(2);
    expect(await vera.locator('.pane [aria-live="polite"]').filter({ hasText: 'Otto Writer: news while you read' }).count()).toBe(1);
    expect(await vera.locator('.pane .timeline[aria-live]').count()).toBe(0);
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);

    // The button brings the newest into view; new ones then keep the reader at the bottom.
    await jump.click();
    await expect.poll(() => message(vera, news).count()).toBe(1);
    await expect.poll(() => inView(message(vera, news))).toBe(true);
    const next = await otto.sendMessage(conversationId, 'and one more');
    await expect.poll(() => message(vera, next).count()).toBe(1);
    await expect.poll(() => inView(message(vera, next))).toBe(true);
    await expect.poll(() => vera.getByRole('button', { name: /Jump to latest|new below/ }).count()).toBe(0);

    // Scrolled up, I send: the view goes to the bottom to show it.
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 3 }));
    await vera.getByRole('button', { name: 'Jump to latest' }).waitFor();
    const composer = vera.getByLabel('Message', { exact: true });
    await composer.fill('my answer');
    await composer.press('Enter');
    const mine = vera.locator('.pane .timeline li.message[data-status="sent"]', { hasText: 'my answer' });
    await mine.waitFor();
    await expect.poll(() => inView(mine)).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('moves by keyboard across the edge of what is drawn, and keeps the focused message when scrolled away', async () => {
    const scroller = scrollerOf(vera);
    const first = sent[0]!;
    await scroller.focus();

    // From the history's tab stop, Up goes to the newest; Home then to the oldest loaded, drawn and
    // focused though it was thousands of messages away.
    await vera.keyboard.press('ArrowUp');
    expect(await vera.evaluate(() => document.activeElement?.textContent)).toContain('my answer');
    await vera.keyboard.press('Home');
    expect(await focusedSeq(vera)).toBe(first.seq);
    expect(await inView(message(vera, first))).toBe(true);
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);

    // Down past everything drawn when we started: each message in turn, each on screen.
    for (let i = 1; i <= 250; i++) await vera.keyboard.press('ArrowDown');
    expect(await focusedSeq(vera)).toBe(sent[250]!.seq);
    expect(await inView(message(vera, sent[250]!))).toBe(true);
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);

    // Scrolled far away by other means, the focused message stays (drawn and focused), and the
    // arrows go on from it.
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await settle(vera);
    await settle(vera);
    expect(await focusedSeq(vera)).toBe(sent[250]!.seq);
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);
    await vera.keyboard.press('ArrowDown');
    expect(await focusedSeq(vera)).toBe(sent[251]!.seq);
    expect(await inView(message(vera, sent[251]!))).toBe(true);

    // End: the newest message; up from there, one by one.
    await vera.keyboard.press('End');
    const newest = await vera.evaluate(() => (document.activeElement as HTMLElement).textContent);
    expect(newest).toContain('my answer');
    expect(await inView(vera.locator('.pane .timeline li.message:focus'))).toBe(true);
    await vera.keyboard.press('ArrowUp');
    expect(await vera.evaluate(() => document.activeElement?.textContent)).toContain('and one more');
    expect(await drawnMessages(vera)).toBeLessThan(DRAWN_AT_MOST);

    // Far up the history, Up in the empty composer edits my last message: drawn, and in view.
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await settle(vera);
    await settle(vera);
    await vera.getByLabel('Message', { exact: true }).focus();
    await vera.keyboard.press('ArrowUp');
    const editor = vera.getByLabel('Edit message');
    await editor.waitFor();
    expect(await editor.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => inView(editor)).toBe(true);
    await vera.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('keeps the focus on a message when an older page joins it to a longer run of its sender', async () => {
    // One long run by Otto: the newest page starts partway through a slice of the run, and the
    // next page older fills that slice in, drawing it again under another key.
    const monologue = await otto.createGroup('Monologue', [veraId]);
    const said: Message[] = [];
    for (let i = 1; i <= 120; i++) said.push(await otto.sendMessage(monologue.conversation.id, `line ${i}`));
    const held: Route[] = [];
    const olderPages = (url: URL) => url.pathname === `/api/v1/conversations/${monologue.conversation.id}/messages` && url.searchParams.has('before');
    await vera.route(olderPages, (route) => void held.push(route));
    await vera.getByRole('button', { name: /Monologue/ }).click();
    const firstLoaded = vera.locator(`.pane .timeline li.message[data-id="${said[70]!.id}"]`);
    await firstLoaded.waitFor({ state: 'attached' });
    await scrollerOf(vera).focus();
    await vera.keyboard.press('Home');
    expect(await focusedSeq(vera)).toBe(said[70]!.seq);
    await expect.poll(() => held.length).toBeGreaterThan(0);
    const page = vera.waitForResponse((r) => r.url().includes('before='));
    await held.shift()!.continue();
    await (await page).finished();
    await vera.locator(`.pane .timeline li.message[data-id="${said[69]!.id}"]`).waitFor({ state: 'attached' });
    await settle(vera);
    expect(await focusedSeq(vera)).toBe(said[70]!.seq);
    await vera.keyboard.press('ArrowUp');
    expect(await focusedSeq(vera)).toBe(said[69]!.seq);
    await vera.unroute(olderPages);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
