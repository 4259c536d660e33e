// WebSocket fan-out load generator: opens N viewer connections to one API instance's room channel,
// measures the API's heap per idle connection (jcmd, after forced GCs), publishes one RAIN_START to
// the room's Redis channel and records, for every connection, the time from publish to receipt.
//
// Separate processes from the API, with no dependencies: a minimal RFC 6455 client on non-blocking
// sockets (node:net), the clients split over --workers child processes (10,000 real viewers are on
// 10,000 devices; one single-threaded reader would add its own queue to every figure), connections
// spread over several 127.0.0.x source addresses so that ephemeral ports and TIME_WAIT from earlier
// runs never run out. Times are CLOCK_MONOTONIC (process.hrtime), the same clock in every process.
//
// node fanout.mjs --port 28080 --pid <api pid> --secret <jwt secret> --redis-port 26379 \
//   [--clients 10000] [--workers 2] [--sources 8] [--concurrency 400] [--out result.json]
import { execFileSync, fork } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** Milliseconds on CLOCK_MONOTONIC: comparable between the coordinator and its workers. */
const monoMs = () => Number(process.hrtime.bigint()) / 1e6;

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const PORT = Number(args.port);
const API_PID = args.pid;
const SECRET = args.secret;
const REDIS_PORT = Number(args['redis-port']);
const CLIENTS = Number(args.clients || 10_000);
const SOURCES = Number(args.sources || 8);
const CONCURRENCY = Number(args.concurrency || 400);
const WORKERS = Number(args.workers || 2);
const WARM_UP = 500;
const WARM_UP_EVENTS = 20;
const ROOM = args.room || `bench-room-${randomBytes(4).toString('hex')}`;
if (!PORT || !API_PID || !SECRET || !REDIS_PORT) {
  console.error('usage: node fanout.mjs --port P --pid API_PID --secret JWT_SECRET --redis-port R [--clients N]');
  process.exit(2);
}

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');
function token(userId) {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: userId, roles: ['viewer'], exp: Math.floor(Date.now() / 1000) + 3600 }));
  const signature = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** One viewer: upgrade, then read frames; answers pings (masked, as a client must) and notes the first text frame. */
class Viewer {
  constructor(index, onOpen, onFail) {
    this.receivedAt = null;
    this.open = false;
    this.buffer = Buffer.alloc(0);
    const bearer = token(`bench-viewer-${index}`);
    this.socket = net.connect({ host: '127.0.0.1', port: PORT, localAddress: `127.0.0.${2 + (index % SOURCES)}` });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.socket.write(`GET /v1/rooms/${ROOM}/events HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\n`
        + `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`
        + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nAuthorization: Bearer ${bearer}\r\n\r\n`);
    });
    this.socket.on('data', (chunk) => this.onData(chunk, onOpen, onFail));
    this.socket.on('error', (e) => { if (!this.open) onFail(e); });
    this.socket.on('close', () => { if (!this.open) onFail(new Error('closed before upgrade')); this.open = false; });
  }

  onData(chunk, onOpen, onFail) {
    const now = monoMs();
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (!this.open) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        onFail(new Error(head.split('\r\n')[0]));
        this.socket.destroy();
        return;
      }
      this.open = true;
      this.buffer = this.buffer.subarray(end + 4);
      onOpen(this);
    }
    this.readFrames(now);
  }

  readFrames(now) {
    while (this.buffer.length >= 2) {
      const opcode = this.buffer[0] & 0x0f;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x1 && this.receivedAt === null && payload.includes('"RAIN_START"')) this.receivedAt = now;
      else if (opcode === 0x9) this.send(0xA, payload);
    }
  }

  send(opcode, payload) {
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
    this.socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | masked.length]), mask, masked]));
  }

  close() {
    this.socket.destroy();
  }
}

async function connectAll(count, first = 0) {
  const viewers = [];
  const failures = [];
  let next = 0;
  let inFlight = 0;
  const started = monoMs();
  await new Promise((resolve) => {
    const launch = () => {
      while (inFlight < CONCURRENCY && next < count) {
        inFlight += 1;
        const index = first + next++;
        let settled = false;
        const done = () => {
          if (settled) return;
          settled = true;
          inFlight -= 1;
          if (viewers.length + failures.length === count) resolve();
          else launch();
        };
        new Viewer(index, (viewer) => { viewers.push(viewer); done(); }, (e) => { failures.push(String(e.message || e)); done(); });
      }
    };
    launch();
  });
  return { viewers, failures, seconds: (monoMs() - started) / 1000 };
}

/** Heap in use after forced full GCs, from the API's own JVM. */
function heapUsedKiB() {
  for (let i = 0; i < 2; i++) execFileSync('jcmd', [API_PID, 'GC.run'], { stdio: 'ignore' });
  const info = execFileSync('jcmd', [API_PID, 'GC.heap_info'], { encoding: 'utf8' });
  const match = /used (\d+)K/.exec(info);
  if (!match) throw new Error(`cannot read jcmd GC.heap_info:\n${info}`);
  return Number(match[1]);
}

function rssKiB() {
  const status = execFileSync('cat', [`/proc/${API_PID}/status`], { encoding: 'utf8' });
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
}

/** PUBLISH over a raw RESP connection; resolves with the number of subscribers that got it. */
function publish(channel, message) {
  return new Promise((resolve, reject) => {
    const redis = net.connect({ host: '127.0.0.1', port: REDIS_PORT }, () => {
      const parts = ['PUBLISH', channel, message];
      const command = `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
      const sentAt = monoMs();
      redis.write(command);
      redis.once('data', (reply) => {
        redis.end();
        resolve({ sentAt, subscribers: Number(reply.toString().slice(1).trim()) });
      });
    });
    redis.on('error', reject);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The CPU time the API process has used so far, in ms (utime + stime, 10 ms ticks). */
function apiCpuMs() {
  const stat = execFileSync('cat', [`/proc/${API_PID}/stat`], { encoding: 'utf8' });
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** A worker process: holds its share of the viewers, reports when they are connected and when they heard the event. */
async function worker() {
  const first = Number(args.first);
  const count = Number(args.count);
  const { viewers, failures, seconds } = await connectAll(count, first);
  process.send({ type: 'connected', connected: viewers.length, failures: failures.slice(0, 3), failed: failures.length, seconds });
  process.on('message', async (message) => {
    if (message.cmd === 'await') {
      const cpuBefore = message.cpuBefore;
      const deadline = monoMs() + message.timeoutMs;
      while (monoMs() < deadline && viewers.some((v) => v.receivedAt === null)) await sleep(20);
      process.send({ type: 'received', receivedAt: viewers.map((v) => v.receivedAt), cpuMs: cpuMs() - cpuBefore });
    } else if (message.cmd === 'cpu') {
      process.send({ type: 'cpu', cpuMs: cpuMs() });
    } else if (message.cmd === 'close') {
      viewers.forEach((v) => v.close());
      process.exit(0);
    }
  });
}

function startWorkers() {
  const share = Math.ceil(CLIENTS / WORKERS);
  const self = fileURLToPath(import.meta.url);
  return Array.from({ length: WORKERS }, (_, i) => {
    const count = Math.min(share, CLIENTS - i * share);
    const child = fork(self, [...process.argv.slice(2), '--worker', '1', '--room', ROOM, '--first', String(i * share),
      '--count', String(count)]);
    const next = (type) => new Promise((resolve) => {
      const listener = (message) => {
        if (message.type === type) {
          child.off('message', listener);
          resolve(message);
        }
      };
      child.on('message', listener);
    });
    return { child, next, connected: next('connected') };
  });
}

async function main() {
  // Warm-up: the first connections load classes and fill one-time caches, and a few events through
  // them let the JIT compile the delivery path, as on a server that has been up for a while.
  const warm = await connectAll(WARM_UP, CLIENTS);
  for (let i = 0; i < WARM_UP_EVENTS; i++) {
    await publish(`rain:room:${ROOM}`, JSON.stringify({ type: 'RAIN_END', configCode: `warm-${i}`, roomId: ROOM }));
    await sleep(50);
  }
  warm.viewers.forEach((v) => v.close());
  await sleep(2000);
  const before = heapUsedKiB();
  const rssBefore = rssKiB();
  const started = monoMs();
  const workers = startWorkers();
  const reports = await Promise.all(workers.map((w) => w.connected));
  const connected = reports.reduce((sum, r) => sum + r.connected, 0);
  const failed = reports.reduce((sum, r) => sum + r.failed, 0);
  const seconds = (monoMs() - started) / 1000;
  console.log(`connected ${connected} of ${CLIENTS} in ${seconds.toFixed(1)} s by ${WORKERS} workers (${failed} failed${failed ? `: ${reports.flatMap((r) => r.failures).join('; ')}` : ''})`);
  await sleep(3000);
  const after = heapUsedKiB();
  const rssAfter = rssKiB();
  const perConnection = ((after - before) * 1024) / connected;
  console.log(`heap used ${before} KiB -> ${after} KiB: ${(perConnection / 1024).toFixed(2)} KiB per idle connection`);

  const cpuBefore = await Promise.all(workers.map((w) => {
    w.child.send({ cmd: 'cpu' });
    return w.next('cpu');
  }));
  const apiCpuBefore = apiCpuMs();
  const now = Date.now();
  const event = JSON.stringify({
    type: 'RAIN_START', configCode: randomBytes(16).toString('base64url'), roomId: ROOM, totalCount: 10_000,
    totalAmount: 1_000_000, countdownSeconds: 3, startsAt: new Date(now + 3000).toISOString(),
    endsAt: new Date(now + 33_000).toISOString(),
  });
  const { sentAt, subscribers } = await publish(`rain:room:${ROOM}`, event);
  const received = await Promise.all(workers.map((w, i) => {
    w.child.send({ cmd: 'await', timeoutMs: 30_000, cpuBefore: cpuBefore[i].cpuMs });
    return w.next('received');
  }));
  const apiCpu = apiCpuMs() - apiCpuBefore;
  const latencies = received.flatMap((r) => r.receivedAt).filter((t) => t !== null).map((t) => t - sentAt)
    .sort((a, b) => a - b);
  const result = {
    clients: CLIENTS,
    workers: WORKERS,
    connected,
    connectSeconds: Number(seconds.toFixed(2)),
    received: latencies.length,
    redisSubscribers: subscribers,
    latencyMs: {
      min: Number(latencies[0].toFixed(1)),
      p50: Number(percentile(latencies, 50).toFixed(1)),
      p99: Number(percentile(latencies, 99).toFixed(1)),
      max: Number(latencies[latencies.length - 1].toFixed(1)),
    },
    // CPU spent from the publish until every worker was done (the API's includes its timers meanwhile).
    cpuMs: { api: apiCpu, loadGenerator: Math.round(received.reduce((sum, r) => sum + r.cpuMs, 0)) },
    heapUsedKiB: { before, after },
    heapPerConnectionKiB: Number((perConnection / 1024).toFixed(2)),
    rssPerConnectionKiB: Number((((rssAfter - rssBefore) * 1024) / connected / 1024).toFixed(2)),
    loadAverage: execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' '),
  };
  console.log(JSON.stringify(result));
  // --extra-events N: more events after the measured one, e.g. to profile the API while it delivers.
  for (let i = 0; i < Number(args['extra-events'] || 0); i++) {
    await publish(`rain:room:${ROOM}`, JSON.stringify({ type: 'RAIN_END', configCode: `extra-${i}`, roomId: ROOM }));
    await sleep(300);
  }
  if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  workers.forEach((w) => w.child.send({ cmd: 'close' }));
  if (result.received !== CLIENTS) process.exitCode = 1;
}

(args.worker ? worker() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
