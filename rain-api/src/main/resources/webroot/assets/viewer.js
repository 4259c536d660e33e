// The viewer page: join a room, wait for a rain, tap falling packets, watch the wallet get credited.
import { $, Api, ApiError, DemoOff, demoSignIn, duration, el, money, roomSocket, sentence, session, tokenSubject } from './api.js';

const params = new URLSearchParams(location.search);
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** How often a new packet starts falling during a rain. */
const SPAWN_EVERY_MS = 260;

const state = {
  me: null,          // { userId, token, roomId }
  api: null,
  socket: null,
  rain: null,        // the RAIN_START of the rain on screen
  clockOffset: 0,    // server time ≈ Date.now() + clockOffset
  phase: 'signin',   // signin | waiting | countdown | raining | ending | over
  wins: [],          // { packetId, amount, credited }
  stopped: false,    // sold out or limit reached: no more taps for this rain
  grabbing: false,
  balance: null,
  timers: [],
};

const serverNow = () => Date.now() + state.clockOffset;

function show(id, visible) {
  $(id).hidden = !visible;
}

function setPhase(phase) {
  state.phase = phase;
  document.body.dataset.phase = phase;
  show('#signin-panel', phase === 'signin');
  show('#waiting-panel', phase === 'waiting');
  show('#countdown-panel', phase === 'countdown');
  show('#rain-hud', phase === 'raining' || phase === 'ending');
  show('#summary-panel', phase === 'over');
}

function clearTimers() {
  state.timers.forEach(clearInterval);
  state.timers = [];
}

// ---------------------------------------------------------------- sign-in

function initSignIn() {
  const saved = session.load('viewer');
  const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
  const room = ID.test(params.get('room') || '') ? params.get('room') : (saved && saved.roomId) || 'room-1';
  if (hashToken) {
    history.replaceState(null, '', location.pathname + location.search);
    enterRoom({ userId: tokenSubject(hashToken) || 'you', token: hashToken, roomId: room });
    return;
  }
  if (saved && saved.roomId === room) {
    enterRoom(saved);
    return;
  }
  $('#signin-user').value = (saved && saved.userId) || `viewer-${Math.random().toString(36).slice(2, 6)}`;
  $('#signin-room').value = room;
  setPhase('signin');
  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const userId = $('#signin-user').value.trim();
    const roomId = $('#signin-room').value.trim();
    const pasted = $('#signin-token').value.trim();
    $('#signin-error').textContent = '';
    $('#join-button').disabled = true;
    try {
      const token = pasted || (await demoSignIn(userId, 'viewer')).token;
      enterRoom({ userId: tokenSubject(token) || userId, token, roomId });
    } catch (e) {
      if (e instanceof DemoOff) {
        show('#token-field', true);
        $('#signin-error').textContent = 'This server has no demo sign-in. Paste an access token to join.';
      } else {
        $('#signin-error').textContent = sentence(e);
      }
    } finally {
      $('#join-button').disabled = false;
    }
  });
}

function enterRoom(me) {
  state.me = me;
  state.api = new Api(me.token);
  session.save('viewer', me);
  $('#room-name').textContent = me.roomId;
  show('#room-chip', true);
  show('#wallet-chip', true);
  $('#wallet-chip').title = `Wallet of ${me.userId}`;
  const url = new URL(location.href);
  url.searchParams.set('room', me.roomId);
  history.replaceState(null, '', url);
  setPhase('waiting');
  refreshWallet();
  state.socket = roomSocket(me.roomId, me.token, { onEvent, onState: onSocketState });
}

function onSocketState(socketState) {
  $('#live-dot').dataset.state = socketState;
  if (state.phase === 'waiting') {
    $('#waiting-text').textContent = socketState === 'live'
      ? 'Waiting for the anchor to start a rain…'
      : 'Connecting to the room…';
  }
}

// ---------------------------------------------------------------- wallet

async function refreshWallet() {
  try {
    const wallet = await state.api.wallet();
    setBalance(wallet.balance);
    return wallet;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.clear('viewer');
      location.reload();
    }
    return null;
  }
}

function setBalance(balance) {
  const changed = state.balance !== null && balance !== state.balance;
  state.balance = balance;
  $('#wallet-balance').textContent = money(balance);
  $('#wallet-chip').dataset.balance = String(balance);
  if (changed) {
    const chip = $('#wallet-chip');
    chip.classList.remove('flash');
    void chip.offsetWidth;
    chip.classList.add('flash');
  }
}

/** A win is credited once the settlement consumer has written it: the wallet shows the packet's entry. */
async function awaitCredit(win) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const wallet = await refreshWallet();
    if (wallet && wallet.entries.some((entry) => entry.bizId === win.packetId)) {
      win.credited = true;
      if ($('#toast').dataset.packet === win.packetId) {
        $('#toast-credit').textContent = 'Credited to your wallet';
        $('#toast-credit').classList.add('done');
      }
      updateHud();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
}

// ---------------------------------------------------------------- room events

function onEvent(event) {
  if (event.type === 'RAIN_START') onRainStart(event);
  else if (event.type === 'RAIN_END') onRainEnd(event);
}

function onRainStart(event) {
  if (state.rain && state.rain.configCode === event.configCode) return;
  const localLeft = Date.parse(event.startsAt) - Date.now();
  const serverLeft = event.countdownSeconds * 1000;
  // Trust our clock unless it disagrees with the server's count by more than rounding can explain.
  state.clockOffset = Math.abs(localLeft - serverLeft) > 1500 ? localLeft - serverLeft : 0;
  if (Date.parse(event.endsAt) <= serverNow()) return;
  clearTimers();
  state.rain = event;
  state.wins = [];
  state.stopped = false;
  hideToast();
  $('#countdown-meta').textContent = `${event.totalCount.toLocaleString('en-US')} packets · ${money(event.totalAmount)} in total`;
  setPhase('countdown');
  tickCountdown();
  state.timers.push(setInterval(tickCountdown, 100));
}

function tickCountdown() {
  const left = Date.parse(state.rain.startsAt) - serverNow();
  if (left > 0) {
    $('#countdown').textContent = String(Math.ceil(left / 1000));
    return;
  }
  clearTimers();
  startRaining();
}

function startRaining() {
  setPhase('raining');
  updateHud();
  keepTime('');
  state.timers.push(setInterval(spawnPacket, SPAWN_EVERY_MS));
  for (let i = 0; i < 4; i++) setTimeout(spawnPacket, i * 90);
}

/** The time left in the HUD, after {@code prefix}, until the rain's end. */
function keepTime(prefix) {
  const tick = () => {
    const left = Date.parse(state.rain.endsAt) - serverNow();
    $('#hud-left').textContent = left > 0 ? `${prefix}${duration(left)} left` : "Time's up";
    if (left <= 0 && state.phase === 'raining') stopRaining('ending', "Time's up · results coming");
  };
  tick();
  state.timers.push(setInterval(tick, 250));
}

/**
 * No more packets for this viewer; the summary comes with RAIN_END. A viewer at the limit still sees how long
 * the room's rain goes on: {@code keepClock}.
 */
function stopRaining(phase, why, keepClock = false) {
  clearTimers();
  $('#sky').querySelectorAll('.packet').forEach((packet) => packet.classList.add('fade'));
  if (phase) setPhase(phase);
  if (why) $('#hud-left').textContent = why;
  if (keepClock) keepTime(`${why} · `);
}

function onRainEnd(event) {
  if (!state.rain || state.rain.configCode !== event.configCode) return;
  stopRaining(null);
  const total = state.wins.reduce((sum, win) => sum + win.amount, 0);
  const best = event.bestLuck;
  const bestIsMe = best && state.me && best.userId === state.me.userId;
  $('#summary-amount').textContent = money(total);
  $('#summary-panel').dataset.won = String(total);
  $('#summary-caption').textContent = total === 0
    ? 'No packet this time. The next rain is yours!'
    : bestIsMe ? 'You won this, and the best luck of the whole rain!'
      : `You won this with ${state.wins.length === 1 ? 'one packet' : `${state.wins.length} packets`}.`;
  const totalCount = state.rain ? state.rain.totalCount : null;
  $('#summary-count').textContent = totalCount
    ? `${event.grabbedCount.toLocaleString('en-US')} of ${totalCount.toLocaleString('en-US')}`
    : event.grabbedCount.toLocaleString('en-US');
  $('#summary-grabbed').textContent = money(event.grabbedAmount);
  const bestCell = $('#summary-best');
  bestCell.replaceChildren(best
    ? el('span', {}, el('span', { class: 'crown', 'aria-hidden': 'true' }), ` ${bestIsMe ? 'You' : best.userId} · ${money(best.amount)}`)
    : '—');
  hideToast();
  setPhase('over');
  refreshWallet();
}

// ---------------------------------------------------------------- packets

function spawnPacket() {
  const sky = $('#sky');
  if (sky.childElementCount > 28) return;
  const packet = el('button', { class: 'packet', type: 'button', 'aria-label': 'Red packet' },
    el('span', { class: 'envelope' }));
  packet.style.setProperty('--x', `${4 + Math.random() * 84}%`);
  packet.style.setProperty('--fall', `${(2.8 + Math.random() * 1.6).toFixed(2)}s`);
  packet.style.setProperty('--tilt', `${Math.round(Math.random() * 40 - 20)}deg`);
  packet.style.setProperty('--scale', (0.85 + Math.random() * 0.35).toFixed(2));
  packet.addEventListener('animationend', () => packet.remove());
  packet.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    tap(packet);
  });
  // Keyboard users: Enter or Space on a focused packet.
  packet.addEventListener('click', (event) => {
    if (event.detail === 0) tap(packet);
  });
  sky.append(packet);
}

async function tap(packet) {
  if (state.grabbing || state.stopped || state.phase !== 'raining') return;
  state.grabbing = true;
  document.body.dataset.taps = String(Number(document.body.dataset.taps || 0) + 1);
  packet.classList.add('opened');
  const rain = state.rain;
  try {
    const answer = await state.api.grab(rain.configCode, rain.roomId);
    onGrabAnswer(answer);
  } catch (e) {
    onGrabRefused(e);
  } finally {
    state.grabbing = false;
  }
}

function onGrabAnswer(answer) {
  if (answer.outcome === 'WON') {
    const win = { packetId: answer.packetId, amount: answer.amount, credited: false };
    state.wins.push(win);
    showToast('WON', `+${money(answer.amount)}`, 'You caught a red packet!', 'Crediting your wallet…', win);
    updateHud();
    awaitCredit(win);
  } else if (answer.outcome === 'SOLD_OUT') {
    state.stopped = true;
    showToast('SOLD_OUT', 'Too slow', 'Every packet has been taken.');
    stopRaining('ending', 'All packets taken');
  } else if (answer.outcome === 'LIMIT_REACHED') {
    state.stopped = true;
    showToast('LIMIT_REACHED', 'Limit reached', "You've caught all the packets one viewer may get in this rain.");
    stopRaining('ending', "You're done for this rain", true);
  }
}

function onGrabRefused(e) {
  const code = e instanceof ApiError ? e.code : null;
  if (code === 'ENDED') {
    state.stopped = true;
    showToast('ENDED', 'Too slow', 'This rain is over.');
    stopRaining('ending', 'Rain over · results coming');
  } else if (code === 'RATE_LIMITED') {
    showToast('RATE_LIMITED', 'Easy!', 'Too many taps: wait a moment.');
  } else if (code === 'NOT_STARTED') {
    showToast('NOT_STARTED', 'Not yet', 'The rain has not started.');
  } else {
    showToast('ERROR', 'Oops', sentence(e) || 'Something went wrong. Try again.');
  }
}

function updateHud() {
  const total = state.wins.reduce((sum, win) => sum + win.amount, 0);
  $('#hud-won').textContent = state.wins.length ? `Won ${money(total)}` : 'Tap a packet!';
}

let toastTimer = null;

function showToast(outcome, amount, text, credit = '', win = null) {
  const toast = $('#toast');
  // Counts the answers, so a tester (or an analytics hook) can tell a new answer from the last one.
  document.body.dataset.answers = String(Number(document.body.dataset.answers || 0) + 1);
  toast.dataset.outcome = outcome;
  toast.dataset.packet = win ? win.packetId : '';
  toast.dataset.amount = win ? String(win.amount) : '';
  $('#toast-amount').textContent = amount;
  $('#toast-text').textContent = text;
  $('#toast-credit').textContent = credit;
  $('#toast-credit').classList.remove('done');
  toast.hidden = false;
  toast.classList.remove('pop');
  void toast.offsetWidth;
  toast.classList.add('pop');
  clearTimeout(toastTimer);
  if (outcome !== 'WON') toastTimer = setTimeout(hideToast, 2600);
}

function hideToast() {
  $('#toast').hidden = true;
}

$('#summary-close').addEventListener('click', () => {
  state.rain = null;
  setPhase('waiting');
  onSocketState('live');
});
$('#wallet-chip').addEventListener('click', refreshWallet);

initSignIn();
