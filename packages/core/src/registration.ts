/**
 * Registration of dtrn layers with the tfjs serialization registry.
 *
 * tfjs-layers 4.x writes a layer's bare `className` into saved topologies and looks it up by that
 * name when loading, so the namespace has to live in the class name itself: every dtrn layer's
 * `className` starts with `Dtrn` (e.g. `DtrnHypernetEncoder`), which keeps it from colliding with
 * tfjs built-ins or other libraries. It is also registered under the `Dtrn` package key.
 */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';

/** Namespace prefix of every dtrn layer class name. */
export const LAYER_NAMESPACE = 'Dtrn';

type RegistrableClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & {
  className: string;
};

/**
 * Registers a layer class so `tf.loadLayersModel` can rebuild it. Idempotent: registering the same
 * name again (e.g. from a duplicate package copy) replaces the earlier entry.
 *
 * @throws ConfigError when `className` does not start with `Dtrn` followed by an upper-case letter.
 */
export function registerLayer<T extends RegistrableClass>(cls: T): T {
  if (!/^Dtrn[A-Z]\w*$/.test(cls.className ?? '')) {
    throw new ConfigError('registerLayer: a dtrn layer className must carry the namespace prefix', {
      expected: `"${LAYER_NAMESPACE}" followed by a PascalCase name, e.g. "DtrnSenetRefiner"`,
      found: cls.className,
    });
  }
  tf.serialization.registerClass(cls, LAYER_NAMESPACE);
  return cls;
}
