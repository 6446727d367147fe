// Renders the README's monitoring images from a simulated fleet: `npx tsx test/monitoring/doc-images.ts`.
// Six hours of one-minute syncs over three instances, then `monitor i1` and `monitor`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startWorld } from '#test/fleet/world.ts';
import { deploy, syncEvery } from './world.ts';

const OUT = path.resolve(import.meta.dirname, '../../docs/images');

const world = await startWorld({ pro: true, providers: ['vast', 'runpod'], startTime: Date.UTC(2026, 11, 2, 6, 0) });
try {
  await deploy(world, 'vast', '4090');
  await deploy(world, 'runpod', 'a100');
  await deploy(world, 'runpod', '4090');
  await syncEvery(world, 60_000, 360);
  for (const [line, file] of [['monitor i1', 'monitor-instance.png'], ['monitor', 'monitor-fleet.png']] as const) {
    const { reply } = await world.run(line);
    if (!reply.image) throw new Error(`${line} drew no image: ${reply.text}`);
    await writeFile(path.join(OUT, file), reply.image.png);
    process.stdout.write(`${file}: ${reply.image.alt}\n`);
  }
} finally {
  await world.close();
}
