/**
 * Preloaded with `node --import` when /usr/bin/time is missing: writes the process's peak RSS
 * (KiB, as /usr/bin/time's %M) to $BENCH_RSS_FILE when it exits.
 */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
