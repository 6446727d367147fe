import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { DeniedError } from '#core/errors.ts';
import { PRO_FEATURES } from '#domain/pro.ts';

export const licenceGroup = defineGroup({ name: 'licence', summary: 'Activate or check the Pro licence', aliases: ['license'], defaultSubcommand: 'status' });

export const licenceActivate = defineCommand({
  name: 'licence activate',
  summary: 'Activate a Pro licence key for the whole install (operators only)',
  examples: ['licence activate CH1.eyJ2Ijox....'],
  options: { key: opt.string('the licence key, CH1.xxxx.yyyy', { required: true, positional: true, secret: true, maxLength: 4000 }) },
  role: 'admin',
  mutating: true,
  tier: 'free',
  directOnly: true,
  async run({ options, services, actor }) {
    // One licence covers every org of the install, so only its operators may replace it.
    if (!services.identity.isOperator(actor)) throw new DeniedError('The licence covers every org here, so only an operator of this ComputeHub (an admin of its default org) may activate one.');
    const check = await services.licence.activate(options.key, `${actor.platform}:${actor.userId}`);
    if (!check.valid) return { kind: 'error', text: `Licence refused: ${check.reason}`, data: { valid: false, problem: check.problem, reason: check.reason } };
    const { licence } = check;
    return {
      kind: 'success',
      title: 'Pro licence activated',
      fields: [
        { name: 'Licensee', value: licence.licensee, inline: true },
        { name: 'Licence', value: licence.id, inline: true },
        { name: 'Expires', value: licence.expiresAt?.slice(0, 10) ?? 'never', inline: true },
      ],
      text: `Unlocked: ${PRO_FEATURES.join('; ')}.`,
      data: { valid: true, licence },
    };
  },
});

export const licenceStatus = defineCommand({
  name: 'licence status',
  summary: 'Show which licence is in force',
  examples: ['licence status'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run({ services }) {
    const status = services.licence.status();
    if (status.pro && status.source === 'licence') {
      const { licence } = status;
      return {
        kind: 'success',
        title: 'Pro licence active',
        fields: [
          { name: 'Licensee', value: licence.licensee, inline: true },
          { name: 'Licence', value: licence.id, inline: true },
          { name: 'Issued', value: licence.issuedAt.slice(0, 10), inline: true },
          { name: 'Expires', value: licence.expiresAt?.slice(0, 10) ?? 'never', inline: true },
        ],
        data: { pro: true, source: 'licence', licence },
      };
    }
    if (status.pro) {
      return {
        kind: 'info',
        title: 'Pro unlocked for the simulator',
        text: 'Every provider is the built-in simulator, so Pro features are open for trying out. Once a real provider key is added, Pro needs a licence: licence activate <key>.',
        data: { pro: true, source: 'simulator' },
      };
    }
    return {
      kind: 'info',
      title: 'Free edition',
      text: `${status.reason}\nPro adds: ${PRO_FEATURES.join('; ')}.\nActivate a licence with: licence activate <key>`,
      data: { pro: false, reason: status.reason },
    };
  },
});
