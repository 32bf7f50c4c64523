/**
 * A webhook gate's verdict decides a release, so its request must reach the endpoint the policy
 * names and nobody else: https anywhere, plain http only to a Service inside the cluster (a host
 * ending in `.svc` or `.svc.cluster.local`, the mesh's mTLS covers it), never credentials in the
 * URL (they would sit in Git and in Argo's logs; a secret header is read from a Secret instead).
 */
import type { Rule } from './rule.js';

const CLUSTER_LOCAL = /\.svc(\.cluster\.local)?$/;

export const webhookUrl: Rule = {
  id: 'webhook-url',
  description: 'A webhook gate calls https, or http only to a cluster-local Service, with no credentials in its URL.',
  severity: 'error',
  check({ policy, report }) {
    policy.gates.webhooks.forEach((gate, index) => {
      const path = ['spec', 'gates', 'webhooks', index, 'url'];
      let url: URL;
      try {
        url = new URL(gate.url);
      } catch {
        report({ path, message: `webhook \`${gate.name}\`: \`${gate.url}\` is not a URL`, hint: 'write an absolute URL, e.g. https://eval.example.com/verdict' });
        return;
      }
      if (url.username !== '' || url.password !== '') {
        report({ path, message: `webhook \`${gate.name}\`: the URL carries credentials, which would sit in Git and in Argo Rollouts' logs`, hint: 'remove them and send a header read from a Secret: headers: [{ name: Authorization, secret: { name: <secret>, key: <key> } }]' });
      }
      if (url.protocol === 'http:' && !CLUSTER_LOCAL.test(url.hostname)) {
        report({ path, message: `webhook \`${gate.name}\`: plain http to \`${url.hostname}\` lets anyone on the way read and forge the verdict that decides the release`, hint: 'use https, or http only to a Service in the cluster (<service>.<namespace>.svc.cluster.local)' });
      }
    });
  },
};
