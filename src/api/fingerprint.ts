/** The token fingerprint of the API contract; defined with the other secret masking in ../secrets. */
export { fingerprintOf } from '../secrets';
