// One STOMP connection for a demo page, as you would write it with @stomp/stompjs 7:
// heart-beats on, reconnect with a growing delay, subscriptions made again on each connect,
// and the broker's refusals shown instead of lost.
import { Client, ReconnectionTimeMode } from '/webjars/stomp__stompjs/esm6/index.js';

// ws://host/ws on the page's own host; a JWT given to the page (?access_token=…) goes in
// the handshake URL, since browsers cannot set headers on a WebSocket.
export function brokerURL() {
  const token = new URLSearchParams(location.search).get('access_token');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws${token ? `?access_token=${encodeURIComponent(token)}` : ''}`;
}

/**
 * Connects and keeps connecting.
 * onConnect(client, frame) runs after every (re)connect: subscribe there, because a new
 * connection has none of the old one's subscriptions.
 * onState(text, kind) reports 'connecting' | 'connected' | 'refused' | 'lost'.
 * onRefusal(message) gets the message of the broker's ERROR frame.
 */
export function connect({ onConnect, onState, onRefusal = () => {} }) {
  const client = new Client({
    brokerURL: brokerURL(),
    heartbeatIncoming: 10000,
    heartbeatOutgoing: 10000,
    reconnectDelay: 500,
    reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
    maxReconnectDelay: 5000,
  });
  let refusal = null;
  client.beforeConnect = () => onState('connecting…', 'connecting');
  client.onConnect = (frame) => {
    refusal = null;
    onState(`connected as ${frame.headers['user-name']}`, 'connected');
    onConnect(client, frame);
  };
  // An ERROR frame is the broker's last word: it closes the connection right after, so say
  // why (access denied, slow consumer, token expired …) before the reconnect starts.
  client.onStompError = (frame) => {
    refusal = frame.headers.message;
    onState(`refused by the broker: ${refusal}`, 'refused');
    onRefusal(refusal);
  };
  client.onWebSocketClose = (event) => {
    if (refusal) return; // keep showing the refusal while reconnecting
    onState(`connection lost (${event.code}), reconnecting…`, 'lost');
  };
  client.activate();
  return client;
}

/** Shows the connection state in the page's status line. */
export function showState(element) {
  return (text, kind) => {
    element.textContent = text;
    element.dataset.state = kind;
  };
}
