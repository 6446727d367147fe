// The input types of RunPod's pod mutations: the real schema rejects a value of the wrong type before
// anything is deployed, with HTTP 200 and errors[] (docs/providers.md §2.1, §2.3).
import { isRecord, type RequestContext } from './http.ts';
import { parseOperation, type GqlValue } from './graphql.ts';

/**
 * Input types of the pod mutations (docs/providers.md §2.3, §2.5, §6.8): the real schema rejects a wrong type
 * (env as an object instead of [{key,value}], ports as a list instead of "8888/http,22/tcp", a bad
 * cloudType, a fractional or quoted count) before anything is deployed.
 */
type GqlInputType = 'String' | 'Int' | 'Float' | 'Boolean' | 'CloudTypeEnum' | '[EnvironmentVariableInput]' | '[String]';
const DEPLOY_INPUT_TYPES: Record<string, GqlInputType> = {
  name: 'String', imageName: 'String', gpuTypeId: 'String', gpuCount: 'Int', cloudType: 'CloudTypeEnum', containerDiskInGb: 'Int', volumeInGb: 'Int',
  volumeMountPath: 'String', dockerArgs: 'String', ports: 'String', env: '[EnvironmentVariableInput]', templateId: 'String', dataCenterId: 'String',
  countryCode: 'String', supportPublicIp: 'Boolean', startSsh: 'Boolean', startJupyter: 'Boolean', bidPerGpu: 'Float',
  allowedCudaVersions: '[String]', minCudaVersion: 'String',
};
const RESUME_INPUT_TYPES: Record<string, GqlInputType> = { podId: 'String', gpuCount: 'Int', bidPerGpu: 'Float' };
const MUTATION_INPUT_TYPES: Record<string, Record<string, GqlInputType>> = {
  podFindAndDeployOnDemand: DEPLOY_INPUT_TYPES,
  podRentInterruptable: DEPLOY_INPUT_TYPES,
  podResume: RESUME_INPUT_TYPES,
  podBidResume: RESUME_INPUT_TYPES,
  podStop: { podId: 'String' },
  podTerminate: { podId: 'String' },
};

function fitsInputType(value: GqlValue, type: GqlInputType): boolean {
  switch (type) {
    case 'String':
      return typeof value === 'string';
    case 'Int':
      return Number.isInteger(value);
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'CloudTypeEnum':
      return value === 'ALL' || value === 'SECURE' || value === 'COMMUNITY';
    case '[String]':
      // GraphQL coerces a single value to a one-item list.
      return (Array.isArray(value) ? value : [value]).every((item) => typeof item === 'string');
    case '[EnvironmentVariableInput]':
      // GraphQL coerces a single input object to a one-item list.
      return (Array.isArray(value) ? value : [value]).every((item) => isRecord(item) && typeof item.key === 'string' && (typeof item.value === 'string' || item.value === null) && Object.keys(item).every((key) => key === 'key' || key === 'value'));
  }
}

/** The first pod-mutation input whose type the real schema would reject, as RunPod words it; undefined when all fit. */
export function mutationInputProblem(context: RequestContext): string | undefined {
  const body = isRecord(context.body) ? context.body : {};
  const query = typeof body.query === 'string' ? body.query : context.query.get('query');
  if (!query) return undefined;
  let operation;
  try {
    operation = parseOperation(query, isRecord(body.variables) ? body.variables : {}, typeof body.operationName === 'string' ? body.operationName : undefined);
  } catch {
    return undefined; // the GraphQL handler reports syntax errors itself
  }
  if (operation.kind !== 'mutation') return undefined;
  for (const field of operation.selections) {
    const types = MUTATION_INPUT_TYPES[field.name];
    const input = field.args.input;
    if (!types || !isRecord(input)) continue;
    for (const [key, type] of Object.entries(types)) {
      const value = (input as Record<string, GqlValue>)[key];
      if (value === undefined || value === null || fitsInputType(value, type)) continue;
      return `Variable "$input" got invalid value ${JSON.stringify(value)} at "input.${key}"; Expected type "${type}".`;
    }
  }
  return undefined;
}
