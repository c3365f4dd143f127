/** Test helpers for dtrn blocks and for users testing their own layers. */
export { checkGradients, type GradientCheckOptions, type GradientCheckReport } from './gradient-check.js';
export { expectNoLeakedTensors } from './leak.js';
export { configRoundTrip, type RoundTripResult, saveLoadRoundTrip } from './round-trip.js';
