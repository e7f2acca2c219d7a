/**
 * Preloaded into each provider process by the benchmarks (NODE_OPTIONS=--require): on exit it
 * appends "pid user_us system_us" to $PROTECTOR_BENCH_CPU_FILE, so a benchmark can split the CPU
 * of a terraform run between terraform and the provider processes it started. Bench-only.
 */
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.PROTECTOR_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    try {
      appendFileSync(file, `${process.pid} ${user} ${system}\n`);
    } catch {
      // A benchmark aid must never change how the provider exits.
    }
  });
}
