// Scenario 2 of scenarios.yaml written for k6: the same nine requests, names, statuses and
// body checks as its declarative steps. Each virtual user is one seeded user (user1..
// SEEDED_USERS, drawn once) and logs in at the start of every pass; a failed check ends
// the pass, as a failed step does in stairload.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, loadOptions, think } from './load.js';

export const options = loadOptions();

const SEEDED_USERS = Number(__ENV.SEEDED_USERS);
// Module state is per virtual user in k6 (each has its own JavaScript runtime).
const user = randomInt(1, SEEDED_USERS);
const credentials = { username: `user${user}`, password: `password${user}` };

function randomInt(low, high) {
  return low + Math.floor(Math.random() * (high - low + 1));
}

function randomFloat(low, high) {
  return low + Math.random() * (high - low);
}

function isList(payload, key) {
  return payload !== null && typeof payload === 'object' && Array.isArray(payload[key]);
}

// One request: the JSON body when the status is `expected` and `accept(body)` holds, else null.
function step(method, path, name, expected, token, body, accept) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const response = http.request(
    method,
    `${BASE_URL}${path}`,
    body === undefined ? null : JSON.stringify(body),
    { headers: headers, tags: { name: name } },
  );
  let payload = {};
  const passed = check(response, {
    [`${method} ${name}`]: (r) => {
      if (r.status !== expected) {
        return false;
      }
      if (!accept) {
        return true;
      }
      try {
        payload = r.json();
      } catch (error) {
        return false;
      }
      return accept(payload);
    },
  });
  think();
  return passed ? payload : null;
}

export default function () {
  const login = step('POST', '/login', '/login', 200, null, credentials,
    (p) => p !== null && p.token !== undefined);
  if (login === null) return;
  const token = login.token;
  const trips = step('GET', '/trips', '/trips', 200, token, undefined, (p) => isList(p, 'trips'));
  if (trips === null || trips.trips.length === 0) return;
  const tripId = trips.trips[randomInt(0, trips.trips.length - 1)].id;
  const base = `/trips/${tripId}`;
  const trip = step('GET', base, '/trips/[id]', 200, token, undefined, (p) => p.id === tripId);
  if (trip === null) return;
  const tripDays = Number(trip.days);
  if (step('GET', `${base}/plans`, '/trips/[id]/plans', 200, token, undefined,
    (p) => isList(p, 'plans')) === null) return;
  const plan = step('POST', `${base}/plans`, '/trips/[id]/plans', 201, token, {
    day: randomInt(1, tripDays),
    title: 'Load-test stop',
    latitude: randomFloat(37.3, 37.7),
    longitude: randomFloat(126.8, 127.2),
  }, (p) => p.id !== null && p.id !== undefined && p.day !== null && p.day !== undefined);
  if (plan === null) return;
  const planPath = `${base}/plans/${plan.id}`;
  const planName = '/trips/[id]/plans/[id]';
  if (step('GET', planPath, planName, 200, token, undefined, (p) => p.id === plan.id) === null) return;
  if (step('PATCH', planPath, planName, 200, token, { title: 'Load-test stop (moved)' },
    (p) => p.id === plan.id) === null) return;
  if (step('DELETE', planPath, planName, 204, token) === null) return;
  step('GET', `${base}/days/${plan.day}/plans`, '/trips/[id]/days/[day]/plans', 200, token,
    undefined, (p) => isList(p, 'plans'));
}
