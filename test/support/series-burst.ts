// Child process for the series crash test: appends audit entries in bursts until it is killed.
import { openDatabase } from '#store/db.ts';

const db = await openDatabase(process.argv[2]!);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const burst = Array.from({ length: 50 }, (_, n) =>
    db.series.audit.append({ at: new Date().toISOString(), orgId: 'default', actor: { platform: 'test', userId: `u${n}`, displayName: 'x'.repeat((i * 7 + n) % 300) }, command: 'burst', args: `burst ${i}`, result: 'ok' }),
  );
  await Promise.all(burst);
}
