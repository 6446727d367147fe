// The whole-market figures, run by test/bench/run.ts in a process of its own against a simulator in
// another process, so the resident set measured is the bot's alone. The adapters keep the providers'
// real pacing (Vast: one search per 6 s). Prints one JSON object on stdout.
import { testApp } from '#test/support/app.ts';
import { medianMs } from './timing.ts';

interface Source {
  provider: string;
  count: number;
  partial: boolean;
}

const urls = JSON.parse(process.env.BENCH_SIM_URLS ?? '{}') as { vast: string; runpod: string; lambda: string; tensordock: string };
const app = await testApp({ LOG_LEVEL: 'silent', PRICES_DEADLINE_MS: '3000', HTTP_TIMEOUT_MS: '60000' }, { simulatorUrls: urls });

try {
  const orgId = app.services.db.data.orgs[0]!.id;
  let started = performance.now();
  await app.services.market.warm(orgId, 60_000);
  const firstPagesMs = performance.now() - started;
  let sources: Source[] = [];
  do {
    await new Promise((resolve) => setTimeout(resolve, 250));
    sources = (await app.services.market.refresh(orgId)).sources;
  } while (sources.some((source) => source.partial) && performance.now() - started < 180_000);
  const wholeListMs = performance.now() - started;
  const broadest = await medianMs(20, () => app.run('prices'));
  const vram80 = await medianMs(20, () => app.run('prices vram>=80'));
  const memory = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      firstPagesMs,
      wholeListMs,
      partial: sources.filter((source) => source.partial).map((source) => source.provider),
      cached: Object.fromEntries(sources.map((source) => [source.provider, source.count])),
      broadestMs: broadest,
      vram80Ms: vram80,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      maxRss: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
} finally {
  await app.close();
}
