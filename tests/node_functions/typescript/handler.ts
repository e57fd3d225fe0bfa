// TypeScript compiled on load: a relative import without extension, a type-only import of a package that is not
// installed, top-level await, and the names of its own location.
import type { Context } from 'aws-lambda';
import { greet, type Greeting } from './greeting';

const ready: boolean = await Promise.resolve(true);

export const handler = async (event: { name: string }, context: Context): Promise<Greeting & Record<string, unknown>> => ({
  ...greet(event.name),
  ready,
  functionName: context.functionName,
  url: import.meta.url,
  dirname: __dirname,
});
