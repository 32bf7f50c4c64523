/**
 * DNS name syntax as Kubernetes checks it (RFC 1123). Used by the rules on object names,
 * namespaces, hosts and gateways; a DNS-1123 label also can never climb out of an output folder.
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `fraud-detector`: lowercase letters, digits and dashes, at most 63. */
export function isDns1123Label(text: string): boolean {
  return text.length <= 63 && LABEL.test(text);
}

/** `fraud-detector.risk.svc.cluster.local`: dot-separated labels, at most 253. */
export function isDns1123Subdomain(text: string): boolean {
  return text.length <= 253 && text.split('.').every(isDns1123Label);
}

/** The lowercase DNS label closest to what was typed, for hints: `Fraud_Detector` → `fraud-detector`. */
export function suggestDnsLabel(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
}
