// A TypeScript handler that fails: its stack trace should name this file, not the compiled one.
export const handler = async (): Promise<never> => {
  throw new Error('typed failure');
};
