/** `protector instance`: a simulated Protector instance. */
export { InstanceSimulator, eventLogger } from './simulator';
export { parseInstanceOptions } from './options';
