/**
 * A small resource, defined only for the framework's tests, that exercises every schema feature:
 * computed ids kept from state, a default, requires-replace (plain and conditional), a sensitive
 * attribute, a map, and a single nested block. Its handlers keep objects in a Map, like an API would.
 */
import type { ProtectorClient } from '../../../../src/api/client';
import { DiagnosticsCollector } from '../../../../src/provider/framework/diagnostics';
import type { HandlerContext, LogFields, Logger, Model, ResourceDefinition, Value } from '../../../../src/provider/provider-deps';
import { defineResource } from '../../../../src/provider/provider-deps';
import { RefreshedTokenLists } from '../../../../src/provider/rotation/refreshed-token-lists';

export type Widget = {
  id: Value;
  name: Value;
  zone: Value;
  size: Value;
  updated_at: Value;
  tags: Value;
  secret: Value;
  target: Value;
};

export interface WidgetStore {
  objects: Map<string, Model>;
  nextId: number;
  destroyWarnings: number;
}

export function widgetResource(store: WidgetStore, overrides: Partial<ResourceDefinition<Widget>> = {}): ResourceDefinition {
  return defineResource<Widget>({
    typeName: 'test_widget',
    description: 'A widget.',
    schema: {
      attributes: {
        id: { type: 'string', computed: true, useStateForUnknown: true, description: 'Id.' },
        name: {
          type: 'string',
          required: true,
          description: 'Name.',
          validate: (v) => (typeof v === 'string' && v.length > 10 ? 'use at most 10 characters' : undefined),
        },
        zone: { type: 'string', required: true, requiresReplace: true, description: 'Zone.' },
        size: { type: 'number', optional: true, computed: true, default: 3, description: 'Size.' },
        updated_at: { type: 'string', computed: true, description: 'Last change.' },
        tags: {
          type: ['map', 'string'],
          optional: true,
          description: 'Tags.',
          validate: (v) => (v && typeof v === 'object' && 'bad' in v ? 'remove the "bad" tag' : undefined),
        },
        secret: { type: 'string', optional: true, sensitive: true, description: 'Secret.' },
      },
      blocks: {
        target: {
          nesting: 'single',
          description: 'Target.',
          attributes: {
            host: { type: 'string', required: true, description: 'Host.', validate: (v) => (v === 'localhost' ? 'use a public host name' : undefined) },
            port: {
              type: 'number',
              optional: true,
              description: 'Port.',
              requiresReplace: {
                when: (prior, planned) => typeof prior === 'number' && typeof planned === 'number' && planned < prior,
                description: 'lowering the port replaces',
              },
            },
          },
        },
      },
    },
    async create(planned, ctx) {
      await ctx.deps.sleep(Math.floor(Math.random() * 5));
      const id = `w-${store.nextId++}`;
      const state = { ...planned, id, updated_at: ctx.deps.clock.now().toISOString() };
      store.objects.set(id, state);
      return state;
    },
    async read(state) {
      return (store.objects.get(state.id as string) as Widget | undefined) ?? null;
    },
    async update(_prior, planned, ctx) {
      const state = { ...planned, updated_at: ctx.deps.clock.now().toISOString() };
      store.objects.set(planned.id as string, state);
      return state;
    },
    async delete(state) {
      store.objects.delete(state.id as string);
    },
    planDestroy(_prior, ctx) {
      store.destroyWarnings++;
      ctx.diagnostics.warning('Widget Will Be Gone', 'Destroying a widget cannot be undone.');
    },
    ...overrides,
  });
}

export interface RecordingLogger extends Logger {
  lines: Array<{ level: string; message: string; fields?: LogFields }>;
}

function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const FIXED_NOW = new Date('2026-01-02T03:04:05.000Z');

export function testContext(): HandlerContext & { diagnostics: DiagnosticsCollector; log: RecordingLogger } {
  return {
    deps: {
      api: {} as ProtectorClient, // the test resource never calls the API
      clock: { now: () => FIXED_NOW },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      refreshedTokenLists: new RefreshedTokenLists(),
      initialTokenIds: new Map(),
    },
    diagnostics: new DiagnosticsCollector(),
    log: recordingLogger(),
    signal: new AbortController().signal,
  };
}

export function newStore(): WidgetStore {
  return { objects: new Map(), nextId: 1, destroyWarnings: 0 };
}
