// Deploying each free template on each provider, end to end against the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { startWorld, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => world?.close());

const GPU = { vast: '4090', runpod: '4090', lambda: 'a10', tensordock: '4090' } as const;

describe('deploy of each free template on each provider', () => {
  for (const provider of PROVIDER_NAMES) {
    for (const template of ['pytorch', 'jupyter', 'custom']) {
      it(`${template} on ${provider} reaches ready with SSH details, and the provider got image, env, ports and start script`, async () => {
        world.sim.requests.length = 0;
        const image = template === 'custom' ? ' image=nvidia/cuda:12.4.1-runtime-ubuntu22.04' : '';
        const result = await world.run(`deploy gpu=${GPU[provider]} provider=${provider} template=${template}${image} --yes`);
        expect(result.outcome, result.reply.text).toBe('ok');
        const instance = result.reply.data as InstanceView;
        expect(instance).toMatchObject({ provider, status: 'running', phase: 'ready' });
        expect(instance.ssh?.host).toBeTruthy();
        expect(instance.ssh?.port).toBeGreaterThan(0);
        expect(instance.ssh?.command).toContain(instance.ssh!.host);
        expect(instance.pricePerHour).toBeGreaterThan(0);

        const seen = world.sim.market.instance(provider, instance.providerInstanceId!);
        expect(seen?.name).toContain('ch-');
        const creates = world.sim.requests.filter((request) => request.provider === provider && request.endpoint === 'create');
        expect(creates).toHaveLength(1);
        const sent = JSON.stringify(creates[0]!.body);
        const expectedImage = template === 'custom' ? 'nvidia/cuda:12.4.1' : 'pytorch/pytorch:2.9.0-cuda12.';
        expect(sent).toContain(expectedImage);
        if (template === 'jupyter') {
          expect(sent).toContain('JUPYTER_TOKEN');
          expect(sent).toContain('8888');
          expect(instance.apps[0]?.url).toMatch(provider === 'lambda' ? /^http:\/\/localhost:8888\/lab\?token=[a-z0-9]+$/ : /^https?:\/\/.+\/lab\?token=[a-z0-9]+$/);
          // The token in the link is the one the provider was told to start Jupyter with.
          const token = new URL(instance.apps[0]!.url).searchParams.get('token')!;
          if (provider === 'vast' || provider === 'runpod') expect(seen!.env.JUPYTER_TOKEN).toBe(token);
          else expect(sent).toContain(`JUPYTER_TOKEN=${token}`);
        }
        if (provider === 'lambda') {
          // Lambda's firewall opens only SSH: app ports are forwarded over an SSH tunnel, and the reply says how.
          if (template === 'jupyter') {
            const tunnel = `ssh -N -L 8888:localhost:8888 ubuntu@${instance.ssh!.host}`;
            expect(instance.tunnelCommand).toBe(tunnel);
            expect(instance.ports).toContainEqual({ containerPort: 8888, protocol: 'http', host: instance.ssh!.host, hostPort: 8888, tunnel: true });
            const shown = result.reply.fields?.find((field) => field.name === 'SSH tunnel')?.value;
            expect(shown).toContain(tunnel);
            expect(shown).toMatch(/firewall only opens SSH/);
            const again = await world.run(`ssh ${instance.id}`);
            expect(again.reply.fields?.find((field) => field.name === 'SSH tunnel')?.value).toContain(tunnel);
            expect(again.reply.fields?.find((field) => field.name === 'Apps')?.value).toContain('http://localhost:8888/lab?token=');
          } else expect(instance.tunnelCommand).toBeNull();
        } else {
          expect(instance.tunnelCommand).toBeNull();
          expect(instance.ports.some((port) => port.tunnel)).toBe(false);
        }
        if (provider === 'lambda' || provider === 'tensordock') expect(sent).toMatch(/docker run/);
        else expect(sent).toContain('sshd');
      });
    }
  }
});
