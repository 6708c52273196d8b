// What every k6 script of bench_loadgen.py shares: the load shape and the think time, read
// from environment variables (-e NAME=value) so one script serves every shape.
//   BASE_URL      the target, e.g. http://127.0.0.1:8080
//   USERS         virtual users at the plateau
//   RAMP_SECONDS  seconds to start them (as Locust's spawn rate does), then the plateau
//   SECONDS       whole run, ramp included; nothing runs on after it (no graceful stop)
//   THINK_SECONDS pause after every request (0: back to back)
import { sleep } from 'k6';

export const BASE_URL = __ENV.BASE_URL;
const THINK_SECONDS = Number(__ENV.THINK_SECONDS || 0);

export function loadOptions() {
  const users = Number(__ENV.USERS);
  const rampMs = Math.round(Number(__ENV.RAMP_SECONDS) * 1000);
  const totalMs = Math.round(Number(__ENV.SECONDS) * 1000);
  return {
    scenarios: {
      load: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: `${rampMs}ms`, target: users },
          { duration: `${totalMs - rampMs}ms`, target: users },
        ],
        gracefulRampDown: '0s',
        gracefulStop: '0s',
      },
    },
  };
}

// The pause after a request: the think time of a stairload case, applied the same way.
export function think() {
  if (THINK_SECONDS > 0) {
    sleep(THINK_SECONDS);
  }
}
