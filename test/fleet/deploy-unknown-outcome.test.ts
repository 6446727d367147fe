// A deploy whose outcome nobody knows (the create answer was lost and the clean-up could not list the
// machines) says so, stays clean-up pending, and every sync retries until nothing of it is left.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { Actor, Channel } from '#core/command.ts';
import { liveMachines, startWorld, type World } from './world.ts';

const VIEWER: { actor: Actor; channel: Channel } = {
  actor: { platform: 'telegram', userId: '555', displayName: 'Vic' },
  channel: { platform: 'telegram', id: '555', kind: 'direct' },
};

let world: World;
beforeEach(async () => {
  world = await startWorld({ providers: ['vast'] });
});
afterEach(async () => world?.close());

describe('a deploy whose outcome is unknown', () => {
  it('never claims that nothing bills, and a later sync destroys the machine it left', async () => {
    // Vast makes the machine but its answer is lost; then listing fails, so nobody can look for it.
    world.sim.faults.add({ provider: 'vast', kind: 'answerLost', endpoint: 'create', count: 1 });
    world.sim.faults.add({ provider: 'vast', kind: 'serverError', endpoint: 'list', status: 503 });
    const result = await world.run('deploy gpu=4090 provider=vast template=pytorch --yes');
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).not.toMatch(/Nothing is left running/);
    expect(result.reply.text).toMatch(/could not confirm whether a machine was created on vast; I will keep checking and destroy it if it appears/);
    expect((result.reply.data as InstanceView).phase).toBe('cleanup-pending');
    expect(liveMachines(world.sim, 'vast')).toHaveLength(1);

    // While the provider cannot list, a sync leaves it pending, and `instances` shows it.
    const failing = await world.drive(world.app.services.fleet.sync());
    expect(failing.cleaned).toEqual([]);
    expect((await world.run('member add telegram:555 role=viewer name=Vic')).outcome).toBe('ok');
    const listed = await world.run('instances', VIEWER);
    expect(listed.reply.table?.rows[0]?.[4]).toBe('cleanup-pending');
    expect(listed.reply.text).toMatch(/i1: clean-up pending on vast\. .*I will keep checking/);

    expect((await world.run('ssh i1', VIEWER)).reply.text).toMatch(/^i1 \(\S+\) cannot be reached: its deploy failed and its clean-up is pending\./);
    expect((await world.run('destroy i1 --yes')).reply.text).toMatch(/no machine of it is known yet; every sync looks for one carrying its label and destroys it/);

    world.sim.faults.clear();
    const report = await world.drive(world.app.services.fleet.sync());
    expect(report.failed).toEqual([]);
    expect(report.cleaned).toEqual(['i1']);
    expect(liveMachines(world.sim, 'vast')).toHaveLength(0);
    const after = (await world.run('instances status=failed --json')).reply.data as { instances: InstanceView[] };
    expect(after.instances[0]).toMatchObject({ id: 'i1', phase: 'failed' });
    expect(after.instances[0]!.failure).toMatch(/found vast instance \S+ and destroyed it; nothing is left running or billing/);
  });

  it('when the clean-up lists nothing of ours, the failure is certain and says so', async () => {
    world.sim.faults.add({ provider: 'vast', kind: 'noCapacity', count: 1 });
    const result = await world.run('deploy gpu=4090 provider=vast template=pytorch --yes');
    expect(result.reply.text).toMatch(/Nothing is left running or billing/);
    expect((result.reply.data as InstanceView).phase).toBe('failed');
  });
});
