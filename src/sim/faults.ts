// Fault injection: armed per provider and endpoint, consumed per matching request (or until cleared).
import type { Market } from './market.ts';
import { SIM_PROVIDERS, type SimEndpoint, type SimFault, type SimFaultKind, type SimFaultSpec, type SimFaults, type SimProvider } from './types.ts';

const KINDS: readonly SimFaultKind[] = ['rateLimit', 'serverError', 'hang', 'malformedJson', 'auth', 'noCapacity', 'crash', 'outbid', 'idle', 'createErrorLeavesStopped', 'answerLost'];
/** Faults that only make sense when an instance is created. */
const CREATE_ONLY: readonly SimFaultKind[] = ['noCapacity', 'crash', 'outbid', 'createErrorLeavesStopped'];

export class FaultRegistry implements SimFaults {
  private faults: SimFault[] = [];
  private nextId = 1;

  constructor(private readonly market: Market) {}

  add(spec: SimFaultSpec): SimFault {
    const problem = validateFault(spec);
    if (problem) throw new Error(problem);
    const fault: SimFault = { ...spec, id: `fault-${this.nextId++}`, ...(spec.count !== undefined ? { remaining: spec.count } : {}) };
    if ((spec.kind === 'crash' || spec.kind === 'outbid' || spec.kind === 'idle') && spec.instanceId) {
      const providers = spec.provider === '*' ? SIM_PROVIDERS : [spec.provider];
      const owner = providers.find((provider) => this.market.find(provider, spec.instanceId!));
      if (!owner) throw new Error(`no simulated instance ${spec.instanceId} for ${spec.provider}`);
      this.market[spec.kind](owner, spec.instanceId);
      return { ...fault, remaining: 0 };
    }
    this.faults.push(fault);
    return fault;
  }

  clear(idOrProvider?: string): void {
    if (idOrProvider === undefined) this.faults = [];
    else this.faults = this.faults.filter((fault) => fault.id !== idOrProvider && fault.provider !== idOrProvider);
  }

  list(): SimFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /**
   * The first armed fault matching this request, consumed by one. Create-only kinds match only
   * create requests; request-level kinds match any endpoint their spec names.
   */
  take(provider: SimProvider, endpoint: SimEndpoint, kinds?: readonly SimFaultKind[]): SimFault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.provider === '*' || candidate.provider === provider) &&
        (kinds ? kinds.includes(candidate.kind) : !CREATE_ONLY.includes(candidate.kind)) &&
        (CREATE_ONLY.includes(candidate.kind) ? endpoint === 'create' : !candidate.endpoint || candidate.endpoint === '*' || candidate.endpoint === endpoint),
    );
    if (!fault) return undefined;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((other) => other !== fault);
    }
    return { ...fault };
  }

  /** Takes a create-time fault (noCapacity, crash, outbid, createErrorLeavesStopped). */
  takeCreateFault(provider: SimProvider): SimFault | undefined {
    return this.take(provider, 'create', CREATE_ONLY);
  }
}

/** Checks a fault spec (from tests or the admin endpoint); returns what is wrong, or undefined. */
export function validateFault(spec: Partial<SimFaultSpec>): string | undefined {
  if (!spec || typeof spec !== 'object') return 'a fault must be a JSON object like {"provider":"vast","kind":"rateLimit","count":1}';
  if (spec.provider !== '*' && !SIM_PROVIDERS.includes(spec.provider as SimProvider)) return `fault provider must be one of ${SIM_PROVIDERS.join(', ')} or "*", got ${JSON.stringify(spec.provider)}`;
  if (!KINDS.includes(spec.kind as SimFaultKind)) return `fault kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(spec.kind)}`;
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) return `fault count must be a positive integer (omit it for "until cleared"), got ${JSON.stringify(spec.count)}`;
  if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 500 && spec.status <= 599)) return `fault status must be a 5xx code, got ${JSON.stringify(spec.status)}`;
  if (spec.kind === 'idle' && !spec.instanceId) return 'an idle fault names the instance whose workload stops: add "instanceId"';
  if (spec.kind === 'createErrorLeavesStopped' && spec.provider !== 'vast') return 'createErrorLeavesStopped is a Vast behaviour; set provider to "vast"';
  return undefined;
}
