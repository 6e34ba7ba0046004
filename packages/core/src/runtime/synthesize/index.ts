export { complete, completeOutput, synthesize, synthesizeOutput } from './synthesizeOutput.js';
export type { Completed, Synthesized, SynthesisSource } from './synthesizeOutput.js';
export type { SynthesisSeed } from './seed.js';
