// A chat room on /topic/chat.ROOM, its member list from the broker's presence
// (/presence/topic/chat.ROOM), private messages through /user/USER/queue/private.
import { connect, showState } from './stomp-connection.js';

const $ = (id) => document.getElementById(id);
const members = new Map(); // broker user name -> nickname
let client;
let me; // the broker's name for this session's user (CONNECTED user-name)
let room;
let nickname;

$('nickname').value = sessionStorage.getItem('nickname') ?? '';
$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  nickname = $('nickname').value.trim();
  room = $('room').value.trim();
  sessionStorage.setItem('nickname', nickname);
  $('join').hidden = true;
  $('chat').hidden = false;
  $('room-title').textContent = `Room ${room}`;
  client = connect({ onConnect: joined, onState: showState($('status')),
    onRefusal: (message) => { $('alert').textContent = `The broker refused: ${message}`; } });
});

function joined(connection, frame) {
  me = frame.headers['user-name'];
  $('me').textContent = me;
  $('me-address').textContent = me;
  members.clear();
  // Every (re)connect subscribes again: a new connection starts with no subscriptions.
  // Subscribing to the room by its name makes this session a member; the broker tells the
  // room's presence watchers, with the nickname given as member info.
  connection.subscribe(`/topic/chat.${room}`, (message) => {
    // x-herald-user is stamped by the broker: the sender cannot forge it.
    const sender = message.headers['x-herald-user'];
    const event = JSON.parse(message.body);
    addLine('public', event.text, event.nickname, sender, event.at);
  }, { 'x-herald-presence-info': JSON.stringify({ nickname }) });
  // who is in the room: a snapshot, then joins and leaves as they happen (a user with two
  // tabs open is one member, leaving with the last)
  connection.subscribe(`/presence/topic/chat.${room}`, (message) => {
    const event = message.headers['x-herald-presence-event'];
    const body = JSON.parse(message.body);
    if (event === 'snapshot') {
      members.clear();
      for (const member of body) members.set(member.user, member.info?.nickname ?? member.user);
    } else if (event === 'join') {
      members.set(body.user, body.info?.nickname ?? body.user);
      if (body.user !== me) addLine('system', `${members.get(body.user)} joined`);
    } else if (event === 'leave') {
      addLine('system', `${members.get(body.user) ?? body.user} left`);
      members.delete(body.user);
    } else if (event === 'update') {
      members.set(body.user, body.info?.nickname ?? body.user);
    } else if (event === 'counts') {
      $('members-title').textContent = `In the room: ${body.users}`;
    }
    showMembers();
  });
  // what other users send to /user/ME/queue/private arrives here
  connection.subscribe('/user/queue/private', (message) => {
    const event = JSON.parse(message.body);
    addLine('private', event.text, `${event.nickname} (privately)`, message.headers['x-herald-user'], event.at);
  });
}

function say(event) {
  client.publish({ destination: `/topic/chat.${room}`, body: JSON.stringify({ ...event, at: Date.now() }),
    headers: { 'content-type': 'application/json' } });
}

$('say').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text || !client?.connected) return;
  $('alert').textContent = '';
  const to = $('to').value;
  if (to) {
    const body = JSON.stringify({ nickname, text, at: Date.now() });
    client.publish({ destination: `/user/${to}/queue/private`, body, headers: { 'content-type': 'application/json' } });
    addLine('private', text, `you to ${members.get(to) ?? to}`, me, Date.now());
  } else {
    say({ type: 'text', nickname, text });
  }
  $('text').value = '';
  $('text').focus();
});

function showMembers() {
  const list = $('members');
  list.replaceChildren(...[...members].map(([user, name]) => {
    const item = document.createElement('li');
    item.textContent = user === me ? `${name} (you)` : name;
    item.title = user;
    return item;
  }));
  const to = $('to');
  const chosen = to.value;
  to.replaceChildren(new Option('everyone in the room', ''),
    ...[...members].filter(([user]) => user !== me).map(([user, name]) => new Option(name, user)));
  to.value = [...to.options].some((option) => option.value === chosen) ? chosen : '';
}

function addLine(kind, text, who, user, at) {
  const item = document.createElement('li');
  item.className = kind;
  if (who) {
    const name = document.createElement('span');
    name.className = 'who';
    name.textContent = who;
    name.title = user ?? '';
    item.append(name, ': ');
  }
  item.append(text);
  if (at) {
    const time = document.createElement('time');
    time.dateTime = new Date(Number(at)).toISOString();
    time.textContent = new Date(Number(at)).toLocaleTimeString();
    item.append(time);
  }
  $('messages').append(item);
  item.scrollIntoView({ block: 'end' });
}
