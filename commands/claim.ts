import { defineCommand, opt } from '#core/command.ts';

export const claim = defineCommand({
  name: 'claim',
  summary: 'Become the first admin of a fresh install, with the code from its log',
  description: 'A fresh install prints a one-time claim code to its log. Send it to the bot in a direct message.',
  examples: ['claim 7KQ2MZ9P'],
  options: { code: opt.string('the one-time code printed in the bot\'s log at start-up', { required: true, positional: true, secret: true, maxLength: 64 }) },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  public: true,
  directOnly: true,
  async run({ options, actor, services }) {
    const result = await services.claim.claim(actor, options.code);
    if (result === 'claimed') {
      services.log.warn({ platform: actor.platform, userId: actor.userId }, 'install claimed: first chat admin');
      return {
        kind: 'success',
        title: 'You are now the admin of this ComputeHub',
        text: 'Next: bind a team channel with org bind (in that channel), add provider keys here with provider add <name> <key>, and add people with member add.',
        data: { claimed: true },
      };
    }
    if (result === 'already-claimed') {
      return { kind: 'error', text: 'This install already has an admin, so claim codes are off. Ask an admin to add you (member add).', data: { claimed: false, reason: 'already-claimed' } };
    }
    return { kind: 'error', text: "That code is not right. Copy it from the bot's log exactly (it is printed at start-up; a restart makes a new one).", data: { claimed: false, reason: 'wrong-code' } };
  },
});
