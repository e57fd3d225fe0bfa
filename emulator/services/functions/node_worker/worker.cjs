'use strict';
// One warm Lambda execution environment for one Node.js function, driven by the emulator
// (emulator/services/functions/node.py). It loads the handler as Lambda's Node.js runtime does, then runs one
// invocation at a time.
//
// Protocol: invocations arrive on stdin, one JSON object a line ({id, event, context}); everything the worker
// says goes to the file descriptor named in its options, one JSON object a line: {id, log} for a line the
// function logged, then {id, result} or {id, error: {errorType, errorMessage, trace}}. Its own stdout and
// stderr are left to what the function's code writes there, so nothing the function prints can garble a reply.

const fs = require('fs');
const path = require('path');
const util = require('util');
const nodeModule = require('module');
const { pathToFileURL } = require('url');

const options = JSON.parse(process.argv[2]);
process.setSourceMapsEnabled(true); // TypeScript stack traces name the .ts source

// The emulator stops a worker whose function runs too long; if the emulator itself goes while a function spins,
// a thread of the worker's own ends it, since the spinning event loop would never notice.
const { Worker: Thread } = require('worker_threads');
new Thread(`const parent = ${process.ppid};
  setInterval(() => { if (process.ppid !== parent) process.kill(${process.pid}, 'SIGKILL'); }, 500);`,
{ eval: true }).unref();
const replies = options.replyFd;
let current = null; // the invocation under way: {id, finished}

function say(message) {
  let line;
  try {
    line = JSON.stringify(message);
  } catch {
    line = JSON.stringify({ id: message.id, error: { errorType: 'Error', errorMessage: 'Unable to stringify response body',
                                                    trace: [] } });
  }
  fs.writeSync(replies, line + '\n');
}

// -- logging as Lambda's runtime formats it: "<time>\t<request id>\t<LEVEL>\t<message>" --------------------
function logLine(level, args) {
  const requestId = current ? current.context.fields.awsRequestId : "undefined";
  const text = util.format(...args);
  say({ id: current ? current.id : null, log: `${new Date().toISOString()}\t${requestId}\t${level}\t${text}` });
}
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'],
                               ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => logLine(level, args);
}
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    for (const line of text.replace(/\n$/, '').split('\n')) say({ id: current ? current.id : null, log: line });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  };
}

// -- errors as Lambda reports them ----------------------------------------------------------------------------
// An Error, or anything shaped like one, by its name, message and stack; anything else by its type and text.
function lambdaError(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error.name === 'string' && error.name
        && typeof error.message === 'string' && error.message && typeof error.stack === 'string' && error.stack)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem '
      + 'while retrieving one or more of its message, name, and stack', trace: [] };
  }
}

function runtimeError(name, cause) {
  const error = new Error(String(cause));
  error.name = `Runtime.${name}`;
  return error;
}

// -- the runtime's own AWS SDK: what a Lambda Node.js runtime provides when the function bundles none ---------
// CommonJS finds it through NODE_PATH (set by the emulator, as Lambda sets its own); ES modules ignore NODE_PATH,
// so a resolve hook retries a bare specifier that the function's folders do not have from the worker's folder.
const runtimeParent = pathToFileURL(path.join(__dirname, 'runtime-modules.mjs')).href;
if (typeof nodeModule.register === 'function') {
  const hook = `
    export async function resolve(specifier, context, next) {
      try { return await next(specifier, context); } catch (error) {
        const bare = !/^(\\.|\\/|[a-z]+:)/i.test(specifier);
        if (!bare || error.code !== 'ERR_MODULE_NOT_FOUND' || context.parentURL === ${JSON.stringify(runtimeParent)}) throw error;
        return next(specifier, { ...context, parentURL: ${JSON.stringify(runtimeParent)} });
      }
    }`;
  nodeModule.register('data:text/javascript,' + encodeURIComponent(hook));
}

// -- loading the handler: Lambda's file search, plus TypeScript compiled by esbuild -------------------------
function hasTypeModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try { return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module'; } catch { return false; }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

async function compileTypeScript(file) {
  let esbuild;
  try {
    esbuild = require(require.resolve('esbuild', { paths: [__dirname, path.dirname(file)] }));
  } catch {
    const error = new Error(`${path.basename(file)} is TypeScript, and compiling it needs esbuild: run \`make run\` `
      + `once (it runs npm ci in ${__dirname}), or npm install esbuild in the function's project`);
    error.name = 'Runtime.ImportModuleError';
    throw error;
  }
  const url = pathToFileURL(file).href;
  // Amplify Gen 2 generates `$amplify/env/<function>` at deploy time; what it exports is process.env.
  const amplifyEnv = {
    name: 'amplify-env',
    setup(build) {
      build.onResolve({ filter: /^\$amplify\/env\// }, (args) => ({ path: args.path, namespace: 'amplify-env' }));
      build.onLoad({ filter: /.*/, namespace: 'amplify-env' }, () => ({ contents: 'export const env = process.env;', loader: 'js' }));
    },
  };
  // Bare imports must resolve as from the source file: below the cache folder, a node_modules link for each
  // node_modules folder above the source, nearest deepest, then the runtime's own.
  const found = [];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules' && fs.existsSync(path.join(dir, 'node_modules'))) found.push(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) break;
  }
  found.push(path.join(__dirname, 'node_modules'));
  let folder = fs.mkdtempSync(path.join(options.cacheDir, 'ts-'));
  for (const modules of found.reverse()) {
    if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(folder, 'node_modules'), 'dir');
    folder = path.join(folder, 'f');
    fs.mkdirSync(folder);
  }
  const compiled = path.join(folder, path.basename(file).replace(/\.[cm]?ts$/, '.mjs'));
  const built = await esbuild.build({
    entryPoints: [file], bundle: true, packages: 'external', platform: 'node', format: 'esm',
    // Source map paths are relative to where the compiled file runs, so stack traces name the .ts source.
    target: `node${process.versions.node.split('.')[0]}`, write: false, outfile: compiled, sourcemap: 'inline',
    logLevel: 'silent', plugins: [amplifyEnv],
    // The compiled file runs from the emulator's cache; names that say where the code is keep naming its source.
    banner: { js: `import { createRequire as __emulatorCreateRequire } from 'module';\n`
      + `const require = __emulatorCreateRequire(${JSON.stringify(url)});\n` },
    define: { __filename: JSON.stringify(file), __dirname: JSON.stringify(path.dirname(file)),
              'import.meta.url': JSON.stringify(url), 'import.meta.filename': JSON.stringify(file),
              'import.meta.dirname': JSON.stringify(path.dirname(file)) },
  }).catch((failure) => {
    const error = new Error((failure.errors || []).map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('\n') || String(failure));
    error.name = 'Runtime.UserCodeSyntaxError';
    throw error;
  });
  fs.writeFileSync(compiled, built.outputFiles[0].text);
  return import(pathToFileURL(compiled).href);
}

async function loadModule(base) {
  const typeModule = hasTypeModule(path.dirname(base));
  const exists = (extension) => fs.existsSync(base + extension);
  if (exists('')) return require(base);
  if (!typeModule && exists('.js')) return require(base + '.js');
  if (typeModule && exists('.js')) return import(pathToFileURL(base + '.js').href);
  if (exists('.mjs')) return import(pathToFileURL(base + '.mjs').href);
  if (exists('.cjs')) return require(base + '.cjs');
  for (const extension of ['.ts', '.mts', '.cts']) {
    if (exists(extension)) return compileTypeScript(base + extension);
  }
  const error = new Error(`Cannot find module '${path.basename(base)}'`);
  error.code = 'MODULE_NOT_FOUND';
  throw error;
}

async function loadHandler() {
  const handlerString = options.handler;
  const fileAndRest = path.basename(handlerString);
  const match = fileAndRest.match(/^([^.]*)\.(.*)$/);
  if (!match || handlerString.includes('..')) {
    const error = new Error(`Bad handler ${handlerString}`);
    error.name = 'Runtime.MalformedHandlerName';
    throw error;
  }
  const base = path.resolve(options.codeDir, handlerString.slice(0, handlerString.length - fileAndRest.length), match[1]);
  let loaded;
  try {
    loaded = await loadModule(base);
  } catch (error) {
    if (error instanceof SyntaxError) throw Object.assign(new Error(`${error.name}: ${error.message}`), { name: 'Runtime.UserCodeSyntaxError', stack: error.stack });
    if (error && (error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND')) {
      throw Object.assign(new Error(`${error.name}: ${error.message}`), { name: 'Runtime.ImportModuleError', stack: error.stack });
    }
    throw error;
  }
  const handler = match[2].split('.').reduce((object, key) => object && object[key], loaded);
  if (typeof handler !== 'function') {
    const error = new Error(handler === undefined || handler === null ? `${handlerString} is undefined or not exported` : `${handlerString} is not a function`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return handler;
}

globalThis.awslambda = globalThis.awslambda || { streamifyResponse: (handler) => handler };
const loading = loadHandler();
loading.catch(() => {}); // reported to the first invocation

// -- running an invocation as Lambda's runtime does ----------------------------------------------------------
// While a handler runs, the worker's own input is unreferenced, so the event loop empties exactly when the
// handler's work does: then Node emits 'beforeExit', as it does in Lambda, where the runtime answers a callback
// (unless context.callbackWaitsForEmptyEventLoop is false) or a handler that never settled.
let whenLoopEmpties = null;
process.on('beforeExit', () => {
  const then = whenLoopEmpties;
  whenLoopEmpties = null;
  if (then) then();
});

function finish(invocation, outcome) {
  if (invocation.finished) return;
  invocation.finished = true;
  if (current === invocation) current = null;
  whenLoopEmpties = null;
  process.stdin.ref(); // wait for the next invocation
  say({ id: invocation.id, ...outcome });
  next();
}

async function run(invocation) {
  current = invocation;
  let handler;
  try {
    handler = await loading;
  } catch (error) {
    finish(invocation, { error: lambdaError(error), fatal: true });
    return;
  }
  const deadline = invocation.context.deadline;
  const succeed = (result) => finish(invocation, { result: result === undefined ? null : result });
  const fail = (error) => finish(invocation, { error: lambdaError(error) });
  let calledBack = null; // the callback's answer, given once the event loop is empty (or at once, if so asked)
  const callback = (error, result) => {
    if (calledBack) return;
    calledBack = () => (error !== null && error !== undefined ? fail(error) : succeed(result));
    if (!context.callbackWaitsForEmptyEventLoop) calledBack();
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    ...invocation.context.fields,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: callback, succeed, fail,
  };
  // The loop emptied with nothing settled: an async handler ended without answering; any other gets null.
  const isAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
  whenLoopEmpties = () => (calledBack ? calledBack()
    : isAsync ? fail(runtimeError('NodeJsExit', 'Error: Runtime exited without providing a reason')) : succeed(null));
  process.stdin.unref();
  try {
    const returned = handler(invocation.event, context, callback);
    if (returned && typeof returned.then === 'function') {
      returned.then(succeed, fail);
    }
  } catch (error) {
    fail(error);
  }
}

// An error nobody caught ends the environment, as in Lambda; the invocation under way reports it.
process.on('uncaughtException', (error) => {
  say(current ? { id: current.id, error: lambdaError(error), fatal: true } : { id: null, fatal: true });
  process.exit(129);
});
process.on('unhandledRejection', (reason) => {
  say(current ? { id: current.id, error: lambdaError(runtimeError('UnhandledPromiseRejection', reason)), fatal: true }
    : { id: null, fatal: true });
  process.exit(128);
});

const queue = [];
function next() {
  if (current || queue.length === 0) return;
  const invocation = queue.shift();
  invocation.finished = false;
  run(invocation);
}
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let end;
  while ((end = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    if (line.trim()) queue.push(JSON.parse(line));
  }
  next();
});
process.stdin.on('end', () => process.exit(0)); // the emulator has gone
