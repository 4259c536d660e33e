// The pages in a real browser: an anchor console runs a rain, two viewers in separate browser contexts
// catch packets, and what the pages show must match what the API's ledger says. Started by RainPagesIT
// with the API's address in RAIN_WEB_BASE_URL; exits non-zero on any failure. Screenshots go to
// RAIN_WEB_ARTIFACTS.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.RAIN_WEB_BASE_URL;
const ARTIFACTS = process.env.RAIN_WEB_ARTIFACTS || 'build-artifacts';
const CHROMIUM = process.env.RAIN_CHROMIUM || '/usr/bin/chromium';
const SLOW = 60_000;
if (!BASE) throw new Error('RAIN_WEB_BASE_URL is not set');
mkdirSync(ARTIFACTS, { recursive: true });

const suffix = Math.random().toString(36).slice(2, 8);
const ROOM = `room-web-${suffix}`;
const ANCHOR = `anchor-web-${suffix}`;
const VIEWERS = [`viewer-a-${suffix}`, `viewer-b-${suffix}`];

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function log(message) {
  console.log(`[pages] ${message}`);
}

/** "¥1,234.56" -> 123456, exactly, without floating point. */
function minorUnits(text) {
  const match = /¥([\d,]+)\.(\d{2})/.exec(text);
  check(match, `"${text}" shows no amount`);
  return Number(match[1].replace(/,/g, '')) * 100 + Number(match[2]);
}

/** Debian's Chromium with exactly the flags this machine needs, on a fresh profile; Playwright attaches over CDP. */
async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'rain-chromium-'));
  // In its own process group, so closing stops the helpers too (zygote, renderers, crashpad): they can
  // still be writing into the profile after the main process has exited.
  const child = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    // This machine has no network but the registries: without these, Chromium keeps dialling out.
    '--disable-quic', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
    `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const endpoint = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`Chromium exited (${code}): ${seen}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    browser,
    async close() {
      const started = Date.now();
      await browser.close().catch(() => {});
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
      signalGroup(child.pid, 'SIGTERM');
      await exited;
      await groupGone(child.pid);
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      log(`Chromium closed and its profile removed in ${Date.now() - started} ms`);
    },
  };
}

/** Sends a signal to every process in the group; false once none is left. */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

/** Waits until Chromium's whole process group has exited: up to 10 s, then kills what is left. */
async function groupGone(pgid) {
  const deadline = Date.now() + 10_000;
  while (signalGroup(pgid, 0)) {
    if (Date.now() > deadline) {
      signalGroup(pgid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function api(method, path, token, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  check(response.ok, `${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

const demoToken = async (userId, role) => (await api('POST', '/demo/token', null, { userId, role })).token;

function watchErrors(page, name) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${name} console: ${m.text()}`); });
  return errors;
}

async function shot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  log(`screenshot ${path}`);
}

async function openConsole(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  // What a person does first: open the address ./rainctl up prints, then choose the console.
  await page.goto(`${BASE}/`);
  await page.waitForSelector('a.choice[href="console.html"]');
  await shot(page, 'home');
  await checkFavicon(page);
  await page.click('a.choice[href="console.html"]');
  await page.waitForURL(`${BASE}/app/console.html`);
  await shot(page, 'console-signin');
  await page.fill('#signin-user', ANCHOR);
  await page.click('#signin-button');
  await page.waitForSelector('#app:not([hidden])');
  // Demo mode funds an empty anchor wallet through the ledger's deposit.
  await page.waitForFunction(() => Number(document.querySelector('#anchor-balance').dataset.balance) > 0, null, { timeout: SLOW });
  return page;
}

/** The page links an SVG favicon and the server answers it as one. */
async function checkFavicon(page) {
  const href = await page.evaluate(() => document.querySelector('link[rel="icon"]')?.href);
  check(href, `${page.url()} links no favicon`);
  const response = await fetch(href);
  check(response.status === 200, `favicon ${href} answered ${response.status}`);
  check((response.headers.get('content-type') || '').startsWith('image/svg+xml'),
    `favicon is served as ${response.headers.get('content-type')}`);
}

/**
 * More than the wallet holds: the form says so in a sentence with the amounts in ¥ (not the server's detail in
 * minor units, not the code) and highlights the amount field. Photographed on a desktop and on a phone.
 */
async function refusedForFunds(page) {
  await page.fill('#f-room', ROOM);
  await page.fill('#f-amount', '1000000.00');
  await page.click('#create-button');
  await page.waitForFunction(() => document.querySelector('#create-error').textContent.trim() !== '', null, { timeout: SLOW });
  const text = (await page.textContent('#create-error')).trim();
  const balance = Number(await page.getAttribute('#anchor-balance', 'data-balance'));
  const held = `¥${(balance / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
  check(text.startsWith(`Your wallet holds ${held}, not enough for ¥1,000,000.00.`), `insufficient funds says "${text}"`);
  check(!/INSUFFICIENT|100000000/.test(text), `the error shows no code or minor units: "${text}"`);
  check(await page.getAttribute('#f-amount', 'aria-invalid') === 'true', 'the amount field is highlighted');
  await shot(page, 'console-insufficient-funds');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'console-insufficient-funds-phone');
  await page.setViewportSize({ width: 1440, height: 1000 });
}

/** A new tab (nothing in its session) and a reload both show the anchor's running rain again after sign-in. */
async function reopensRunningRain(page, code) {
  const tab = await page.context().newPage();
  const errors = watchErrors(tab, 'console tab');
  await tab.goto(`${BASE}/app/console.html`);
  await tab.fill('#signin-user', ANCHOR);
  await tab.click('#signin-button');
  await tab.waitForSelector('#status-pill[data-status="RUNNING"]', { timeout: SLOW });
  check((await tab.textContent('#rain-code')).trim() === code, 'a new tab shows the running rain');
  check(await tab.isDisabled('#create-button'), '"Create and fund" is disabled while the rain runs');
  await shot(tab, 'console-new-tab');
  await tab.close();
  check(errors.length === 0, `the new tab logged errors: ${errors.join('; ')}`);
  await page.reload();
  await page.waitForSelector('#status-pill[data-status="RUNNING"]', { timeout: SLOW });
  check((await page.textContent('#rain-code')).trim() === code, 'a reload shows the running rain');
}

async function openViewer(browser, userId) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${BASE}/app/viewer.html?room=${ROOM}`);
  await page.waitForSelector('#signin-panel:not([hidden])');
  if (userId === VIEWERS[0]) {
    await shot(page, 'viewer-signin');
    await checkFavicon(page);
  }
  await page.fill('#signin-user', userId);
  await page.click('#join-button');
  await page.waitForSelector('body[data-phase="waiting"]');
  await page.waitForSelector('#live-dot[data-state="live"]', { timeout: SLOW });
  return page;
}

async function createRain(page) {
  await page.fill('#f-room', ROOM);
  await page.fill('#f-amount', '100.00');
  await page.fill('#f-count', '20');
  await page.selectOption('#f-mode', 'LUCKY');
  await page.fill('#f-max', '1');
  await page.fill('#f-countdown', '6');
  await page.fill('#f-duration', '60');
  await page.click('#create-button');
  await page.waitForSelector('#status-pill[data-status="WAIT_PREPARE"]', { timeout: SLOW });
  return (await page.textContent('#rain-code')).trim();
}

/**
 * Taps falling packets until one tap is taken (the page counts them in body[data-taps]) and answered
 * (body[data-answers]); then reads the answer in one go. Packets move, so a tap may miss and is tried
 * again; no second tap is sent while one is being answered. A rate-limit answer is tapped through.
 */
async function tapUntilAnswered(page) {
  const counters = () => page.evaluate(() => ({
    taps: Number(document.body.dataset.taps || 0), answers: Number(document.body.dataset.answers || 0),
  }));
  const deadline = Date.now() + SLOW;
  while (Date.now() < deadline) {
    const before = await counters();
    const packets = page.locator('.packet:not(.opened):not(.fade)');
    const count = await packets.count();
    const box = count > 0 ? await packets.nth(Math.floor(count / 2)).boundingBox().catch(() => null) : null;
    if (box && box.y > 60 && box.y < 760) {
      await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2).catch(() => {});
      if ((await counters()).taps > before.taps) {
        await page.waitForFunction((n) => Number(document.body.dataset.answers || 0) > n, before.answers, { timeout: SLOW });
        const answer = await page.evaluate(() => {
          const toast = document.querySelector('#toast');
          return { outcome: toast.dataset.outcome, amountText: document.querySelector('#toast-amount').textContent,
            amount: toast.dataset.amount, packetId: toast.dataset.packet };
        });
        if (answer.outcome !== 'RATE_LIMITED') return answer;
      }
    }
    await page.waitForTimeout(150);
  }
  throw new Error('no answer to any tap within a minute');
}

async function main() {
  const chrome = await launchChromium();
  try {
    const { browser } = chrome;
    const anchorPage = await openConsole(browser);
    await checkFavicon(anchorPage);
    // Before the watch: Chromium logs the refused create's 409 as an error, and this one is the test's own.
    await refusedForFunds(anchorPage);
    const errors = watchErrors(anchorPage, 'console');
    const code = await createRain(anchorPage);
    log(`rain ${code} in ${ROOM}`);
    const viewers = [];
    for (const userId of VIEWERS) {
      const page = await openViewer(browser, userId);
      viewers.push({ userId, page, errors: watchErrors(page, userId) });
    }
    await shot(viewers[0].page, 'viewer-waiting');

    await anchorPage.click('#prepare-button');
    await anchorPage.waitForSelector('#status-pill[data-status="PREPARED"]', { timeout: SLOW });
    await anchorPage.click('#start-button');
    await anchorPage.waitForSelector('#status-pill[data-status="RUNNING"]', { timeout: SLOW });

    // Both viewers see the countdown: RAIN_START reached them over the room WebSocket.
    for (const viewer of viewers) {
      await viewer.page.waitForSelector('body[data-phase="countdown"]', { timeout: SLOW });
      const shown = (await viewer.page.textContent('#countdown')).trim();
      check(/^[1-9]\d*$/.test(shown), `${viewer.userId} shows countdown "${shown}"`);
    }
    await shot(viewers[0].page, 'viewer-countdown');
    await shot(anchorPage, 'console-countdown');
    await reopensRunningRain(anchorPage, code);

    for (const viewer of viewers) {
      await viewer.page.waitForSelector('body[data-phase="raining"]', { timeout: SLOW });
    }
    await shot(viewers[1].page, 'viewer-raining');

    // Each viewer taps until a packet is won; the page shows the amount.
    const wins = {};
    for (const viewer of viewers) {
      const answer = await tapUntilAnswered(viewer.page);
      check(answer.outcome === 'WON', `${viewer.userId} expected to win a packet, page says ${answer.outcome}`);
      const shown = minorUnits(answer.amountText);
      const { packetId } = answer;
      check(String(shown) === answer.amount, `shown amount ${answer.amountText} matches the grab answer ${answer.amount}`);
      wins[viewer.userId] = { amount: shown, packetId };
      log(`${viewer.userId} won ${shown} (${packetId})`);
    }
    // The wallet on the page updates once the settlement consumer has credited the packet.
    for (const viewer of viewers) {
      await viewer.page.waitForSelector('#toast-credit.done', { timeout: SLOW });
      const balance = Number(await viewer.page.getAttribute('#wallet-chip', 'data-balance'));
      check(balance === wins[viewer.userId].amount, `${viewer.userId}'s wallet shows ${balance}, won ${wins[viewer.userId].amount}`);
    }
    await shot(viewers[0].page, 'viewer-won');

    // One packet per viewer: a second tap is refused with "limit reached".
    const second = await tapUntilAnswered(viewers[1].page);
    check(second.outcome === 'LIMIT_REACHED', `second tap of ${viewers[1].userId} answered ${second.outcome}`);
    check(second.amountText.includes('Limit reached'), 'the page says limit reached');
    const clock = (await viewers[1].page.textContent('#hud-left')).trim();
    check(/\d+s left$/.test(clock), `after the limit the viewer still sees the time left: "${clock}"`);
    await shot(viewers[1].page, 'viewer-limit-reached');

    // The console shows the progress: both grabs grabbed and settled, for the amounts the viewers saw.
    const total = Object.values(wins).reduce((sum, w) => sum + w.amount, 0);
    await anchorPage.waitForFunction((expected) => {
      const live = document.querySelector('#live').dataset;
      return live.settledCount === '2' && live.settledAmount === String(expected) && live.grabbedCount === '2'
        && document.querySelectorAll('#records tr:not(:has(.empty))').length === 2;
    }, total, { timeout: SLOW });
    check(minorUnits(await anchorPage.textContent('#s-settled-amount')) === total, 'console shows the settled amount');
    await shot(anchorPage, 'console-running');

    // The ledger, through the API: the settled records are exactly the wins the pages showed.
    const anchorToken = await demoToken(ANCHOR, 'anchor');
    const { records } = await api('GET', `/v1/rains/${code}/records?limit=500`, anchorToken);
    check(records.length === 2, `ledger has ${records.length} records`);
    for (const viewer of viewers) {
      const record = records.find((r) => r.userId === viewer.userId);
      check(record && record.amount === wins[viewer.userId].amount && record.packetId === wins[viewer.userId].packetId,
        `ledger record of ${viewer.userId}: ${JSON.stringify(record)}`);
      const wallet = await api('GET', '/v1/wallets/me', await demoToken(viewer.userId, 'viewer'));
      check(wallet.balance === wins[viewer.userId].amount, `${viewer.userId}'s ledger balance ${wallet.balance}`);
    }

    // Closing refunds the rest; the console shows the reconciliation balanced, the viewers the summary.
    await anchorPage.click('#close-button');
    await anchorPage.waitForSelector('#status-pill[data-status="FINISHED"]', { timeout: SLOW });
    await anchorPage.waitForSelector('#recon-badge[data-state="balanced"]', { timeout: SLOW });
    const recon = await api('GET', `/v1/rains/${code}/reconciliation`, anchorToken);
    check(recon.balanced && recon.credited === total && recon.refunded === 10_000 - total,
      `reconciliation ${JSON.stringify(recon)}`);
    for (const viewer of viewers) {
      await viewer.page.waitForSelector('body[data-phase="over"]', { timeout: SLOW });
      const summary = minorUnits(await viewer.page.textContent('#summary-amount'));
      check(summary === wins[viewer.userId].amount, `${viewer.userId}'s summary shows ${summary}`);
      check((await viewer.page.textContent('#summary-count')).trim() === '2 of 20', 'summary counts the grabs');
      const labels = await viewer.page.textContent('#summary-panel');
      check(/you won/i.test(labels) && /whole room/i.test(labels) && /by everyone/.test(labels),
        `the summary says which figures are the viewer's and which the room's: "${labels}"`);
    }
    await shot(viewers[0].page, 'viewer-summary');
    await anchorPage.waitForSelector('#events li .tag.end', { timeout: SLOW });
    await shot(anchorPage, 'console-finished');

    const pageErrors = [...errors, ...viewers.flatMap((v) => v.errors)];
    check(pageErrors.length === 0, `the pages logged errors: ${pageErrors.join('; ')}`);
    console.log(`RESULT ${JSON.stringify({ configCode: code, wins })}`);
  } finally {
    await chrome.close();
  }
}

main().then(
  () => log('passed'),
  (e) => {
    console.error(`[pages] FAILED: ${e.stack || e}`);
    process.exitCode = 1;
  },
);
