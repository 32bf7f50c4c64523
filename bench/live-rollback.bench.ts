/**
 * Client time of a live rollback across eight stand-in TF Serving pods on loopback (the
 * `rollback --live` core: status on every pod, then move, confirm, pod by pod). A figure about the
 * tool, not about a cluster, where each call also crosses the network and the pods' sidecars.
 * Run by bench/run.mjs through vitest (the stand-in is TypeScript test code); writes the samples
 * to $BENCH_LIVE_OUT. No assertion on time.
 */
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { liveRollback } from '../src/live/live-rollback.js';
import { TfServingStandIn } from '../test/models/tfserving-model-service.js';

const PODS = 8;
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const MODEL = { name: 'fraud_detector', basePath: 'gs://acme-models/fraud_detector', platform: 'tensorflow' };

it(`live rollback across ${PODS} stand-in pods`, async () => {
  const samplesMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pods = await Promise.all(
      Array.from({ length: PODS }, () => new TfServingStandIn({ model: MODEL.name, versions: { 42: 'AVAILABLE', 41: 'AVAILABLE', 40: 'AVAILABLE' }, labels: { stable: 41, canary: 42 } }).start()),
    );
    try {
      const start = process.hrtime.bigint();
      const result = await liveRollback({ model: MODEL, targets: pods.map((pod) => pod.address), to: 40, timeoutMs: 5000 });
      samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!result.ok || pods.some((pod) => pod.label('stable') !== 40)) throw new Error(`live rollback did not finish: ${result.problem}`);
    } finally {
      await Promise.all(pods.map((pod) => pod.close()));
    }
  }
  writeFileSync(process.env.BENCH_LIVE_OUT ?? '/dev/stdout', `${JSON.stringify({ pods: PODS, samplesMs })}\n`);
}, 120_000);
