/**
 * ModelOf derives a resource's model from its schema. The checks are types: `npm run typecheck`
 * fails when a derived type drifts (the runtime assertion only keeps jest from an empty test).
 */
import type { ModelOf, ObjectSchema, Planned, UnknownValue } from '../../../../src/provider/framework/types';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(value: T): T {
  return value;
}

const schema = {
  attributes: {
    id: { type: 'string', computed: true, description: 'Id.' },
    name: { type: 'string', required: true, description: 'Name.' },
    note: { type: 'string', optional: true, description: 'Note.' },
    size: { type: 'number', optional: true, computed: true, default: 3, description: 'Size.' },
    due: { type: 'string', computed: true, nullable: true, description: 'Due.' },
    tags: { type: ['map', 'string'], optional: true, description: 'Tags.' },
    items: { type: ['list', ['object', { key: 'string', count: 'number' }]], computed: true, description: 'Items.' },
  },
  blocks: {
    target: { nesting: 'single', description: 'Target.', attributes: { host: { type: 'string', required: true, description: 'Host.' } } },
    rule: { nesting: 'list', description: 'Rules.', attributes: { on: { type: 'bool', optional: true, description: 'On.' } } },
  },
} as const satisfies ObjectSchema;

type Widget = ModelOf<typeof schema>;

test('a model derived from its schema types every attribute and block by its flags', () => {
  expectType<Equal<Widget['id'], string | UnknownValue>>(true);
  expectType<Equal<Widget['name'], string>>(true);
  expectType<Equal<Widget['note'], string | null>>(true);
  expectType<Equal<Widget['size'], number>>(true);
  expectType<Equal<Widget['due'], string | null | UnknownValue>>(true);
  expectType<Equal<Widget['tags'], { [k: string]: string } | null>>(true);
  expectType<Equal<Widget['items'], Array<{ key: string | null; count: number | null }> | UnknownValue>>(true);
  expectType<Equal<Widget['target'], { host: string } | null>>(true);
  expectType<Equal<Widget['rule'], Array<{ on: boolean | null }>>>(true);
  expectType<Equal<Planned<Widget>['name'], string | UnknownValue>>(true);
  expect(Object.keys(schema.attributes)).toHaveLength(7);
});
