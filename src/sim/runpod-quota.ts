// RunPod REST v2's per-user quota, as its clients read it: every authenticated answer carries
// `RateLimit: "minute";r=59;t=12, "hour";r=2999;t=1812, "day";r=49999;t=45012` (r = calls left,
// t = seconds to the window's reset) and `RateLimit-Policy: "minute";q=60;w=60, ...` (IETF
// ratelimit-headers draft structured-field lists; quotas as in RunPod's v2 OpenAPI examples,
// https://api.runpod.io/v2/openapi.json). Past a quota the answer is 429 with Retry-After.
// Windows are fixed and aligned to simulated time, counted per API key.

export interface QuotaWindow {
  name: 'minute' | 'hour' | 'day';
  quota: number;
  seconds: number;
}

const RUNPOD_V2_WINDOWS: readonly QuotaWindow[] = [
  { name: 'minute', quota: 60, seconds: 60 },
  { name: 'hour', quota: 3000, seconds: 3600 },
  { name: 'day', quota: 50_000, seconds: 86_400 },
];

const RATE_LIMIT_POLICY = RUNPOD_V2_WINDOWS.map((window) => `"${window.name}";q=${window.quota};w=${window.seconds}`).join(', ');

interface WindowState {
  start: number;
  used: number;
}

export type QuotaVerdict =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfterSeconds: number; window: QuotaWindow['name'] };

export function createRunpodQuota(now: () => number) {
  const byKey = new Map<string, WindowState[]>();

  function states(key: string): WindowState[] {
    const time = now();
    const list = byKey.get(key) ?? RUNPOD_V2_WINDOWS.map(() => ({ start: 0, used: 0 }));
    RUNPOD_V2_WINDOWS.forEach((window, index) => {
      const start = time - (time % (window.seconds * 1000));
      if (list[index]!.start !== start) list[index] = { start, used: 0 };
    });
    byKey.set(key, list);
    return list;
  }

  function resetIn(window: QuotaWindow, state: WindowState): number {
    return Math.max(1, Math.ceil((state.start + window.seconds * 1000 - now()) / 1000));
  }

  /** The RateLimit header for this key as it stands, with `exhausted` windows shown at r=0. */
  function header(list: WindowState[], exhausted?: { window: QuotaWindow['name']; seconds: number }): string {
    return RUNPOD_V2_WINDOWS.map((window, index) => {
      const state = list[index]!;
      if (exhausted?.window === window.name) return `"${window.name}";r=0;t=${exhausted.seconds}`;
      return `"${window.name}";r=${Math.max(0, window.quota - state.used)};t=${resetIn(window, state)}`;
    }).join(', ');
  }

  const headers = (rateLimit: string) => ({ ratelimit: rateLimit, 'ratelimit-policy': RATE_LIMIT_POLICY });

  return {
    /** Counts one call against the key's windows, or refuses it when a window is used up. */
    take(key: string): QuotaVerdict {
      const list = states(key);
      const full = RUNPOD_V2_WINDOWS.map((window, index) => ({ window, state: list[index]! })).filter(({ window, state }) => state.used >= window.quota);
      if (full.length) {
        // The longest wait decides when a retry can succeed.
        const longest = full.reduce((a, b) => (resetIn(b.window, b.state) > resetIn(a.window, a.state) ? b : a));
        const seconds = resetIn(longest.window, longest.state);
        return { allowed: false, headers: headers(header(list)), retryAfterSeconds: seconds, window: longest.window.name };
      }
      for (const state of list) state.used += 1;
      return { allowed: true, headers: headers(header(list)) };
    },
    /** The headers of an injected rate-limit fault: the minute window out for `seconds`. */
    exhaustedHeaders(key: string, seconds: number): Record<string, string> {
      return headers(header(states(key), { window: 'minute', seconds }));
    },
  };
}

export type RunpodQuota = ReturnType<typeof createRunpodQuota>;
