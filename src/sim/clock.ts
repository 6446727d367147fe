// Simulated time: runs at `timeScale` × real time from a start instant, plus whatever advance() added.
import type { SimClock } from './types.ts';

export function createClock(timeScale: number, startTime: number): SimClock {
  if (!(timeScale >= 0)) throw new Error(`simulator timeScale must be >= 0, got ${timeScale}`);
  const realStart = Date.now();
  let offset = 0;
  return {
    timeScale,
    now: () => startTime + (Date.now() - realStart) * timeScale + offset,
    advance(ms: number) {
      if (!(ms >= 0)) throw new Error(`clock.advance needs a non-negative number of ms, got ${ms}`);
      offset += ms;
    },
  };
}
