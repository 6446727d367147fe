// Child process for the crash test: writes to the store as fast as it can until it is killed.
import { openDatabase } from '#store/db.ts';

const db = await openDatabase(process.argv[2]!);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  await db.update((data) => {
    data.members.push({ orgId: 'default', platform: 'test', userId: `u${i}`, displayName: `user ${i} ${'x'.repeat(i % 200)}`, role: 'viewer', addedAt: new Date().toISOString() });
    if (data.members.length > 400) data.members.splice(0, 200);
  });
}
