// The pages' only way to the server: the public /v1 API, the room WebSocket, and (demo mode) /demo.

/** A refused call, with the RFC 9457 problem the API answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = problem ? problem.code : undefined;
    this.problem = problem;
  }
}

async function call(method, path, token, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** The /v1 API as one signed-in user. */
export class Api {
  constructor(token) {
    this.token = token;
  }
  get(path) { return call('GET', path, this.token); }
  post(path, body) { return call('POST', path, this.token, body); }

  wallet() { return this.get('/v1/wallets/me?limit=50'); }
  /** The caller's newest rains (anchor): how a new tab finds the rain its anchor is running. */
  myRains() { return this.get('/v1/rains?mine=true&limit=20'); }
  rain(code) { return this.get(`/v1/rains/${encodeURIComponent(code)}`); }
  grab(code, roomId) { return this.post(`/v1/rains/${encodeURIComponent(code)}/grab`, { roomId }); }
  create(spec) { return this.post('/v1/rains', spec); }
  prepare(code) { return this.post(`/v1/rains/${encodeURIComponent(code)}/prepare`); }
  start(code) { return this.post(`/v1/rains/${encodeURIComponent(code)}/start`); }
  close(code) { return this.post(`/v1/rains/${encodeURIComponent(code)}/close`); }
  reconciliation(code) { return this.get(`/v1/rains/${encodeURIComponent(code)}/reconciliation`); }

  /** Every settled record of a rain, page by page, up to {@code max}. */
  async records(code, max = 5000) {
    const all = [];
    let after = null;
    while (all.length < max) {
      const query = `limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page = await this.get(`/v1/rains/${encodeURIComponent(code)}/records?${query}`);
      all.push(...page.records);
      if (!page.next) break;
      after = page.next;
    }
    return all;
  }

  /** Demo mode only: play money for an anchor's wallet. */
  topUp(amount) { return this.post('/demo/deposits', { amount }); }
}

/** What each refusal means to a person; {@code money} formats amounts the caller passes in. */
const SENTENCES = {
  UNAUTHORIZED: () => 'Your sign-in has expired. Sign in again.',
  FORBIDDEN: () => 'Your account may not do this.',
  NOT_OWNER: () => 'This rain belongs to another anchor.',
  WRONG_ROOM: () => 'This rain is running in another room.',
  RAIN_NOT_FOUND: () => 'There is no such rain.',
  INSUFFICIENT_FUNDS: ({ amount, balance }) => (amount !== undefined && balance !== undefined
    ? `Your wallet holds ${money(balance)}, not enough for ${money(amount)}. Lower the amount or add funds.`
    : 'Your wallet does not hold enough for this. Lower the amount or add funds.'),
  ALREADY_PREPARED: () => 'This rain is already prepared.',
  PREPARE_IN_PROGRESS: () => 'This rain is being prepared. Wait a moment.',
  NOT_PREPARED: () => 'Prepare the rain before you start it.',
  ALREADY_STARTED: () => 'This rain has already started.',
  NOT_STARTED: () => 'The rain has not started yet.',
  ENDED: () => 'This rain is over.',
  RATE_LIMITED: () => 'Too many requests. Wait a moment and try again.',
  TOO_MANY_CONNECTIONS: () => 'Too many open pages. Close one and try again.',
  UNAVAILABLE: () => 'The service is busy. Try again in a moment.',
  INTERNAL: () => 'Something went wrong on our side. Try again.',
};

/**
 * A refusal in the user's words: a sentence for the problem's stable {@code code}, never the server's detail
 * with its minor units. {@code context} carries what the page knows (the amount asked, the balance);
 * {@code fieldSentence} words an INVALID_REQUEST about one field.
 */
export function sentence(error, context = {}, fieldSentence = () => null) {
  if (!(error instanceof ApiError)) return error.message;
  if (error.code === 'INVALID_REQUEST') {
    return fieldSentence(error.problem && error.problem.field) || 'Check the highlighted field.';
  }
  const words = SENTENCES[error.code];
  return words ? words(context) : `The request failed (${error.status}). Try again.`;
}

/** Thrown when the server is not in demo mode: the user has to bring a token. */
export class DemoOff extends Error {}

/** Demo mode only: a token for {@code userId} with one role, without an identity service. */
export async function demoSignIn(userId, role) {
  try {
    return await call('POST', '/demo/token', null, { userId, role });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new DemoOff('demo sign-in is off on this server');
    throw e;
  }
}

/** The user id inside a token, to greet a user who pasted one. */
export function tokenSubject(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub || null;
  } catch {
    return null;
  }
}

/**
 * The room's live channel, reconnecting with backoff. Browsers cannot set headers on a WebSocket, so the
 * token goes in ?access_token=. The server sends a running rain's RAIN_START again on every connect.
 */
export function roomSocket(roomId, token, { onEvent, onState }) {
  let socket = null;
  let closed = false;
  let delay = 500;
  const open = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/v1/rooms/${encodeURIComponent(roomId)}/events?access_token=${encodeURIComponent(token)}`;
    socket = new WebSocket(url);
    onState('connecting');
    socket.onopen = () => {
      delay = 500;
      onState('live');
    };
    socket.onmessage = (message) => {
      try {
        onEvent(JSON.parse(message.data), performance.now());
      } catch (e) {
        console.warn('unreadable room event', e);
      }
    };
    socket.onclose = () => {
      if (closed) return;
      onState('offline');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
  return { close() { closed = true; if (socket) socket.close(); } };
}

const formatter = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Minor units (cents) as money: 12345 -> "¥123.45". Integer arithmetic only until display. */
export function money(minor) {
  if (minor === null || minor === undefined) return '—';
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}¥${formatter.format(Math.trunc(abs / 100) + (abs % 100) / 100)}`;
}

/** "¥12.34" or "12.34" typed by a person -> 1234 minor units, or NaN. */
export function parseMoney(text) {
  const match = /^\s*¥?\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * 100 + Number((match[2] || '0').padEnd(2, '0'));
}

/** A DOM element with attributes and children; text is always set as text, never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** A signed-in user kept for this tab only (sessionStorage), so two tabs can be two viewers. */
export const session = {
  load(kind) {
    try {
      return JSON.parse(sessionStorage.getItem(`rain.${kind}`));
    } catch {
      return null;
    }
  },
  save(kind, value) { sessionStorage.setItem(`rain.${kind}`, JSON.stringify(value)); },
  clear(kind) { sessionStorage.removeItem(`rain.${kind}`); },
};

/** "3s", "1m 05s". */
export function duration(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
