// CommonJS handlers in each style Lambda's Node.js runtime accepts, and ones that misbehave, for
// tests/test_node_functions.py. This folder has no node_modules: the AWS SDK comes from the runtime, as in Lambda.
const fs = require('fs');

let invocations = 0; // module state lives as long as the execution environment

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { style: 'callback', event }), 5);
};

exports.promise = (event) => Promise.resolve({ style: 'promise', event });

exports.sync = (event) => ({ style: 'sync', event }); // not async, no callback: Lambda answers null

exports.handlers = { nested: async () => ({ style: 'nested' }) };

exports.context = async (event, context) => ({
  functionName: context.functionName, functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn, memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId, logGroupName: context.logGroupName,
  remaining: context.getRemainingTimeInMillis(), callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
});

exports.environment = async (event) => {
  await sleep(event.pause || 0); // concurrent invocations overlap here
  const names = ['STAGE', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_REGION', 'AWS_ENDPOINT_URL', 'AWS_EXECUTION_ENV',
                 'LAMBDA_TASK_ROOT', '_HANDLER', 'EMULATOR_ONLY_VARIABLE', 'AWS_CONFIG_FILE', 'AWS_PROFILE'];
  return Object.fromEntries(names.map((name) => [name, process.env[name] ?? null]));
};

exports.counter = async (event) => {
  invocations += 1;
  await sleep(event.pause || 0);
  return { pid: process.pid, invocations };
};

exports.logs = async (event, context) => {
  console.log('hello', { from: context.functionName });
  console.error('something went %s', 'sideways');
  process.stdout.write('a raw line\n');
  return event;
};

exports.fails = async () => {
  console.log('about to fail');
  throw new TypeError('the number is not allowed');
};
exports.failsWithCallback = (event, context, callback) => callback('a plain string');
exports.notAnEvent = async () => 'not an event';
// Waits on a timer that never ends; says which process it is first.
exports.hangs = async () => { console.log(`pid ${process.pid}`); await new Promise(() => setInterval(() => {}, 1000)); };
// Never lets the event loop turn again.
exports.spins = () => { console.log(`pid ${process.pid}`); for (;;) { /* spin */ } };
// Promises that nothing will ever settle, with nothing else pending: Lambda ends these when the loop empties.
exports.forgetsAsync = async () => new Promise(() => {});
exports.forgets = () => new Promise(() => {});
exports.callbackThenTimer = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = event.wait;
  setTimeout(() => console.log('the timer ran'), 200);
  callback(null, 'answered');
};
exports.exits = (event) => {
  if (!event.exit) return Promise.resolve({ pid: process.pid });
  console.log(`pid ${process.pid}`);
  fs.writeSync(2, 'dying words\n'); // straight to the process's stderr, past console
  process.exit(3);
};
exports.uncaught = () => { setTimeout(() => { throw new RangeError('thrown later'); }, 1); };
exports.throwsAfterAnswering = async () => { setTimeout(() => { throw new Error('too late'); }, 20); return process.pid; };
exports.rejectsUnawaited = async () => { Promise.reject(new Error('nobody waits')); await sleep(50); return 'late'; };
exports.bigint = async () => ({ count: 10n });
exports.errorShaped = async () => { throw { name: 'Shaped', message: 'like an error', stack: 'Shaped: like an error' }; };

// Cognito calls back into the emulator from inside a trigger.
exports.preSignUpLooksUp = async (event) => {
  const { CognitoIdentityProviderClient, ListUsersCommand } = require('@aws-sdk/client-cognito-identity-provider');
  const cognito = new CognitoIdentityProviderClient({});
  const { Users } = await cognito.send(new ListUsersCommand({ UserPoolId: event.userPoolId }));
  event.response.autoConfirmUser = Users.length === 0; // only the first user of the pool
  return event;
};
