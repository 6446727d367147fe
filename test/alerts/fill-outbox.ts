// The child process of crash.test.ts: on the data folder it is given, raises one alert per rule,
// lets the alert job flush them into the outbox and start delivering (to a receiver that never
// answers), and stays there until it is killed.
import { automationEvent } from './support.ts';
import { testApp } from '#test/support/app.ts';

const [dataDir, count, startMs] = process.argv.slice(2);
const time = { nowMs: Number(startMs), advance: (ms: number) => (time.nowMs += ms) };
const app = await testApp({ COMPUTEHUB_DATA_DIR: dataDir! }, { now: () => new Date(time.nowMs) });
for (let n = 1; n <= Number(count); n++) await app.services.alerts.hear(automationEvent(time, { kind: 'rule-fired', ruleId: `r${n}`, message: `rule r${n} fired` }));
time.advance(31_000);
await app.services.alerts.tick();
