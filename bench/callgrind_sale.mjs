// Instructions the server spends per registration: N attendees sign up, then the callgrind
// counters are zeroed, each attendee registers once for a free event, and the counters are dumped.
// With MIXED=1 the orders are bench/tickets.sh's mixed sale (phase 1b): three types, named
// holders answering a per-ticket question, a per-order answer, ten bodies cycled.
import { execFileSync } from 'node:child_process';
const [base, pid, n] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const post = async (path, body, token) => {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
};
const org = await post('/api/auth/signup', { email: 'org@cg.example', password: 'benchmark-password', name: 'Org', role: 'organizer' });
const ev = await post('/api/events', { name: 'Sale', date: '2030-06-01T18:00:00Z', location: 'Arena', capacity: 100000, maxPerAttendee: 10, price: 0 }, org.accessToken);
const tokens = [];
for (let i = 0; i < n; i++) tokens.push((await post('/api/auth/signup', { email: `a${i}@cg.example`, password: 'benchmark-password', name: `A ${i}` })).accessToken);
// Warm up: one registration each for a second event, so caches (event, account gate) are as in a sale.
const warm = await post('/api/events', { name: 'Warm', date: '2030-06-01T18:00:00Z', location: 'Arena', capacity: 100000, maxPerAttendee: 10, price: 0 }, org.accessToken);
for (const t of tokens.slice(0, 50)) await post('/api/registrations', { eventId: warm.eventId }, t);
let bodies = [{ eventId: ev.eventId }];
if (process.env.MIXED === '1') {
  const mixed = await post('/api/events', { name: 'Mixed sale', date: '2030-06-01T18:00:00Z', location: 'Arena', capacity: 1000000, maxPerAttendee: 1000,
    ticketTypes: [{ name: 'Regular', price: 0 }, { name: 'Student', price: 0, capacity: 900000 }, { name: 'VIP', price: 0, capacity: 500 }] }, org.accessToken);
  const type = (name) => mixed.ticketTypes.find((t) => t.name === name).ticketTypeId;
  const q = (body) => post(`/api/events/${mixed.eventId}/questions`, body, org.accessToken);
  const diet = (await q({ label: 'Dietary needs', type: 'select', options: ['None', 'Vegetarian', 'Vegan'], required: true, scope: 'ticket' })).questionId;
  const source = (await q({ label: 'How did you hear about us?', type: 'text', required: false, scope: 'order' })).questionId;
  const holder = (name, answer) => ({ name, answers: { [diet]: answer } });
  const item = (name, quantity) => ({ ticketTypeId: type(name), quantity });
  const order = (items, attendees) => ({ eventId: mixed.eventId, items, attendees, answers: { [source]: 'A friend' } });
  bodies = [
    ...Array(4).fill(order([item('Regular', 1)], [holder('Ada Lovelace', 'None')])),
    ...Array(3).fill(order([item('Student', 1), item('Regular', 1)], [holder('Grace Hopper', 'Vegetarian'), holder('Alan Turing', 'None')])),
    ...Array(2).fill(order([item('Regular', 2)], [holder('Edsger Dijkstra', 'None'), holder('Barbara Liskov', 'Vegan')])),
    order([item('VIP', 1), item('Regular', 1)], [holder('Donald Knuth', 'None'), holder('Frances Allen', 'Vegetarian')]),
  ];
}
execFileSync('callgrind_control', ['-z', pid]);
const width = 16;
let next = 0;
await Promise.all(Array.from({ length: width }, async () => {
  while (next < tokens.length) { const i = next++; await post('/api/registrations', bodies[i % bodies.length], tokens[i]); }
}));
execFileSync('callgrind_control', ['-d', pid]);
console.log('registered', tokens.length);
