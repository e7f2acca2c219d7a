const { rmSync } = require('node:fs');

module.exports = async () => {
  const runDir = process.env.PROTECTOR_TEST_RUN_DIR;
  if (runDir) rmSync(runDir, { recursive: true, force: true });
};
