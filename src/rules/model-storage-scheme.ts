/**
 * The serving image must be able to read model.basePath, or no version ever loads: TF Serving's
 * FileSystemStoragePathSource fails with "File system scheme 's3' not implemented" and the pod
 * never becomes ready. Stock tensorflow/serving has had no S3 file system since 2.7
 * (tensorflow/serving#1963) while gs:// still works; the platform profile lists what each image reads.
 */
import { imageProfile, storageScheme } from '../resolve/platform.js';
import type { Rule } from './rule.js';

const describe = (scheme: string): string => (scheme === 'file' ? 'local paths' : `${scheme}://`);

export const modelStorageScheme: Rule = {
  id: 'model-storage-scheme',
  description: "model.basePath's storage scheme is one the serving image reads, as the platform profile lists images.",
  severity: 'error',
  check({ policy, report }) {
    const scheme = storageScheme(policy.model.basePath);
    const image = imageProfile(policy.platform, policy.model.image);
    if (!image) {
      report({
        path: ['spec', 'model', 'image'],
        severity: 'warning',
        message: `image \`${policy.model.image}\` is not in the platform profile, so whether it reads ${describe(scheme)} is unknown`,
        hint: 'list it under images in modelgate.config.yaml with the storageSchemes it reads',
      });
      return;
    }
    if (image.storageSchemes.includes(scheme)) return;
    report({
      path: ['spec', 'model', 'basePath'],
      message: `image \`${policy.model.image}\` cannot read ${describe(scheme)} (it reads ${image.storageSchemes.map(describe).join(', ') || 'nothing'}), so the model would never load`,
      hint:
        scheme === 's3'
          ? 'stock tensorflow/serving has no S3 file system since 2.7: use an image built with it (and list it under images in modelgate.config.yaml with storageSchemes [s3]), or store the model on gs://'
          : `use an image that reads ${describe(scheme)} and list it under images in modelgate.config.yaml`,
    });
  },
};
