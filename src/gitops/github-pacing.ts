/**
 * GitHub asks integrations to leave about a second between content-creating requests (and more
 * before ones that notify people); the throttling plugin enforces that with fixed limiters. This
 * stands in for those limiters with the same spacing multiplied by a time scale, so tests can run
 * the real client with the spacing shrunk instead of switched off.
 */
interface Limiter {
  schedule<T>(options: object, task: (...args: any[]) => Promise<T>, ...args: any[]): Promise<T>;
}

export class Pacing {
  private readonly limiters = new Map<string, Limiter>();

  constructor(private readonly minGapMs: number) {}

  key(id: string): Limiter {
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = spacedLimiter(this.minGapMs);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

function spacedLimiter(minGapMs: number): Limiter {
  let nextStart = 0;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    schedule(_options, task, ...args) {
      const run = queue.then(async () => {
        const wait = nextStart - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        nextStart = performance.now() + minGapMs;
        return task(...args);
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
