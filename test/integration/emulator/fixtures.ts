/** Shared steps of the emulator tests: signed calls that must succeed, parsed with the contract. */
import {
  ApiPaths,
  CreateConnectionConfigurationResponseSchema,
  ProblemSchema,
  PROBLEM_CONTENT_TYPE,
  TokenListSchema,
  TokenWithValueSchema,
  type CreateConnectionConfigurationRequest,
  type CreateConnectionConfigurationResponse,
  type Problem,
  type TokenList,
  type TokenWithValue,
} from '../../../src/api/schemas';
import { signedRequest, type EmulatorEndpoint, type SignedResponse } from '../../helpers/emulator';

export const KUBERNETES_CONFIG: CreateConnectionConfigurationRequest = {
  name: 'shop-k8s',
  deploymentType: 'KUBERNETES',
  contractId: 'ctr_1',
  groupId: 'grp_1',
};

export const REVERSE_PROXY_CONFIG: CreateConnectionConfigurationRequest = {
  name: 'shop-proxy',
  description: 'edge proxy',
  deploymentType: 'REVERSE_PROXY',
  contractId: 'ctr_1',
  groupId: 'grp_1',
  target: { host: 'origin.example.com', ports: [443], protocol: 'HTTPS' },
};

export async function createConfiguration(
  emu: EmulatorEndpoint,
  request: CreateConnectionConfigurationRequest = KUBERNETES_CONFIG,
): Promise<CreateConnectionConfigurationResponse> {
  const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), request);
  expect(res.status).toBe(201);
  return CreateConnectionConfigurationResponseSchema.parse(res.body);
}

export async function generateToken(emu: EmulatorEndpoint, configId: string, idempotencyKey?: string): Promise<TokenWithValue> {
  const res = await signedRequest(emu, 'POST', ApiPaths.tokens(configId), undefined, {
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
  });
  expect(res.status).toBe(201);
  return TokenWithValueSchema.parse(res.body);
}

export async function listTokens(emu: EmulatorEndpoint, configId: string): Promise<TokenList> {
  const res = await signedRequest(emu, 'GET', ApiPaths.tokens(configId));
  expect(res.status).toBe(200);
  return TokenListSchema.parse(res.body);
}

export async function revokeToken(emu: EmulatorEndpoint, configId: string, tokenId: string): Promise<SignedResponse> {
  return signedRequest(emu, 'POST', ApiPaths.revokeToken(configId, tokenId));
}

/** Asserts an RFC 9457 problem of the given status and type and returns it. */
export function expectProblem(res: SignedResponse, status: number, type: string): Problem {
  expect({ status: res.status, contentType: res.headers.get('content-type') }).toEqual({ status, contentType: PROBLEM_CONTENT_TYPE });
  const problem = ProblemSchema.parse(res.body);
  expect(problem).toMatchObject({ status, type });
  expect(problem.title.length).toBeGreaterThan(0);
  expect(problem.detail?.length).toBeGreaterThan(0);
  return problem;
}
