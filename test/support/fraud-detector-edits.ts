/**
 * Edits of the fraud-detector example that several tests make. `candidate43` moves the canary
 * label onto version 43, which the running TF Serving config does not load; version 43 records
 * the offline metrics the policy's error check needs, so only the label order is wrong.
 */
export function candidate43(text: string): string {
  const info43 = '      "43": { offlineMetrics: { auc: 0.95, recall_at_1pct_fpr: 0.66 } }\n';
  return text
    .replace('    candidate: 42\n', '    candidate: 43\n')
    .replace('    previous: [40, 39]\n', '    previous: [42, 40, 39]\n')
    .replace(/( {6}"42": .*\n)/, `$1${info43}`);
}
