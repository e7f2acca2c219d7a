/**
 * Issue 9, item 4, on the constructs' side: a `TokenFileTarget` refuses at synth time the same
 * permissions the provider refuses at plan time (group or other may write the token file).
 */
import { TokenFileTarget } from '../../../constructs';
import { ConstructPropError } from '../../../constructs/errors';

test.each(['0666', '0620', '0602', '666', '0777'])('filePermission %p (group or other may write) is refused', (filePermission) => {
  // WHEN / THEN
  expect(() => new TokenFileTarget({ path: '/etc/protector/token', filePermission })).toThrow(ConstructPropError);
  expect(() => new TokenFileTarget({ path: '/etc/protector/token', filePermission })).toThrow(/`filePermission`.*write/);
});

test.each(['0600', '0640', '0400', '644'])('filePermission %p is accepted', (filePermission) => {
  expect(new TokenFileTarget({ path: '/etc/protector/token', filePermission }).filePermission).toBe(filePermission.padStart(4, '0'));
});
