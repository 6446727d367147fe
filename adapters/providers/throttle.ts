// Pacing for one provider: a concurrency limit plus per-endpoint minimum intervals between calls
// (Vast enforces "one create per 4.5 s" and answers 429 otherwise, so waiting first is cheaper).

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Minimum ms between two calls, per endpoint name; the key '*' applies to every call. */
export type EndpointIntervals = Record<string, number>;

export class IntervalGate {
  // Time each endpoint may next be called; reserving a slot before sleeping keeps concurrent callers in order.
  private readonly nextFree = new Map<string, number>();

  constructor(
    private readonly intervals: EndpointIntervals,
    private readonly scale: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits until the endpoint (and the provider-wide '*' slot) may be called again. */
  async pass(endpoint: string): Promise<void> {
    const keys = endpoint === '*' ? ['*'] : ['*', endpoint];
    const now = this.now();
    let slot = now;
    for (const key of keys) if (this.interval(key) > 0) slot = Math.max(slot, this.nextFree.get(key) ?? 0);
    for (const key of keys) if (this.interval(key) > 0) this.nextFree.set(key, slot + this.interval(key));
    if (slot > now) await this.sleep(slot - now);
  }

  private interval(key: string): number {
    return (this.intervals[key] ?? 0) * this.scale;
  }
}
