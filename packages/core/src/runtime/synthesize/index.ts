export { completeOutput, synthesize, synthesizeOutput } from './synthesizeOutput.js';
export type { Synthesized, SynthesisSource } from './synthesizeOutput.js';
export type { SynthesisSeed } from './seed.js';
