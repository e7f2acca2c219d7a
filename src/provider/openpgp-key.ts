/**
 * The key ID of an ASCII-armored OpenPGP public key, which a provider registry lists beside the
 * key (`signing_keys.gpg_public_keys[].key_id`). Read here rather than with gpg so that laying out a
 * registry needs no GnuPG: only the first packet is read, following RFC 4880 (armor: section 6.2,
 * packet headers: 4.2, v4 fingerprint and key ID: 12.2). Version 4 keys are what GnuPG makes and
 * what Terraform's OpenPGP library reads.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors';

const PUBLIC_KEY_TAG = 6;

/** The 16 hexadecimal digits (upper case) of the key ID, as `gpg --with-colons` prints it. */
export function openpgpKeyId(armored: string, source: string): string {
  const body = firstPacket(dearmor(armored, source), source);
  if (body.tag !== PUBLIC_KEY_TAG) throw unreadable(source, `its first packet is of type ${body.tag}, not a public key (6)`);
  if (body.data[0] !== 4) throw unreadable(source, `it is a version ${body.data[0]} key; only version 4 keys are supported (what gpg makes by default)`);
  // v4 fingerprint: SHA-1 over 0x99, the body's length in two octets, and the body; the key ID is its last 8 octets.
  const length = Buffer.from([0x99, body.data.length >> 8, body.data.length & 0xff]);
  const fingerprint = createHash('sha1').update(length).update(body.data).digest();
  return fingerprint.subarray(-8).toString('hex').toUpperCase();
}

function dearmor(armored: string, source: string): Buffer {
  const lines = armored.split(/\r?\n/).map((line) => line.trim());
  const begin = lines.indexOf('-----BEGIN PGP PUBLIC KEY BLOCK-----');
  if (begin < 0) throw unreadable(source, 'it has no "-----BEGIN PGP PUBLIC KEY BLOCK-----" line');
  // Armor headers ("Comment: ...") end at the first empty line; the base64 data ends at the checksum ("=XXXX") or END line.
  const dataStart = lines.indexOf('', begin + 1);
  const data: string[] = [];
  for (const line of lines.slice(dataStart + 1)) {
    if (line.startsWith('=') || line.startsWith('-----END')) break;
    data.push(line);
  }
  return Buffer.from(data.join(''), 'base64');
}

function firstPacket(bytes: Buffer, source: string): { tag: number; data: Buffer } {
  const header = bytes[0];
  if (header === undefined || (header & 0x80) === 0) throw unreadable(source, 'its data does not start with an OpenPGP packet');
  let tag: number;
  let length: number;
  let offset: number;
  if (header & 0x40) {
    // New format: the tag in 6 bits, then a one-, two- or five-octet length.
    tag = header & 0x3f;
    const first = bytes[1];
    if (first < 192) [length, offset] = [first, 2];
    else if (first < 224) [length, offset] = [((first - 192) << 8) + bytes[2] + 192, 3];
    else if (first === 255) [length, offset] = [bytes.readUInt32BE(2), 6];
    else throw unreadable(source, 'its first packet has a partial length, which a key packet never has');
  } else {
    // Old format: the tag in 4 bits, the length's size in the last 2.
    tag = (header >> 2) & 0x0f;
    const size = [1, 2, 4][header & 0x03];
    if (size === undefined) throw unreadable(source, 'its first packet has an indeterminate length');
    [length, offset] = [bytes.readUIntBE(1, size), 1 + size];
  }
  if (offset + length > bytes.length) throw unreadable(source, 'its first packet is truncated');
  return { tag, data: bytes.subarray(offset, offset + length) };
}

function unreadable(source: string, why: string): UsageError {
  return new UsageError(
    'SIGNING_KEY_UNREADABLE',
    `${source} is not an ASCII-armored OpenPGP public key (${why}). Export it with \`gpg --armor --export KEY\` (see docs/releasing.md).`,
  );
}
