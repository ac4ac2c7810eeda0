// Shared helpers for the @stomp/stompjs interoperability tests.
//
// Every wait in here is bounded: it either resolves because the awaited event happened or
// rejects with a descriptive error after a timeout. Nothing sleeps to "let things settle".

import { createHmac } from 'node:crypto';

import { Client, Versions } from '@stomp/stompjs';
import WebSocket from 'ws';

// Node 20 has no global WebSocket; @stomp/stompjs opens `new WebSocket(brokerURL, protocols)`.
globalThis.WebSocket = WebSocket;

export { Client, Versions, WebSocket };

/** Default bound for a single wait (CONNECTED, RECEIPT, a MESSAGE, ...). */
export const WAIT_MS = 5000;

/** Bound for waits that cover many messages or large bodies. */
export const LONG_WAIT_MS = 20000;

export function brokerUrl() {
  const url = process.env.HERALD_WS_URL;
  if (!url) {
    throw new Error('HERALD_WS_URL is not set (expected e.g. ws://127.0.0.1:8080/ws)');
  }
  return url;
}

/**
 * An HS256 JWT naming `user`, signed with HERALD_JWT_SECRET (the broker's
 * herald.security.jwt.secret), valid for an hour: how a test proves who it is, since an
 * unchecked `login` names nobody.
 */
export function token(user) {
  const secret = process.env.HERALD_JWT_SECRET;
  if (!secret) {
    throw new Error('HERALD_JWT_SECRET is not set (the broker\'s herald.security.jwt.secret)');
  }
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    sub: user,
    exp: Math.floor(Date.now() / 1000) + 3600,
  })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

let counter = 0;

/** A name that is unique per test process and call; contains no '.', '*', '#' or '/'. */
export function unique(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves or rejects like `promise`, but rejects after `ms` milliseconds at the latest. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Lets time pass on purpose (a scenario that needs an idle connection). Not used to
 * synchronise with the broker.
 */
export function idle(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(item) {
  if (item && typeof item === 'object' && 'command' in item) {
    const body = typeof item.body === 'string' ? item.body : '';
    const shortBody = body.length > 60 ? `${body.slice(0, 60)}...` : body;
    return `${item.command} ${JSON.stringify(item.headers)} ${JSON.stringify(shortBody)}`;
  }
  return String(item);
}

/**
 * Collects items (MESSAGE frames, ERROR frames, ...) pushed by callbacks and lets a test
 * await them in arrival order with bounded waits.
 */
export class Inbox {
  constructor(name) {
    this.name = name;
    this.items = [];
    this.cursor = 0;
    this.waiters = new Set();
    this.forwardTo = undefined;
    this.push = this.push.bind(this);
  }

  push(item) {
    this.items.push(item);
    this.forwardTo?.push(item);
    for (const waiter of [...this.waiters]) {
      waiter();
    }
  }

  get size() {
    return this.items.length;
  }

  /** Items pushed but not yet taken with next()/take()/until(). */
  pending() {
    return this.items.slice(this.cursor);
  }

  /** Waits until `condition()` holds; re-evaluated on every push. */
  waitUntil(condition, ms, what) {
    if (condition()) {
      return Promise.resolve();
    }
    let waiter;
    const reached = new Promise((resolve) => {
      waiter = () => {
        if (condition()) {
          resolve();
        }
      };
      this.waiters.add(waiter);
    });
    return withTimeout(reached, ms, `${what} on ${this.name}; got ${this.items.length}: [${this.items
      .slice(-5)
      .map(describe)
      .join(' | ')}]`).finally(() => this.waiters.delete(waiter));
  }

  /** The next not yet taken item. */
  async next(ms = WAIT_MS) {
    await this.waitUntil(() => this.items.length > this.cursor, ms, 'one more item');
    const item = this.items[this.cursor];
    this.cursor += 1;
    return item;
  }

  /** The next `count` not yet taken items. */
  async take(count, ms = WAIT_MS) {
    const end = this.cursor + count;
    await this.waitUntil(() => this.items.length >= end, ms, `${count} more items`);
    const taken = this.items.slice(this.cursor, end);
    this.cursor = end;
    return taken;
  }

  /** Takes items up to and including the first one matching `predicate`. */
  async until(predicate, ms = WAIT_MS) {
    const start = this.cursor;
    let found = -1;
    await this.waitUntil(
      () => {
        found = this.items.findIndex((item, index) => index >= start && predicate(item));
        return found >= 0;
      },
      ms,
      'a matching item',
    );
    const taken = this.items.slice(start, found + 1);
    this.cursor = found + 1;
    return taken;
  }
}

/**
 * A @stomp/stompjs client plus inboxes for what its callbacks report. Created with connect().
 */
export class Session {
  constructor(client) {
    this.client = client;
    this.errors = new Inbox('ERROR frames');
    this.unhandled = new Inbox('unhandled MESSAGE frames');
    this.closed = deferred();
    this.closeEvent = undefined;
    this.disconnectReceipt = undefined;
    // Rejects when the session dies (ERROR frame or socket closed); guards waits so that a
    // broker failure is reported at once instead of as a timeout.
    this.failure = deferred();
    this.failure.promise.catch(() => {});
  }

  get connected() {
    return this.client.connected;
  }

  /** Races `promise` against the session dying, bounded by `ms`. */
  guard(promise, ms, what) {
    return withTimeout(Promise.race([promise, this.failure.promise]), ms, what);
  }

  /** Subscribes and returns { subscription, inbox }; not waiting for the broker. */
  subscribe(destination, headers = {}) {
    const inbox = new Inbox(`messages of ${destination}`);
    const subscription = this.client.subscribe(destination, inbox.push, headers);
    return { subscription, inbox };
  }

  /** Runs `send(receiptId)` and waits for the RECEIPT with that id. */
  receipt(send, what, ms = WAIT_MS) {
    const id = unique('receipt');
    const arrived = deferred();
    this.client.watchForReceipt(id, (frame) => arrived.resolve(frame));
    send(id);
    return this.guard(arrived.promise, ms, `RECEIPT ${id} for ${what}`);
  }

  /** Subscribes with a receipt and waits for it, so the subscription is active afterwards. */
  async subscribed(destination, headers = {}) {
    let result;
    await this.receipt((receipt) => {
      result = this.subscribe(destination, { ...headers, receipt });
    }, `SUBSCRIBE ${destination}`);
    return result;
  }

  /** Publishes with a receipt and waits for it. */
  published(params, ms = WAIT_MS) {
    return this.receipt(
      (receipt) => this.client.publish({ ...params, headers: { ...(params.headers || {}), receipt } }),
      `SEND ${params.destination}`,
      ms,
    );
  }

  /** Graceful DISCONNECT (bounded), falling back to dropping the socket. */
  async disconnect() {
    if (this.client.active) {
      try {
        await withTimeout(this.client.deactivate(), WAIT_MS, 'graceful DISCONNECT');
      } catch (error) {
        await withTimeout(this.client.deactivate({ force: true }), WAIT_MS, 'forced close').catch(() => {});
        throw error;
      }
    }
  }

  /** Drops the socket without DISCONNECT (like a crashed browser tab). */
  async drop() {
    await withTimeout(this.client.deactivate({ force: true }), WAIT_MS, 'forced close');
  }
}

/**
 * Connects a @stomp/stompjs client and waits for CONNECTED. The client is disconnected when
 * the test `t` ends. `options` are passed to the Client (connectHeaders, heartbeatIncoming,
 * stompVersions, ...).
 */
export async function connect(t, options = {}) {
  const client = new Client({
    brokerURL: brokerUrl(),
    reconnectDelay: 0,
    connectionTimeout: WAIT_MS,
    debug: () => {},
    ...options,
  });
  const session = new Session(client);
  const connected = deferred();
  client.onConnect = (frame) => connected.resolve(frame);
  client.onDisconnect = (frame) => {
    session.disconnectReceipt = frame;
  };
  client.onStompError = (frame) => {
    session.errors.push(frame);
    const error = new Error(`ERROR frame: ${frame.headers.message} ${frame.body}`);
    connected.reject(error);
    session.failure.reject(error);
  };
  client.onUnhandledMessage = session.unhandled.push;
  client.onWebSocketClose = (event) => {
    session.closeEvent = event;
    session.closed.resolve(event);
    const error = new Error(`WebSocket closed (code ${event.code} ${event.reason || ''})`);
    connected.reject(error);
    session.failure.reject(error);
  };
  client.onWebSocketError = () => {};
  t.after(() => session.disconnect().catch(() => {}));
  client.activate();
  session.connectedFrame = await withTimeout(connected.promise, WAIT_MS, 'CONNECTED');
  return session;
}

// ---------------------------------------------------------------------------------------
// Raw STOMP over the ws package, for frames @stomp/stompjs will not send.

function unescapeHeader(value) {
  return value.replace(/\\([\\rnc])/g, (_, c) => ({ '\\': '\\', r: '\r', n: '\n', c: ':' })[c]);
}

/** Parses one server frame from one WebSocket message (one frame per message). */
export function parseFrame(data, binary) {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
  let start = 0;
  while (start < buffer.length && (buffer[start] === 0x0a || buffer[start] === 0x0d)) {
    start += 1;
  }
  const headerEnd = buffer.indexOf('\n\n', start);
  const crlfEnd = buffer.indexOf('\r\n\r\n', start);
  let bodyStart;
  let head;
  if (crlfEnd >= 0 && (headerEnd < 0 || crlfEnd < headerEnd)) {
    head = buffer.subarray(start, crlfEnd).toString('utf8');
    bodyStart = crlfEnd + 4;
  } else if (headerEnd >= 0) {
    head = buffer.subarray(start, headerEnd).toString('utf8');
    bodyStart = headerEnd + 2;
  } else {
    throw new Error(`not a STOMP frame: ${JSON.stringify(buffer.toString('utf8'))}`);
  }
  const lines = head.split(/\r?\n/);
  const command = lines[0];
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = command === 'CONNECTED' ? line.slice(colon + 1) : unescapeHeader(line.slice(colon + 1));
    if (!(name in headers)) {
      headers[name] = value;
    }
  }
  let bodyBytes;
  if (headers['content-length'] !== undefined) {
    bodyBytes = buffer.subarray(bodyStart, bodyStart + Number(headers['content-length']));
  } else {
    const nul = buffer.indexOf(0, bodyStart);
    bodyBytes = buffer.subarray(bodyStart, nul >= 0 ? nul : buffer.length);
  }
  return { command, headers, bodyBytes, body: bodyBytes.toString('utf8'), binary };
}

/** Serialises a client frame; header values are given already escaped. */
export function frame(command, headers = {}, body = '') {
  const lines = [command, ...Object.entries(headers).map(([name, value]) => `${name}:${value}`)];
  return `${lines.join('\n')}\n\n${body}\0`;
}

/**
 * A raw WebSocket STOMP connection: send(string) and frames (an Inbox of parsed frames).
 * Heart-beat messages ("\n") are counted in `heartbeats`, not put in `frames`.
 */
export async function openRaw(t, protocols = ['v12.stomp']) {
  const ws = new WebSocket(brokerUrl(), protocols);
  const raw = {
    ws,
    frames: new Inbox('raw frames'),
    heartbeats: 0,
    closed: deferred(),
    send(text) {
      ws.send(text);
    },
    /** Sends CONNECT (no heart-beats unless given) and waits for the answer frame. */
    async connect(headers = {}) {
      ws.send(frame('CONNECT', { 'accept-version': '1.2', host: '/', 'heart-beat': '0,0', ...headers }));
      return raw.frames.next();
    },
  };
  ws.on('message', (data, isBinary) => {
    if (!isBinary && (data.toString() === '\n' || data.toString() === '\r\n')) {
      raw.heartbeats += 1;
      return;
    }
    raw.frames.push(parseFrame(data, isBinary));
  });
  ws.on('close', (code, reason) => raw.closed.resolve({ code, reason: reason.toString() }));
  ws.on('error', () => {});
  t.after(() => ws.terminate());
  const opened = deferred();
  ws.once('open', opened.resolve);
  ws.once('error', opened.reject);
  await withTimeout(opened.promise, WAIT_MS, 'WebSocket open');
  return raw;
}
