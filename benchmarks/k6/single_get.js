// One authenticated GET /trips/{id} per iteration; each virtual user takes one row of the
// benchmark's tokens.csv (token,trip_id: users logged in before the rounds), as stairload's
// single-get scenario and bare_locust.py's SingleGetUser do. TOKENS_CSV: its absolute path.
import http from 'k6/http';
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { BASE_URL, loadOptions, think } from './load.js';

export const options = loadOptions();

const rows = new SharedArray('tokens', () =>
  open(__ENV.TOKENS_CSV)
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(',')),
);

export default function () {
  const [token, tripId] = rows[(__VU - 1) % rows.length];
  const response = http.get(`${BASE_URL}/trips/${tripId}`, {
    headers: { Authorization: `Bearer ${token}` },
    tags: { name: '/trips/[id]' },
  });
  check(response, { 'GET /trips/[id] 200': (r) => r.status === 200 });
  think();
}
