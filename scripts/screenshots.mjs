// Screenshots of the web app's main screens, desktop and phone, for the README (docs/screenshots/).
//
//   npm run screenshots        (builds first, then runs this script)
//
// Starts the built server on a free loopback port with a fresh temporary data directory, seeds a
// small, friendly set of people and conversations through the SDK, then drives Debian's Chromium
// (playwright-core, never Playwright's own browser downloads) through the real UI and saves PNGs.
// Expects `npm run build` to have run; installs nothing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from '../bench/lib/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_MAIN = path.join(ROOT, 'packages/server/dist/main.js');
const WEB_DIST = path.join(ROOT, 'packages/web/dist/index.html');
const SDK_MAIN = path.join(ROOT, 'packages/sdk/dist/index.js');
const OUT_DIR = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const EMOJI_FONT = '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf';
const PASSWORD = 'correct horse battery staple';
/** PNGs larger than this are recompressed to a palette. */
const MAX_PNG_BYTES = 400 * 1024;

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * The messages are sent a moment before the pictures, whatever the hour: show them in a time zone
 * where it is mid-morning, so that a run at 3 AM does not say "03:12 AM" under every message.
 */
function morningTimeZone() {
  let offset = 10 - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  // The IANA Etc/GMT zones have inverted signs: Etc/GMT-2 is two hours ahead of UTC.
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

const started = performance.now();
const log = (msg) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}`);

function fail(message) {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

// Preconditions

for (const [file, what] of [
  [SERVER_MAIN, 'the built server'],
  [WEB_DIST, 'the built web app'],
  [SDK_MAIN, 'the built SDK'],
]) {
  if (!fs.existsSync(file)) fail(`${what} is missing (${path.relative(ROOT, file)}): run \`npm run build\` first, or use \`npm run screenshots\`, which builds.`);
}
if (!fs.existsSync(CHROMIUM)) fail(`Chromium is needed at ${CHROMIUM}: apt-get install chromium`);
if (!fs.existsSync(EMOJI_FONT)) {
  console.warn(`screenshots: warning: no colour emoji font (${EMOJI_FONT}); emoji will show as empty boxes. apt-get install fonts-noto-color-emoji`);
}

const { chromium } = await import('playwright-core');
const { default: sharp } = await import('sharp');
const { ParleyClient } = await import(pathToFileURL(SDK_MAIN).href);

// Pictures, drawn as SVG and rendered by sharp

/** A calm mountain lake at sunset, as a JPEG (what a phone would send). */
function landscape() {
  const w = 1200;
  const h = 800;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2b3a67"/><stop offset="0.45" stop-color="#b05a7a"/><stop offset="0.75" stop-color="#f3a26b"/><stop offset="1" stop-color="#ffd39a"/>
    </linearGradient>
    <radialGradient id="sun" cx="0.5" cy="0.5" r="0.5">
      <stop offset="0" stop-color="#fff6d8"/><stop offset="0.6" stop-color="#ffe2a0"/><stop offset="1" stop-color="#ffd08a" stop-opacity="0"/>
    </radialGradient>
    <linearGradient id="far" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8a5d8c"/><stop offset="1" stop-color="#c7808a"/></linearGradient>
    <linearGradient id="mid" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5a3f6e"/><stop offset="1" stop-color="#7d5479"/></linearGradient>
    <linearGradient id="near" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2e2447"/><stop offset="1" stop-color="#3c2c52"/></linearGradient>
    <linearGradient id="lake" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#f0a978"/><stop offset="0.35" stop-color="#a8607e"/><stop offset="1" stop-color="#2a2f5a"/>
    </linearGradient>
  </defs>
  <rect width="${w}" height="${h}" fill="url(#sky)"/>
  <circle cx="780" cy="470" r="150" fill="url(#sun)"/>
  <circle cx="780" cy="470" r="62" fill="#fff3d1"/>
  <path d="M0 470 L140 380 L250 430 L380 330 L520 420 L640 360 L760 440 L900 340 L1040 410 L1200 350 L1200 560 L0 560 Z" fill="url(#far)" opacity="0.85"/>
  <path d="M380 330 L420 358 L400 356 L380 370 L362 352 Z M900 340 L940 368 L915 366 L898 380 L878 362 Z" fill="#f4e3ea" opacity="0.7"/>
  <path d="M0 520 L120 450 L230 500 L330 430 L470 510 L600 460 L700 520 L860 440 L1000 510 L1100 470 L1200 500 L1200 560 L0 560 Z" fill="url(#mid)"/>
  <path d="M0 560 L0 540 L90 500 L180 545 L260 520 L340 560 Z M860 560 L960 515 L1060 548 L1140 520 L1200 540 L1200 560 Z" fill="url(#near)"/>
  <rect y="560" width="${w}" height="240" fill="url(#lake)"/>
  <g fill="#ffe9c2" opacity="0.55">
    <rect x="700" y="580" width="160" height="4" rx="2"/><rect x="720" y="605" width="120" height="3" rx="1.5"/>
    <rect x="740" y="630" width="80" height="3" rx="1.5"/><rect x="755" y="655" width="50" height="2" rx="1"/>
  </g>
  <g fill="#1f1a33">
    <path d="M40 800 L70 640 L100 800 Z"/><path d="M90 800 L125 600 L160 800 Z"/><path d="M150 800 L175 670 L200 800 Z"/>
    <path d="M1040 800 L1075 630 L1110 800 Z"/><path d="M1100 800 L1130 660 L1160 800 Z"/><path d="M1150 800 L1180 610 L1210 800 Z"/>
  </g>
  <g fill="none" stroke="#2e2447" stroke-width="3" stroke-linecap="round" opacity="0.7">
    <path d="M300 250 q10 -8 20 0 q10 -8 20 0"/><path d="M350 220 q8 -6 16 0 q8 -6 16 0"/>
  </g>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 86, mozjpeg: true }).toBuffer();
}

/** A profile picture: initials on a soft two-colour gradient, with a little light. */
function avatar(initials, from, to) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient>
    <radialGradient id="l" cx="0.3" cy="0.25" r="0.7"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="256" height="256" fill="url(#g)"/>
  <rect width="256" height="256" fill="url(#l)"/>
  <text x="128" y="160" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="100" fill="#ffffff" fill-opacity="0.95">${initials}</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

// Seeding

const PEOPLE = {
  maya: { displayName: 'Maya Chen', avatar: ['MC', '#ff9a8b', '#ff6a88'] },
  leo: { displayName: 'Leo Martins', avatar: ['LM', '#43cea2', '#185a9d'] },
  priya: { displayName: 'Priya Shah', avatar: ['PS', '#f7b733', '#fc4a1a'] },
  sam: { displayName: 'Sam Okafor', avatar: null },
  nora: { displayName: 'Nora Lindqvist', avatar: null },
};

async function seed(baseUrl) {
  const users = {};
  for (const [username, person] of Object.entries(PEOPLE)) {
    const client = new ParleyClient({ baseUrl, autoDeliveryReceipts: false });
    await client.register({ username, password: PASSWORD, displayName: person.displayName });
    if (person.avatar) await client.setAvatar(await avatar(...person.avatar));
    users[username] = client;
  }
  const { maya, leo, priya, sam, nora } = users;
  const id = (c) => c.user.id;
  const say = (client, conversationId, text, options) => client.sendMessage(conversationId, text, options);
  const react = (client, conversationId, message, emoji) => client.toggleReaction(conversationId, message.id, emoji);
  /** These people have read the conversation up to `seq`. */
  const readAll = async (conversationId, clients, seq) => {
    for (const c of clients) await c.markRead(conversationId, seq);
  };

  // #design, a public channel: a thread under the mockups, read by Maya (listed lowest: oldest activity).
  const design = (await priya.createChannel('design', 'Mockups, feedback and the occasional sketch')).conversation.id;
  for (const c of [maya, leo, nora, sam]) await c.joinChannel(design);
  await say(sam, design, 'Reminder: design review moved to **Thursday 10:00** 🥐');
  const mockups = await say(priya, design, 'New onboarding mockups are up 👀 Three screens: *welcome*, *pick your people* and *first message*. Feedback very welcome!');
  await say(leo, design, 'Love the new illustrations! The **colour palette** feels so calm 🌿', { replyTo: mockups.id });
  await say(nora, design, 'Could the `Continue` button be a bit bigger on phones? It sits right where my thumb rests.', { replyTo: mockups.id });
  await say(priya, design, 'Good call @nora, updating it now 👍', { replyTo: mockups.id });
  await react(maya, design, mockups, '🤩');
  await react(leo, design, mockups, '🤩');
  await react(nora, design, mockups, '🙌');
  const last = await say(leo, design, 'Ship it 🚀');
  await react(priya, design, last, '🎉');
  await readAll(design, [maya, leo, priya, nora, sam], last.seq);

  // A quiet DM with Sam: read, Maya had the last word.
  const samDm = (await sam.createDm(id(maya))).conversation.id;
  await say(sam, samDm, 'Thanks for the playlist, it carried me through the whole afternoon 🎧');
  const samLast = await say(maya, samDm, 'Anytime! Track 7 is my favourite 🎶');
  await readAll(samDm, [maya, sam], samLast.seq);

  // Priya asks for a review: two unread messages.
  const priyaDm = (await priya.createDm(id(maya))).conversation.id;
  const hi = await say(maya, priyaDm, 'Morning! How was the conference?');
  await priya.markRead(priyaDm, hi.seq);
  await maya.markRead(priyaDm, hi.seq);
  await say(priya, priyaDm, 'Inspiring! Quick one about the **onboarding copy**:');
  await say(priya, priyaDm, 'Could you read the new welcome screen text before Monday? 🙏');

  // A group planning a weekend: unread, with two mentions of Maya.
  const trip = (await nora.createGroup('Weekend in the Alps 🏔️', [id(maya), id(leo), id(sam)])).conversation.id;
  const plan = await say(nora, trip, 'Okay team, the hut is booked for **Saturday night** 🎉');
  await maya.markRead(trip, plan.seq);
  await say(sam, trip, 'I can drive, 3 seats left in the car 🚗');
  await say(nora, trip, '@maya could you bring the spare stove?');
  await say(leo, trip, 'I’ll bring snacks. And the board games, obviously 🎲');
  const tripLast = await say(sam, trip, '@maya @leo we leave at 7:30 sharp, croissants on me 🥐');
  await readAll(trip, [nora, leo, sam], tripLast.seq);

  // The DM with Leo, the most recent conversation: Markdown, a photo, reactions, read ticks.
  const leoDm = (await leo.createDm(id(maya))).conversation.id;
  await say(leo, leoDm, 'Hey Maya! Are we still on for the hike on Saturday?');
  const yes = await say(maya, leoDm, 'Absolutely! I checked the forecast: **sunny, 21 °C** ☀️');
  await react(leo, leoDm, yes, '🙌');
  await say(maya, leoDm, 'The trail is `T-412`, the one along the ridge. Map and details: [Lakeside ridge loop](https://example.com/trails/lakeside-ridge)');
  await say(leo, leoDm, 'Perfect, that’s the one with the lake at the top 🤩');
  const photo = await leo.uploadFile(await landscape(), { name: 'lake-at-sunset.jpg' });
  const view = await say(leo, leoDm, 'This is what it looked like last time I went up:', { attachments: [photo.id] });
  await react(maya, leoDm, view, '❤️');
  await react(leo, leoDm, view, '❤️');
  await react(maya, leoDm, view, '🔥');
  await maya.markRead(leoDm, view.seq);
  await say(maya, leoDm, 'Wow, that light! I’ll bring my camera this time 📷');
  const leoLast = await say(maya, leoDm, 'See you at the station at 7:15?');
  await leo.markRead(leoDm, leoLast.seq);

  return { users, conversations: { design, samDm, priyaDm, trip, leoDm } };
}

// Screens

async function savePng(buffer, name) {
  let png = await sharp(buffer).png({ compressionLevel: 9, effort: 10 }).toBuffer();
  if (png.length > MAX_PNG_BYTES) png = await sharp(buffer).png({ compressionLevel: 9, palette: true, quality: 90, effort: 10 }).toBuffer();
  fs.writeFileSync(path.join(OUT_DIR, name), png);
  log(`${name}: ${Math.round(png.length / 1024)} kB`);
}

async function shoot(page, name) {
  // No hover toolbar, no focus ring, no blinking caret in the picture.
  await page.mouse.move(0, 0).catch(() => undefined);
  await page.evaluate(() => {
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  });
  await settle(page);
  await savePng(await page.screenshot({ animations: 'disabled', caret: 'hide' }), name);
}

/** Every picture on screen decoded and fonts ready, then two frames painted. */
async function settle(page) {
  await page.waitForFunction(() => [...document.images].every((img) => img.complete && (img.naturalWidth > 0 || !img.getAttribute('src'))), null, { timeout: 10_000 });
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

async function newPage(browser, baseUrl, options, pageErrors) {
  const context = await browser.newContext({ ...options, locale: 'en-US', timezoneId: morningTimeZone(), colorScheme: 'light', baseURL: baseUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  // The notifications question belongs to a real first visit, not to the pictures.
  await page.addInitScript(() => localStorage.setItem('parley.notifications', 'later'));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && pageErrors.push(m.text()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, page };
}

async function logIn(page, username) {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
}

const sidebarItem = (page, title) => page.locator('.conversation-item', { hasText: title });

async function openConversation(page, title, lastText) {
  await sidebarItem(page, title).click();
  await page.locator('.pane .timeline .message[data-status="sent"]', { hasText: lastText }).waitFor();
}

async function takeScreenshots(baseUrl, seeded) {
  const pageErrors = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const desktop = await newPage(browser, baseUrl, DESKTOP, pageErrors);
    const page = desktop.page;

    await page.goto('/');
    await page.getByLabel('Username').fill('maya');
    await shoot(page, 'desktop-login.png');

    await logIn(page, 'maya');
    await openConversation(page, 'Leo Martins', '7:15');
    await page.locator('.pane .attachment-image img').waitFor();
    await page.locator('.pane [data-tick="read"]').first().waitFor();
    await page.locator('.pane .presence', { hasText: 'Online' }).waitFor();
    // Leo has read everything and is answering.
    const { leo } = seeded.users;
    leo.typing(seeded.conversations.leoDm, true);
    await page.locator('.pane .typing', { hasText: 'Leo Martins is typing' }).waitFor();
    await shoot(page, 'desktop-conversation.png');
    leo.typing(seeded.conversations.leoDm, false);

    await openConversation(page, '#design', 'Ship it');
    await page.locator('.pane .message', { hasText: 'New onboarding mockups' }).getByRole('button', { name: '3 replies' }).click();
    await page.locator('.thread-panel .timeline .message', { hasText: 'updating it now' }).waitFor();
    await shoot(page, 'desktop-thread.png');
    await page.getByRole('button', { name: 'Close thread' }).click();

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await openConversation(page, 'Leo Martins', '7:15');
    await page.locator('.pane .attachment-image img').waitFor();
    await shoot(page, 'desktop-dark.png');
    await desktop.context.close();

    const phone = await newPage(browser, baseUrl, PHONE, pageErrors);
    await logIn(phone.page, 'maya');
    await sidebarItem(phone.page, 'Weekend in the Alps').waitFor();
    await shoot(phone.page, 'phone-list.png');
    await openConversation(phone.page, 'Weekend in the Alps', 'croissants on me');
    await shoot(phone.page, 'phone-conversation.png');
    await phone.context.close();
  } finally {
    await browser.close();
  }
  if (pageErrors.length) console.warn(`screenshots: the pages logged errors:\n  ${pageErrors.join('\n  ')}`);
}

// Run

fs.mkdirSync(OUT_DIR, { recursive: true });
log('starting the server');
// The benchmark's server starter (fresh data directory, free port, rate limits raised for one
// process playing everyone), unpinned; nothing is fetched from the internet.
const server = await startServer({ cpu: null, env: { PARLEY_LINK_PREVIEWS: 'false' } });
let failed = false;
const online = [];
try {
  log(`seeding ${server.baseUrl}`);
  const seeded = await seed(server.baseUrl);
  // Leo and Nora have the app open: Maya sees them online.
  for (const name of ['leo', 'nora']) {
    await seeded.users[name].connect();
    online.push(seeded.users[name]);
  }
  log('taking screenshots');
  await takeScreenshots(server.baseUrl, seeded);
} catch (err) {
  failed = true;
  console.error(err);
  const tail = server.log.tail.join('\n').trim();
  if (tail) console.error(`server output:\n${tail}`);
} finally {
  for (const client of online) client.disconnect();
  await server.stop();
}
if (failed) process.exit(1);
log(`done: ${path.relative(ROOT, OUT_DIR)}/`);
