// RunPod's GraphQL endpoint on graphql-js: the request is parsed, validated against RunPod's schema
// (runpod-graphql-schema.ts) and executed against the resolvers (runpod-graphql-resolvers.ts). Every
// answer, even a malformed query, is HTTP 200 with errors[] (docs/providers.md §2.1).
import { executeSync, getOperationAST, Kind, parse, validate, type DocumentNode, type FieldNode, type FragmentDefinitionNode, GraphQLError, type SelectionSetNode } from 'graphql';
import { isRecord, type Answer, type Classified, type RequestContext } from './http.ts';
import { RUNPOD_RESOLVERS } from './runpod-graphql-resolvers.ts';
import { RUNPOD_SCHEMA } from './runpod-graphql-schema.ts';
import type { RunpodState } from './runpod-pods.ts';
import type { SimEndpoint } from './types.ts';

/** Public catalogue fields: third parties query them without a key. */
const CATALOGUE_FIELDS = new Set(['gpuTypes', 'countryCodes', 'dataCenters']);
const GRAPHQL_ENDPOINTS: Record<string, SimEndpoint> = {
  gpuTypes: 'offers',
  dataCenters: 'offers',
  countryCodes: 'offers',
  pod: 'get',
  podFindAndDeployOnDemand: 'create',
  podRentInterruptable: 'create',
  podStop: 'stop',
  podResume: 'start',
  podBidResume: 'start',
  podTerminate: 'destroy',
};

interface GraphqlRequest {
  query: string | null;
  variables: Record<string, unknown>;
  operationName?: string;
}

function requestOf(context: RequestContext): GraphqlRequest {
  const body = isRecord(context.body) ? context.body : {};
  return {
    query: typeof body.query === 'string' ? body.query : context.query.get('query'),
    variables: isRecord(body.variables) ? body.variables : {},
    ...(typeof body.operationName === 'string' ? { operationName: body.operationName } : {}),
  };
}

/** Errors that stop a request before any resolver runs: no data at all, as Apollo answers them. */
function refused(errors: readonly GraphQLError[], code: string): Answer {
  return { status: 200, json: { errors: errors.map((error) => ({ ...error.toJSON(), extensions: { code, ...error.extensions } })), data: null } };
}

/** The fields an operation asks for at one level, with fragments spread in place. */
function fieldsOf(selectionSet: SelectionSetNode, document: DocumentNode): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    const spread =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : document.definitions.find((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value)?.selectionSet;
    return spread ? fieldsOf(spread, document) : [];
  });
}

/** A query text once parsed and validated: the document, or the errors that refuse it. */
type Checked = { document: DocumentNode; invalid: readonly GraphQLError[] } | { parseError: GraphQLError };

/**
 * Clients send the same few query texts again and again, and parsing plus validating the offers query
 * was about a quarter of its cost; a small cache of checked documents, oldest dropped first, skips that.
 */
const CHECKED_LIMIT = 64;
const checkedQueries = new Map<string, Checked>();

function checked(query: string): Checked {
  const known = checkedQueries.get(query);
  if (known) return known;
  let result: Checked;
  try {
    const document = parse(query);
    result = { document, invalid: validate(RUNPOD_SCHEMA, document) };
  } catch (error) {
    result = { parseError: error as GraphQLError };
  }
  if (checkedQueries.size >= CHECKED_LIMIT) checkedQueries.delete(checkedQueries.keys().next().value!);
  checkedQueries.set(query, result);
  return result;
}

export function createRunpodGraphql(state: RunpodState) {
  function handle(context: RequestContext): Answer {
    const request = requestOf(context);
    if (!request.query) return refused([new GraphQLError('Must provide query string.')], 'BAD_USER_INPUT');
    const query = checked(request.query);
    if ('parseError' in query) return refused([query.parseError], 'GRAPHQL_PARSE_FAILED');
    if (query.invalid.length) return refused(query.invalid, 'GRAPHQL_VALIDATION_FAILED');
    const result = executeSync({ schema: RUNPOD_SCHEMA, document: query.document, rootValue: RUNPOD_RESOLVERS, contextValue: state, variableValues: request.variables, operationName: request.operationName });
    // No data: the variables or the operation name did not fit, so nothing ran.
    if (result.data === undefined) return refused(result.errors ?? [], 'BAD_USER_INPUT');
    const errors = result.errors?.map((error) => ({ ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', ...error.extensions } }));
    return { status: 200, json: errors ? { errors, data: result.data } : { data: result.data } };
  }

  /** Tags a GraphQL request by its root field; catalogue-only queries may come without a key. */
  function classify(context: RequestContext): Classified {
    const request = requestOf(context);
    const query = checked(request.query ?? '');
    if ('parseError' in query) return { endpoint: 'other' };
    const { document } = query;
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return { endpoint: 'other' };
    const fields = fieldsOf(operation.selectionSet, document);
    const operations = fields.map((field) => field.name.value);
    const first = fields[0];
    let endpoint: SimEndpoint = first ? (GRAPHQL_ENDPOINTS[first.name.value] ?? 'other') : 'other';
    if (first?.name.value === 'myself') endpoint = first.selectionSet && fieldsOf(first.selectionSet, document).some((field) => field.name.value === 'pods') ? 'list' : 'account';
    return { endpoint, operations, anonymous: operations.length > 0 && operations.every((name) => CATALOGUE_FIELDS.has(name)) };
  }

  return { handle, classify };
}
