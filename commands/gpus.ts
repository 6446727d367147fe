// `gpus`: the GPU catalogue side by side (memory, dense 16-bit TFLOPS, bandwidth, form factor) with each
// provider's cheapest on-demand price per GPU-hour right now.
import { DEFAULT_DISK_GB } from '#providers/common.ts';
import { defineCommand, opt } from '#core/command.ts';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { cheapestPerGpu, denseTflops, formatUsd } from '#domain/pricing.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import { passes } from '#domain/ranking.ts';
import { providerLabel } from '#domain/providers.ts';
import { ageFooter, gpusFrom, sourceProblems } from './prices.ts';

export const gpus = defineCommand({
  name: 'gpus',
  summary: 'Compare GPU models: specs and the cheapest price at each provider now',
  description: `Prices are on-demand $/GPU-h, all-in for ${DEFAULT_DISK_GB} GB disk. TFLOPS are dense BF16 tensor figures (FP16 for GPUs without BF16).`,
  examples: ['gpus', 'gpus vram>=48', 'gpus gpu=h100', 'gpus all=yes'],
  options: {
    gpu: opt.string('only these models, e.g. h100 or 4090,3090', { complete: 'gpu', aliases: ['model'] }),
    vram: opt.range('VRAM per GPU in GB, e.g. vram>=48', { min: 1 }),
    all: opt.boolean('also list models no provider offers right now'),
  },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run({ options, services, orgId }) {
    const wanted = options.gpu ? new Set(gpusFrom(options.gpu)) : undefined;
    const { offers, sources } = await services.market.refresh(orgId);
    const cheapest = cheapestPerGpu(offers);
    const providers = sources.map((source) => source.provider);
    const rows = GPU_CATALOGUE.filter((gpu) => (!wanted || wanted.has(gpu.name)) && passes(gpu.vramGb, options.vram) && (options.all || wanted || cheapest.has(gpu.name)));
    const data = {
      gpus: rows.map((gpu) => {
        const { tflops, basis } = denseTflops(gpu);
        const prices = cheapest.get(gpu.name);
        return {
          name: gpu.name,
          vendor: gpu.vendor,
          vramGb: gpu.vramGb,
          denseTflops: tflops,
          tflopsBasis: basis,
          memBandwidthGBs: gpu.memBandwidthGBs,
          formFactor: gpu.formFactor,
          cheapest: Object.fromEntries(
            providers.flatMap((provider) => {
              const offer = prices?.get(provider);
              return offer ? [[provider, { pricePerGpuHour: offer.pricePerGpuHour, ref: offerReference(offer) }]] : [];
            }),
          ),
        };
      }),
      sources,
    };
    const problems = sourceProblems(sources);
    const footer = ageFooter(sources);
    // Providers whose list is cut off or not in yet: their table cannot say a model is not listed.
    const unsure = new Set(sources.filter((source) => source.partial || source.ageSeconds === null).map((source) => source.provider));
    if (rows.length === 0) {
      return { kind: 'info', text: ['No GPU model matches; try gpus all=yes.', ...problems].join('\n'), footer, data };
    }
    return {
      kind: problems.length ? 'warning' : 'info',
      title: `GPU models (${rows.length})`,
      text: [
        `Cheapest on-demand $/GPU-h per provider, all-in for ${DEFAULT_DISK_GB} GB disk; "–" = not listed now. TFLOPS: dense BF16 (* = FP16, no BF16).`,
        ...(unsure.size ? [`For a provider whose list is not (wholly) loaded: "≤" = the cheapest among the offers loaded (the whole list may be cheaper), "?" = not among them.`] : []),
        ...problems,
      ].join('\n'),
      table: {
        columns: [
          { header: 'GPU' },
          { header: 'VRAM', align: 'right' },
          { header: 'TFLOPS', align: 'right' },
          { header: 'GB/s', align: 'right' },
          { header: 'Form' },
          ...providers.map((provider) => ({ header: providerLabel(provider), align: 'right' as const })),
        ],
        rows: data.gpus.map((gpu) => [
          gpu.name,
          `${gpu.vramGb} GB`,
          `${gpu.denseTflops}${gpu.tflopsBasis === 'fp16' ? '*' : ''}`,
          String(gpu.memBandwidthGBs),
          gpu.formFactor,
          ...providers.map((provider) => {
            const price = gpu.cheapest[provider]?.pricePerGpuHour;
            // A list that was cut off cannot say a model is not listed, nor that nothing is cheaper.
            if (unsure.has(provider)) return price === undefined ? '?' : `≤${formatUsd(price)}`;
            return price === undefined ? '–' : formatUsd(price);
          }),
        ]),
      },
      footer,
      data,
    };
  },
});
