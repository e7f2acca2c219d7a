import { inspect } from 'node:util';
import {
  ApiError,
  DeploymentTypeMismatchError,
  MaxActiveTokensError,
  NotFoundError,
  UnauthorizedError,
  UnexpectedResponseError,
  ValidationError,
  errorFromProblem,
  type RequestContext,
} from '../../../src/api/errors';
import { ProblemTypes, type Token } from '../../../src/api/schemas';
import { ExternalError } from '../../../src/errors';

const ctx: RequestContext = {
  method: 'POST',
  path: '/protector/v1/connection-configurations/ccfg_abcdefghij/tokens',
  host: 'https://api.example.com',
  auth: 'edgegrid',
};
const now = Date.parse('2026-03-10T12:00:00Z');

function token(id: string, fingerprint: string, createdAt: string): Token {
  return {
    tokenId: id,
    connectionConfigurationId: 'ccfg_abcdefghij',
    status: 'ACTIVE',
    fingerprint,
    deploymentType: 'KUBERNETES',
    createdAt,
  };
}

describe('errorFromProblem', () => {
  test('max active tokens lists each active token with id, fingerprint and age, and says what to do', () => {
    const active = [token('tok_aaaaaaaaaa', 'sha256:111111111111', '2026-03-07T12:00:00Z'), token('tok_bbbbbbbbbb', 'sha256:222222222222', '2026-03-10T11:30:00Z')];
    const error = errorFromProblem(ctx, 409, { type: ProblemTypes.maxActiveTokens, title: 'Too many', status: 409, activeTokens: active }, undefined, now);
    expect(error).toBeInstanceOf(MaxActiveTokensError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as MaxActiveTokensError).activeTokens).toEqual(active);
    expect(error.status).toBe(409);
    expect(error.problemType).toBe(ProblemTypes.maxActiveTokens);
    expect(error.message).toContain('ccfg_abcdefghij already has the maximum of 2 active tokens');
    expect(error.message).toContain('tok_aaaaaaaaaa (sha256:111111111111, created 3 d ago)');
    expect(error.message).toContain('tok_bbbbbbbbbb (sha256:222222222222, created 30 min ago)');
    expect(error.message).toMatch(/Revoke .* or let Terraform\s+rotate/);
    // Advice names only commands that exist: there is no `protector revoke`.
    expect(error.message).not.toMatch(/protector`? revoke/);
    expect(error.message).toContain('`protector status` shows which token each instance uses');
  });

  test('validation carries the field errors', () => {
    const errors = [{ path: 'name', message: 'Too small' }];
    const error = errorFromProblem(ctx, 400, { type: ProblemTypes.validation, title: 'x', status: 400, errors }, 'bad', now);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual(errors);
    expect(error.message).toContain('name: Too small');
  });

  test('a validation problem keeps the status it came with (413 for a body too large)', () => {
    const problem = { type: ProblemTypes.validation, title: 'Payload too large', status: 413 };
    const error = errorFromProblem(ctx, 413, problem, 'Request bodies are limited to 1048576 bytes.', now);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(413);
    expect(error.message).toContain('limited to 1048576 bytes');
  });

  test('only a problem of the contract\'s not-found type means "gone"', () => {
    const gone = errorFromProblem(ctx, 404, { type: ProblemTypes.notFound, title: 'Not found', status: 404 }, undefined);
    expect(gone).toBeInstanceOf(NotFoundError);
  });

  // Issue 9, item 1: a bare 404 (an HTML page, an empty body, another API's problem) made the
  // provider drop resources from state. It is an unexpected answer that names the endpoint.
  test.each([
    ['no problem document (HTML or empty body)', undefined],
    ['a problem of another API', { type: 'about:blank', title: 'Not Found', status: 404 }],
    ['a problem of an unknown type', { type: 'https://other.example/problems/missing', title: 'x', status: 404 }],
  ])('a 404 with %s is an unexpected response naming the endpoint, not "gone"', (_case, problem) => {
    const error = errorFromProblem(ctx, 404, problem, undefined);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toContain('https://api.example.com');
    expect(error.message).toMatch(/not the Protector token API|endpoint/);
  });

  test('an unknown problem type falls back on the status (except 404)', () => {
    expect(errorFromProblem(ctx, 401, { type: 'about:blank', title: 'x', status: 401 }, undefined)).toBeInstanceOf(UnauthorizedError);
    expect(errorFromProblem({ ...ctx, auth: 'bearer' }, 403, undefined, undefined)).toBeInstanceOf(DeploymentTypeMismatchError);
    const odd = errorFromProblem(ctx, 418, { type: 'https://x/teapot', title: 'x', status: 418 }, undefined);
    expect(odd).toBeInstanceOf(UnexpectedResponseError);
    expect(odd.problemType).toBe('https://x/teapot');
  });

  test('unauthorized advice depends on how the call authenticated', () => {
    expect(errorFromProblem(ctx, 401, undefined, undefined).message).toMatch(/EdgeGrid signature.*client_secret/);
    const bearer = errorFromProblem({ ...ctx, auth: 'bearer', tokenFingerprint: 'sha256:333333333333' }, 401, undefined, undefined);
    expect(bearer.message).toContain('token sha256:333333333333');
    expect(bearer.message).toMatch(/unknown\s+or revoked/);
  });

  test('a debug dump of the error holds no request or response objects', () => {
    const error = errorFromProblem(ctx, 404, undefined, 'gone', now);
    expect(Object.keys(error).sort()).toEqual(['code', 'kind', 'name', 'problemType', 'status']);
    expect(error.cause).toBeUndefined();
    expect(inspect(error, { depth: 10 })).not.toContain('[cause]');
  });
});
