// Instructions the server spends per registration: N attendees sign up, then the callgrind
// counters are zeroed, each attendee registers once for a free event, and the counters are dumped.
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
execFileSync('callgrind_control', ['-z', pid]);
const width = 16;
let next = 0;
await Promise.all(Array.from({ length: width }, async () => {
  while (next < tokens.length) { const t = tokens[next++]; await post('/api/registrations', { eventId: ev.eventId }, t); }
}));
execFileSync('callgrind_control', ['-d', pid]);
console.log('registered', tokens.length);
