// asl-validator ships no types: what these tests use of it.
declare module 'asl-validator' {
  interface AslValidatorError {
    'Error code': string;
    Message: string;
  }
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): {
    isValid: boolean;
    errors: AslValidatorError[];
    errorsText(separator?: string): string;
  };
  export default validator;
}
