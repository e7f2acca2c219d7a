import type { TokenList } from '../../../../src/api/schemas';
import { RefreshedTokenLists } from '../../../../src/provider/rotation/refreshed-token-lists';

const list = (tokenId: string): TokenList => ({
  active: [
    {
      tokenId,
      connectionConfigurationId: 'ccfg_8h2k4m9x1q',
      status: 'ACTIVE',
      fingerprint: 'sha256:0123456789ab',
      deploymentType: 'KUBERNETES',
      createdAt: '2026-01-02T03:04:05Z',
    },
  ],
  revoked: [],
});

test('a list serves the plan of the token whose refresh read it, once', () => {
  const lists = new RefreshedTokenLists(() => 0);
  lists.remember('ccfg_8h2k4m9x1q', 'tok_3n5p7r9t2v', list('tok_3n5p7r9t2v'));
  expect(lists.take('ccfg_8h2k4m9x1q', 'tok_9z9z9z9z9z')).toBeUndefined();
  expect(lists.take('ccfg_8h2k4m9x1q', 'tok_3n5p7r9t2v')).toEqual(list('tok_3n5p7r9t2v'));
  expect(lists.take('ccfg_8h2k4m9x1q', 'tok_3n5p7r9t2v')).toBeUndefined();
});

test('a list read more than 30 s before the plan is not used: the plan reads afresh', () => {
  let now = 0;
  const lists = new RefreshedTokenLists(() => now);
  lists.remember('ccfg_8h2k4m9x1q', 'tok_3n5p7r9t2v', list('tok_3n5p7r9t2v'));
  lists.remember('ccfg_8h2k4m9x1q', 'tok_aaaaaaaaaa', list('tok_aaaaaaaaaa'));
  now = 30_000;
  expect(lists.take('ccfg_8h2k4m9x1q', 'tok_aaaaaaaaaa')).toBeDefined();
  now = 30_001;
  expect(lists.take('ccfg_8h2k4m9x1q', 'tok_3n5p7r9t2v')).toBeUndefined();
});
