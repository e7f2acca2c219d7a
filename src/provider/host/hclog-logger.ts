/**
 * hclog-format JSON lines on stderr, which Terraform parses and shows under TF_LOG. The level
 * comes from TF_LOG_PROVIDER, else TF_LOG. Callers pass names, types and ids only: a value of a
 * sensitive attribute must never reach a log line (the framework also scrubs what it has seen).
 */
/** Structured fields of one line; the framework's Logger takes the same shape, so this logger serves it as is. */
export type LogFields = Record<string, string | number | boolean>;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off';
const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 5 };

export function logLevelFromEnv(env: NodeJS.ProcessEnv): LogLevel {
  const raw = (env.TF_LOG_PROVIDER || env.TF_LOG || '').trim().toLowerCase();
  if (raw === '') return 'off';
  if (raw === 'json') return 'trace';
  return raw in RANK ? (raw as LogLevel) : 'trace';
}

/** hclog's timestamp: local offset with exactly six fractional digits. */
export function hclogTimestamp(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000${zone}`
  );
}

export interface HclogOptions {
  level: LogLevel;
  module: string;
  write?: (line: string) => void;
  fields?: LogFields;
}

export class HclogLogger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;

  constructor(private readonly options: HclogOptions) {
    this.threshold = RANK[options.level];
    this.write = options.write ?? ((line) => process.stderr.write(line));
  }

  with(fields: LogFields): HclogLogger {
    // With logging off the fields are never written: every RPC would build a logger for nothing.
    if (this.threshold === RANK.off) return this;
    return new HclogLogger({ ...this.options, write: this.write, fields: { ...this.options.fields, ...fields } });
  }

  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return RANK[level] >= this.threshold;
  }

  trace(message: string, fields?: LogFields): void {
    this.log('trace', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }

  private log(level: Exclude<LogLevel, 'off'>, message: string, fields?: LogFields): void {
    if (RANK[level] < this.threshold) return;
    // Reserved keys are written last so a field can never impersonate them.
    const line = {
      ...this.options.fields,
      ...fields,
      '@level': level,
      '@message': message,
      '@module': this.options.module,
      '@timestamp': hclogTimestamp(new Date()),
    };
    this.write(`${JSON.stringify(line)}\n`);
  }
}
