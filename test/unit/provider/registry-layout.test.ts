import { openpgpKeyId } from '../../../src/provider/openpgp-key';
import { registryLayout, VERSIONS_DOCUMENT, type RegistryRelease } from '../../../src/provider/registry-layout';

function release(version: string): RegistryRelease {
  return {
    version,
    protocols: ['6.0'],
    zips: [{ file: `terraform-provider-protector_${version}_linux_amd64.zip`, platform: 'linux_amd64', sha256: 'a'.repeat(64) }],
    sumsFile: `terraform-provider-protector_${version}_SHA256SUMS`,
    signatureFile: `terraform-provider-protector_${version}_SHA256SUMS.sig`,
    signingKey: { keyId: '0123456789ABCDEF', asciiArmor: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n...' },
  };
}

const listedVersions = (document: string) => (JSON.parse(document) as { versions: Array<{ version: string }> }).versions.map((entry) => entry.version);

test('mirroring a release into a registry folder keeps the versions it already serves, and replaces the same version', () => {
  const first = registryLayout(release('0.1.0')).documents[VERSIONS_DOCUMENT];
  const second = registryLayout(release('0.2.0'), first).documents[VERSIONS_DOCUMENT];
  expect(listedVersions(second)).toEqual(['0.1.0', '0.2.0']);
  expect(listedVersions(registryLayout(release('0.1.0'), second).documents[VERSIONS_DOCUMENT])).toEqual(['0.2.0', '0.1.0']);
});

test('each release file is placed in its version folder, where the download documents point', () => {
  const layout = registryLayout(release('0.1.0'));
  const provider = 'v1/providers/protector-iac/protector';
  expect(layout.files).toEqual({
    [`${provider}/0.1.0/terraform-provider-protector_0.1.0_linux_amd64.zip`]: 'terraform-provider-protector_0.1.0_linux_amd64.zip',
    [`${provider}/0.1.0/terraform-provider-protector_0.1.0_SHA256SUMS`]: 'terraform-provider-protector_0.1.0_SHA256SUMS',
    [`${provider}/0.1.0/terraform-provider-protector_0.1.0_SHA256SUMS.sig`]: 'terraform-provider-protector_0.1.0_SHA256SUMS.sig',
  });
  const download = JSON.parse(layout.documents[`${provider}/0.1.0/download/linux/amd64`]) as { download_url: string };
  // Resolved the way Terraform resolves it: against the download document's own URL
  expect(new URL(download.download_url, `https://registry.test/${provider}/0.1.0/download/linux/amd64`).pathname).toBe(
    `/${provider}/0.1.0/terraform-provider-protector_0.1.0_linux_amd64.zip`,
  );
});

test('an existing versions file that is not a registry document is a usage error saying what to remove', () => {
  expect(() => registryLayout(release('0.1.0'), '{"versions": {"0.1.0": {}}}')).toThrow(
    expect.objectContaining({ code: 'REGISTRY_VERSIONS_UNREADABLE', message: expect.stringContaining('Remove it') }),
  );
});

test('a signing key file that is not an armored OpenPGP public key is a usage error naming the file', () => {
  expect(() => openpgpKeyId('-----BEGIN PGP SIGNATURE-----\n\nwnUEABYKAB0WIQ==\n-----END PGP SIGNATURE-----\n', 'release/key.asc')).toThrow(
    expect.objectContaining({ code: 'SIGNING_KEY_UNREADABLE', message: expect.stringContaining('release/key.asc is not an ASCII-armored OpenPGP public key') }),
  );
  // A signature packet (tag 2) where the key packet should be
  expect(() => openpgpKeyId('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nwgMEAAA=\n-----END PGP PUBLIC KEY BLOCK-----\n', 'key.asc')).toThrow(
    expect.objectContaining({ code: 'SIGNING_KEY_UNREADABLE', message: expect.stringContaining('not a public key') }),
  );
});
