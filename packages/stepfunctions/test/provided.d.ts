// What test/globalSetup.ts hands the tests through vitest's provide/inject.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The moto_server endpoint; empty when moto_server is not installed. */
    motoEndpoint: string;
  }
}
