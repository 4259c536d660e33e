// The anchor console: fund, prepare, start and close a rain, and watch it live.
import { $, Api, ApiError, DemoOff, demoSignIn, duration, el, money, parseMoney, roomSocket, sentence, session, tokenSubject } from './api.js';

const POLL_MS = 1000;
/** Play money for a demo anchor whose wallet is empty: 10,000.00. */
const DEMO_TOP_UP = 1_000_000;
const STEPS = ['WAIT_PREPARE', 'PREPARED', 'RUNNING', 'FINISHED'];
/** The create form's input for each field a problem can name. */
const FIELDS = {
  roomId: '#f-room', totalAmount: '#f-amount', totalCount: '#f-count', mode: '#f-mode',
  maxGrabsPerUser: '#f-max', countdownSeconds: '#f-countdown', durationSeconds: '#f-duration',
};
/** What to fix in each field, in the form's words (amounts in ¥, as the form takes them). */
const FIELD_SENTENCES = {
  roomId: 'The room must be 1 to 64 letters, digits or _ . : -',
  totalAmount: 'The total amount must be at least ¥0.01 a packet and at most ¥100,000,000.00.',
  totalCount: 'The number of packets is outside what a rain may hold.',
  mode: 'Choose a lucky or an equal split.',
  maxGrabsPerUser: 'Packets per viewer must be from 1 to 100.',
  countdownSeconds: 'The countdown must be from 0 to 300 seconds.',
  durationSeconds: 'The duration must be from 1 to 86,400 seconds.',
};

const state = {
  me: null,        // { userId, token, demo }
  api: null,
  rain: null,      // the latest detail
  records: [],
  recon: null,
  socket: null,
  socketRoom: null,
  events: [],
  pollTimer: null,
  busy: false,
};

// ---------------------------------------------------------------- sign-in

function initSignIn() {
  const saved = session.load('anchor');
  const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
  if (hashToken) {
    history.replaceState(null, '', location.pathname + location.search);
    signedIn({ userId: tokenSubject(hashToken) || 'anchor', token: hashToken, demo: false });
    return;
  }
  if (saved) {
    signedIn(saved);
    return;
  }
  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#signin-error').textContent = '';
    $('#signin-button').disabled = true;
    const pasted = $('#signin-token').value.trim();
    const userId = $('#signin-user').value.trim();
    try {
      const me = pasted
        ? { userId: tokenSubject(pasted) || userId, token: pasted, demo: false }
        : { userId, token: (await demoSignIn(userId, 'anchor')).token, demo: true };
      await signedIn(me);
    } catch (e) {
      if (e instanceof DemoOff) {
        $('#token-field').hidden = false;
        $('#signin-error').textContent = 'This server has no demo sign-in. Paste an anchor token.';
      } else {
        $('#signin-error').textContent = sentence(e);
      }
    } finally {
      $('#signin-button').disabled = false;
    }
  });
}

async function signedIn(me) {
  state.me = me;
  state.api = new Api(me.token);
  session.save('anchor', me);
  $('#signin-panel').hidden = true;
  $('#app').hidden = false;
  $('#account').hidden = false;
  $('#anchor-name').textContent = me.userId;
  $('#anchor-avatar').textContent = me.userId.slice(0, 1).toUpperCase();
  $('#top-up').hidden = !me.demo;
  const wallet = await refreshWallet();
  if (me.demo && wallet && wallet.balance === 0) await topUp();
  const current = await rainToReopen();
  if (current) select(current);
}

/**
 * The rain this tab showed last, unless it is over; else the anchor's newest running one, else their newest
 * not started: a new tab (or another device) finds the rain its anchor is in the middle of.
 */
async function rainToReopen() {
  const code = session.load('anchor-rain');
  if (code) {
    try {
      const shown = await state.api.rain(code);
      if (shown.status !== 'FINISHED') return shown;
    } catch {
      session.clear('anchor-rain');
    }
  }
  try {
    const { rains } = await state.api.myRains();
    return rains.find((r) => r.status === 'RUNNING') || rains.find((r) => r.status !== 'FINISHED') || null;
  } catch (e) {
    $('#create-error').textContent = `Your rains could not be listed: ${sentence(e)}`;
    return null;
  }
}

async function refreshWallet() {
  try {
    const wallet = await state.api.wallet();
    $('#anchor-balance').textContent = money(wallet.balance);
    $('#anchor-balance').dataset.balance = String(wallet.balance);
    return wallet;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signOut();
    return null;
  }
}

/** Demo mode: the server deposits play money through the ledger's real deposit. */
async function topUp() {
  $('#top-up').disabled = true;
  try {
    await state.api.topUp(DEMO_TOP_UP);
    await refreshWallet();
  } catch (e) {
    $('#create-error').textContent = `Top-up failed: ${sentence(e)}`;
  } finally {
    $('#top-up').disabled = false;
  }
}

function signOut() {
  session.clear('anchor');
  session.clear('anchor-rain');
  location.reload();
}

// ---------------------------------------------------------------- lifecycle

/** A mistake in one field of the create form, found before asking the server. */
class FieldMistake extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

function readForm() {
  const totalAmount = parseMoney($('#f-amount').value);
  if (!Number.isFinite(totalAmount)) throw new FieldMistake('totalAmount', 'Write the total amount like 100 or 100.00.');
  const int = (id) => Number.parseInt($(id).value, 10);
  return {
    roomId: $('#f-room').value.trim(),
    totalAmount,
    totalCount: int('#f-count'),
    mode: $('#f-mode').value,
    maxGrabsPerUser: int('#f-max'),
    countdownSeconds: int('#f-countdown'),
    durationSeconds: int('#f-duration'),
  };
}

/** Marks the field a refusal is about (or none), so the user sees where to look. */
function highlight(field) {
  Object.entries(FIELDS).forEach(([name, id]) => {
    if (name === field) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  });
}

/** A refused create in the form's words, with the field it is about highlighted. */
function explainCreate(e, spec) {
  const balance = Number($('#anchor-balance').dataset.balance);
  const field = e instanceof FieldMistake ? e.field
    : e instanceof ApiError && e.code === 'INSUFFICIENT_FUNDS' ? 'totalAmount'
      : e instanceof ApiError && e.problem ? e.problem.field : null;
  highlight(field);
  return sentence(e, { amount: spec && spec.totalAmount, balance: Number.isFinite(balance) ? balance : undefined },
    (name) => FIELD_SENTENCES[name]);
}

async function create(event) {
  event.preventDefault();
  $('#create-error').textContent = '';
  highlight(null);
  let spec = null;
  await act($('#create-button'), '#create-error', async () => {
    spec = readForm();
    const detail = await state.api.create(spec);
    state.records = [];
    state.recon = null;
    state.events = [];
    select(detail);
    refreshWallet();
  }, (e) => explainCreate(e, spec));
}

/** Runs one lifecycle call with its button disabled; a refusal is shown under the card, in words. */
async function act(button, errorId, action, explain = (e) => sentence(e)) {
  if (state.busy) return;
  state.busy = true;
  button.disabled = true;
  $(errorId).textContent = '';
  try {
    await action();
  } catch (e) {
    $(errorId).textContent = explain(e);
  } finally {
    state.busy = false;
    button.disabled = false;
    if (state.rain) renderControls(state.rain);
  }
}

const lifecycle = (name) => (event) => act(event.currentTarget, '#control-error', async () => {
  render(await state.api[name](state.rain.configCode));
  poll();
});

function select(detail) {
  session.save('anchor-rain', detail.configCode);
  $('#control-card').hidden = false;
  $('#live').hidden = false;
  listen(detail.roomId);
  render(detail);
  clearInterval(state.pollTimer);
  state.pollTimer = setInterval(poll, POLL_MS);
  poll();
}

let polling = false;
async function poll() {
  if (!state.rain || polling) return;
  polling = true;
  const code = state.rain.configCode;
  try {
    const [detail, records, recon] = await Promise.all([
      state.api.rain(code),
      state.api.records(code),
      state.api.reconciliation(code),
    ]);
    if (!state.rain || state.rain.configCode !== code) return;
    state.records = records;
    state.recon = recon;
    render(detail);
  } catch (e) {
    $('#control-error').textContent = `Cannot refresh: ${sentence(e)}`;
  } finally {
    polling = false;
  }
}

// ---------------------------------------------------------------- room events

function listen(roomId) {
  if (state.socketRoom === roomId) return;
  if (state.socket) state.socket.close();
  state.socketRoom = roomId;
  state.socket = roomSocket(roomId, state.me.token, {
    onEvent: (event) => {
      if (state.rain && event.configCode !== state.rain.configCode) return;
      state.events.unshift({ at: new Date(), event });
      renderEvents();
      poll();
      if (event.type === 'RAIN_END') refreshWallet();
    },
    onState: (socketState) => {
      $('#socket-state').textContent = socketState === 'live' ? `● live in ${roomId}` : socketState;
      $('#socket-state').dataset.state = socketState;
    },
  });
}

// ---------------------------------------------------------------- rendering

function render(detail) {
  state.rain = detail;
  document.body.dataset.status = detail.status;
  renderControls(detail);
  renderStats(detail);
  renderHistogram();
  renderRecords();
  renderRecon();
}

function renderControls(detail) {
  const pill = $('#status-pill');
  pill.textContent = { WAIT_PREPARE: 'Funded', PREPARED: 'Prepared', RUNNING: 'Running', FINISHED: 'Finished' }[detail.status];
  pill.dataset.status = detail.status;
  const at = STEPS.indexOf(detail.status);
  document.querySelectorAll('#stepper li').forEach((li, i) => {
    li.classList.toggle('done', i < at || detail.status === 'FINISHED');
    li.classList.toggle('current', i === at && detail.status !== 'FINISHED');
  });
  $('#prepare-button').disabled = state.busy || detail.status !== 'WAIT_PREPARE';
  $('#start-button').disabled = state.busy || detail.status !== 'PREPARED';
  $('#close-button').disabled = state.busy || detail.status === 'FINISHED';
  // One rain at a time in front of the anchor: a second one would take this one's place on the page.
  const running = detail.status === 'RUNNING';
  $('#create-button').disabled = state.busy || running;
  $('#create-hint').hidden = !running;
  $('#rain-code').textContent = detail.configCode;
  $('#rain-code').title = detail.configCode;
  $('#rain-room').textContent = detail.roomId;
  $('#viewer-link').href = `viewer.html?room=${encodeURIComponent(detail.roomId)}`;
  $('#rain-timing').textContent = timing(detail);
}

function timing(detail) {
  const now = Date.now();
  if (detail.finishedAt) return `Finished ${new Date(detail.finishedAt).toLocaleTimeString()}`;
  if (!detail.startsAt) return `${detail.mode === 'LUCKY' ? 'Lucky' : 'Equal'} split · ${detail.maxGrabsPerUser} per viewer`;
  const starts = Date.parse(detail.startsAt);
  const ends = Date.parse(detail.endsAt);
  if (now < starts) return `Starts in ${duration(starts - now)}`;
  if (detail.soldOutAt) return 'Sold out · settling';
  if (now < ends) return `Ends in ${duration(ends - now)}`;
  return 'Ended · settling';
}

function setText(id, text) {
  $(id).textContent = text;
}

function renderStats(d) {
  setText('#s-grabbed-count', d.grabbedCount.toLocaleString('en-US'));
  setText('#s-grabbed-amount', money(d.grabbedAmount));
  setText('#s-settled-count', d.settledCount.toLocaleString('en-US'));
  setText('#s-settled-amount', money(d.settledAmount));
  setText('#s-remaining', d.remainingCount.toLocaleString('en-US'));
  setText('#s-total', d.refundedAmount > 0
    ? `${money(d.refundedAmount)} refunded to you`
    : `of ${d.totalCount.toLocaleString('en-US')} · ${money(d.totalAmount)}`);
  setText('#s-best-amount', d.bestLuck ? money(d.bestLuck.amount) : '—');
  setText('#s-best', d.bestLuck ? d.bestLuck.userId : 'No grab yet');
  $('#s-best').title = d.bestLuck ? d.bestLuck.userId : '';
  $('#b-grabbed').style.width = `${(100 * d.grabbedCount) / d.totalCount}%`;
  $('#b-settled').style.width = `${(100 * d.settledCount) / d.totalCount}%`;
  const live = $('#live');
  live.dataset.grabbedCount = String(d.grabbedCount);
  live.dataset.settledCount = String(d.settledCount);
  live.dataset.settledAmount = String(d.settledAmount);
}

/** Up to ten equal-width bins between the smallest and the largest amount won. */
function renderHistogram() {
  const box = $('#histogram');
  const amounts = state.records.map((r) => r.amount);
  if (amounts.length === 0) {
    box.replaceChildren(el('p', { class: 'empty', text: 'No settled grabs yet.' }));
    setText('#histogram-caption', '');
    return;
  }
  const min = Math.min(...amounts);
  const max = Math.max(...amounts);
  const bins = Math.min(10, Math.max(1, max - min + 1));
  const width = Math.ceil((max - min + 1) / bins);
  const counts = new Array(bins).fill(0);
  amounts.forEach((a) => { counts[Math.min(bins - 1, Math.floor((a - min) / width))] += 1; });
  const peak = Math.max(...counts);
  box.replaceChildren(...counts.map((count, i) => {
    const low = min + i * width;
    const high = Math.min(max, low + width - 1);
    const bar = el('div', { class: 'hbar', title: `${count} grab${count === 1 ? '' : 's'} of ${money(low)}${high > low ? `–${money(high)}` : ''}` },
      el('span', { class: 'hcount', text: count ? String(count) : '' }),
      el('span', { class: 'hfill' }),
      el('span', { class: 'hlabel', text: money(low).replace('¥', '') }));
    bar.querySelector('.hfill').style.height = `${count ? Math.max(4, (100 * count) / peak) : 0}%`;
    return bar;
  }));
  setText('#histogram-caption', `${amounts.length} settled · ${money(min)} – ${money(max)}`);
}

function renderRecords() {
  const body = $('#records');
  const rows = state.records.slice().reverse().slice(0, 100);
  if (rows.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: '4', class: 'empty', text: 'No settled grabs yet.' })));
  } else {
    body.replaceChildren(...rows.map((r) => el('tr', { class: r.bestLuck ? 'best' : '' },
      el('td', {}, r.bestLuck ? el('span', { class: 'crown', title: 'Best luck' }) : null, ` ${r.userId}`),
      el('td', { class: 'num', text: money(r.amount) }),
      el('td', { class: 'mono dim', text: `#${r.packetId.slice(r.packetId.lastIndexOf(':') + 1)}` }),
      el('td', { class: 'dim', text: new Date(r.grabbedAt).toLocaleTimeString() }))));
  }
  const total = state.records.reduce((sum, r) => sum + r.amount, 0);
  setText('#records-caption', state.records.length ? `${state.records.length} settled · ${money(total)}` : 'Settled grabs appear here');
}

function renderRecon() {
  const r = state.recon;
  const badge = $('#recon-badge');
  if (!r) {
    badge.textContent = '—';
    badge.dataset.state = 'unknown';
    return;
  }
  const settling = r.inFlight > 0 || r.status !== 'FINISHED';
  badge.dataset.state = r.balanced ? (settling ? 'open' : 'balanced') : 'unbalanced';
  badge.textContent = r.balanced ? (settling ? 'Adds up so far' : 'Balanced') : 'Not balanced';
  setText('#r-funded', money(r.funded));
  setText('#r-credited', money(r.credited));
  setText('#r-refunded', money(r.refunded));
  setText('#r-inflight', money(r.inFlight));
  setText('#r-escrow', money(r.escrowBalance));
  $('#anomalies').replaceChildren(...r.anomalies.map((a) => el('li', {},
    el('strong', { text: a.kind }), ` ${a.detail || ''}${a.packetId ? ` · ${a.packetId}` : ''}${a.userId ? ` · ${a.userId}` : ''}`)));
}

function renderEvents() {
  $('#events').replaceChildren(...state.events.slice(0, 20).map(({ at, event }) => el('li', {},
    el('span', { class: `tag ${event.type === 'RAIN_START' ? 'start' : 'end'}`, text: event.type === 'RAIN_START' ? 'Start' : 'End' }),
    el('span', { text: event.type === 'RAIN_START'
      ? ` ${event.totalCount} packets · ${money(event.totalAmount)} · countdown ${event.countdownSeconds}s`
      : ` ${event.grabbedCount} grabbed · ${money(event.grabbedAmount)} · refunded ${money(event.refundedAmount)}` }),
    el('time', { class: 'dim', text: at.toLocaleTimeString() }))));
}

// ---------------------------------------------------------------- wiring

$('#create-form').addEventListener('submit', create);
$('#create-form').addEventListener('input', (event) => event.target.removeAttribute('aria-invalid'));
$('#prepare-button').addEventListener('click', lifecycle('prepare'));
$('#start-button').addEventListener('click', lifecycle('start'));
$('#close-button').addEventListener('click', lifecycle('close'));
$('#top-up').addEventListener('click', topUp);
$('#sign-out').addEventListener('click', signOut);
setInterval(() => { if (state.rain) setText('#rain-timing', timing(state.rain)); }, 500);

initSignIn();
