// Every test run gets one temporary folder, removed at the end: cdktf's Testing.synth alone makes
// a folder per synth and never removes it, and SIGKILL tests leave provider socket folders.
// Workers are forked after this runs, so they (and every process they start) inherit TMPDIR.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'protector-test-run-'));
  process.env.PROTECTOR_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
};
