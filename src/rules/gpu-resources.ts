/**
 * Kubernetes gives a container a GPU only when it sets a limit on the device plugin's extended
 * resource (nvidia.com/gpu); a GPU build of TF Serving without one is scheduled onto any node and
 * gets no device. The platform profile lists the accelerators each image needs; an image it does
 * not describe is taken as a GPU build when its tag ends in `-gpu`, as tensorflow/serving's do.
 */
import { imageAccelerators, imageProfile } from '../resolve/platform.js';
import type { Rule } from './rule.js';

export const gpuResources: Rule = {
  id: 'gpu-resources',
  description: 'An image that needs an accelerator (per the platform profile, or a -gpu tag) has model.resources.gpu; a CPU image asks for none.',
  severity: 'error',
  check({ policy, report }) {
    const { image, resources } = policy.model;
    const entry = imageProfile(policy.platform, image);
    const accelerators = imageAccelerators(policy.platform, image);
    if (accelerators.length > 0 && resources.gpu === null) {
      report({
        path: ['spec', 'model', 'image'],
        message: `image \`${image}\` needs ${accelerators.join(' or ')}, but the pods ask for no GPU: Kubernetes gives a container a GPU only when it sets that limit`,
        hint: 'set model.resources.gpu (GPUs per pod), or use the CPU image',
      });
    } else if (entry && accelerators.length === 0 && resources.gpu !== null) {
      report({
        path: ['spec', 'model', 'resources', 'gpu'],
        severity: 'warning',
        message: `image \`${image}\` is a CPU build (the platform profile lists no accelerator for it), so the ${resources.gpu.count} ${resources.gpu.resource} per pod would sit idle`,
        hint: 'use the GPU build of the image, or drop model.resources.gpu',
      });
    }
  },
};
