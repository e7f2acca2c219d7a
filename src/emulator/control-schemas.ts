/**
 * Test-only controls of the emulator, under `/_emulator/`. They are never part of the product
 * API: the client in `src/api` does not know them; tests and the demo call them directly.
 */
import * as z from 'zod';

export const CONTROL_BASE_PATH = '/_emulator';

/**
 * Regular expression syntax a path never holds. A pattern with one of these was written for the
 * old regex `pathPattern` (which let one pattern block the emulator): say what to write instead.
 * `.*` counts too: no path of the contract has a dot before a wildcard.
 */
const REGEX_SYNTAX = /[\\^$()+?[\]{}|]|\.\*/;
const GLOB_HELP =
  'use a glob: * for any characters within one path segment, ** for any characters across segments, the whole path must match (e.g. "/protector/v1/**/tokens")';

const PathGlobSchema = z
  .string()
  .min(1, `pathPattern must not be empty; ${GLOB_HELP}`)
  .max(256, 'pathPattern must be at most 256 characters')
  .refine((pattern) => !REGEX_SYNTAX.test(pattern), `pathPattern is a glob, not a regular expression: ${GLOB_HELP}`)
  .refine((pattern) => /^[\x21-\x7e]+$/.test(pattern), `pathPattern may only hold printable ASCII without spaces; ${GLOB_HELP}`);

/** `PUT /_emulator/faults`: replaces the fault plan. `DELETE /_emulator/faults` clears it. */
export const FaultPlanSchema = z.strictObject({
  /** Extra latency added to every product request, in milliseconds. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** A further random 0..latencyJitterMs per request, so concurrent answers come back out of order. */
  latencyJitterMs: z.number().int().min(0).max(60_000).default(0),
  /** Share (0..1) of product requests answered 503 before doing anything. */
  serverErrorRate: z.number().min(0).max(1).default(0),
  /** Share (0..1) of product requests answered 429 with `Retry-After` before doing anything. */
  rateLimitRate: z.number().min(0).max(1).default(0),
  /** Seconds sent in `Retry-After` with an injected 429. */
  retryAfterSeconds: z.number().int().min(0).max(60).default(1),
  /**
   * Share (0..1) of state-changing requests whose change is committed, after which the
   * connection is destroyed without an answer (the client cannot know whether it happened).
   */
  dropAfterCommitRate: z.number().min(0).max(1).default(0),
  /**
   * Milliseconds a state-changing request that committed its change waits before it answers: the
   * change is on disk and the client does not know it yet, a window in which a test can kill the
   * client (a crash "right after the API did it"). Counts as one fault per held request.
   */
  holdAfterCommitMs: z.number().int().min(0).max(60_000).default(0),
  /**
   * Only requests whose path matches this glob get faults (`*`: any characters within one path
   * segment, `**`: any characters across segments; the whole path must match). Default: all.
   */
  pathPattern: PathGlobSchema.optional(),
  /** Fault at most this many requests, then stop (keeps tests bounded). Default: unlimited. */
  maxFaults: z.number().int().min(0).optional(),
});
export type FaultPlan = z.infer<typeof FaultPlanSchema>;
export type FaultPlanInput = z.input<typeof FaultPlanSchema>;

/**
 * `POST /_emulator/license/expire`: the license expires; every active token (of one
 * configuration, or of all) is revoked with reason `LICENSE_EXPIRED`. The license counts as
 * renewed right after, so new tokens can be generated again.
 */
export const ExpireLicenseRequestSchema = z.strictObject({
  connectionConfigurationId: z.string().optional(),
});

/** `GET /_emulator/stats`: counters for assertions such as "no duplicate token was generated". */
export const EmulatorStatsSchema = z.object({
  configurations: z.number().int(),
  tokensGenerated: z.number().int(),
  activeTokens: z.number().int(),
  productRequests: z.number().int(),
  /** Product requests by HTTP method, e.g. `{ GET: 400 }`: reads per resource in benchmarks. */
  productRequestsByMethod: z.record(z.string(), z.number().int()),
  faultsInjected: z.number().int(),
});
export type EmulatorStats = z.infer<typeof EmulatorStatsSchema>;

/** The one JSON line `protector emulator` prints on stdout once it listens. */
export const EmulatorReadyLineSchema = z.object({
  url: z.string(),
  edgerc: z.string(),
  section: z.string(),
});

/** Answer to `POST /_emulator/license/expire`. */
export const ExpireLicenseResponseSchema = z.object({
  /** How many active tokens were revoked with reason `LICENSE_EXPIRED`. */
  revokedTokens: z.number().int(),
});
export type ExpireLicenseResponse = z.infer<typeof ExpireLicenseResponseSchema>;
