/** `protector instance`: a simulated Protector instance. */
export { InstanceSimulator, eventLogger, type InstanceSummary } from './simulator';
export { parseInstanceOptions, parseInterval, type InstanceOptions, type RawInstanceOptions } from './options';
export { TokenFile, type TokenFileEvent } from './token-file';
export type { TokenSource, TokenSourceEvent } from './token-source';
