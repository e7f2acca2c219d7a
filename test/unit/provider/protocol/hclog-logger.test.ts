import { HclogLogger, hclogTimestamp, logLevelFromEnv } from '../../../../src/provider/host/hclog-logger';

describe('hclog logger', () => {
  test('takes its level from TF_LOG_PROVIDER before TF_LOG, and is off without either', () => {
    expect(logLevelFromEnv({})).toBe('off');
    expect(logLevelFromEnv({ TF_LOG: 'INFO' })).toBe('info');
    expect(logLevelFromEnv({ TF_LOG: 'INFO', TF_LOG_PROVIDER: 'debug' })).toBe('debug');
    expect(logLevelFromEnv({ TF_LOG: 'JSON' })).toBe('trace');
  });

  test('timestamps have exactly six fractional digits and a numeric zone offset', () => {
    expect(hclogTimestamp(new Date())).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/);
  });

  test('writes one JSON line per entry at or above the level; fields cannot overwrite the reserved keys', () => {
    const lines: string[] = [];
    const log = new HclogLogger({ level: 'info', module: 'provider.protector', write: (line) => lines.push(line) }).with({ tf_rpc: 'PlanResourceChange' });
    log.debug('hidden');
    log.info('planned', { resource_type: 'protector_token', '@level': 'error' });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0])).toMatchObject({
      '@level': 'info',
      '@message': 'planned',
      '@module': 'provider.protector',
      tf_rpc: 'PlanResourceChange',
      resource_type: 'protector_token',
    });
  });
});
