// leaks: what bills without doing anything useful, with what it costs a day. Pro.
import { defineCommand } from '#core/command.ts';
import { IDLE_BELOW_PERCENT, IDLE_HOURS } from '#domain/leaks.ts';
import { leaksReply, moneyLeaks } from '#services/billing/leaks.ts';

export const leaks = defineCommand({
  name: 'leaks',
  summary: 'Money leaks, each with $/day: stopped disks, interrupted bids, idle GPUs, machines made elsewhere',
  description: `Checks every provider first. Lists what bills without doing anything useful, with what it costs a day and what it has cost since (by the ledger, which reaches back 30 days): stopped machines whose disk still bills, interruptibles that lost their bid and still bill their disk, running machines whose GPU has been under ${IDLE_BELOW_PERCENT} % at every sync for ${IDLE_HOURS} h or more (read from the last 24 h of metrics), and machines on your provider accounts that ComputeHub did not create. Each row says the command that stops it.`,
  examples: ['leaks', 'leaks --json'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  async run({ services, orgId }) {
    // Unmanaged machines and stopped states are only as fresh as the last sync.
    await services.fleet.sync([orgId]);
    return leaksReply(await moneyLeaks(services, orgId), services.now().getTime());
  },
});
