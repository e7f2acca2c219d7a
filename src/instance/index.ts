/** `protector instance`: a simulated Protector instance. */
export { InstanceSimulator } from './simulator';
export { parseInstanceOptions } from './options';
