import { SANDBOX_GLOBALS } from '../globals';

/**
 * Source of the code that prepares each fresh context before tenant code runs. It evaluates to a
 * function of two host callbacks (log and fetch, both copy-only and fire-and-forget) and returns
 * `{ invoke, deliver, take }`. It runs inside the isolate, so it captures the intrinsics it needs before
 * the plugin can replace them, and everything it sends out is a string it built itself: Proxies,
 * getters, toJSON and thenables of the plugin are read once, here, under the isolate's timeout.
 *
 * Results go back as one string with a one-letter tag: `O` + output JSON, `T` + length (output too
 * large), `E` + JSON `{name, message}` (the plugin threw). `take()` hands it out: the host asks
 * right after `invoke` returns (a plugin that awaited nothing has finished by then), or when
 * `invoke`'s promise settles.
 */
export const BOOTSTRAP_SOURCE = `(function (hostLog, hostFetch) {
  'use strict';
  const allowed = new Set(${JSON.stringify(SANDBOX_GLOBALS)});
  for (const key of Reflect.ownKeys(globalThis)) {
    if (typeof key === 'string' && allowed.has(key)) continue;
    if (!Reflect.deleteProperty(globalThis, key)) throw new Error('cannot remove global ' + String(key));
  }
  const apply = Reflect.apply;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const freeze = Object.freeze;
  const objectKeys = Object.keys;
  const ErrorCtor = Error;
  const PromiseCtor = Promise;
  const StringCtor = String;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const stringSlice = String.prototype.slice;
  const arraySlice = Array.prototype.slice;
  const LEVELS = freeze({ debug: true, info: true, warn: true, error: true });

  let finished = false;
  let nextCall = 0;
  const pending = new MapCtor();
  let maxLogLines = 0;
  let maxLogChars = 0;
  let logLines = 0;
  let logChars = 0;
  let logTruncated = false;

  function asText(value) {
    if (typeof value === 'string') return value;
    try {
      const json = stringify(value);
      return json === undefined ? StringCtor(value) : json;
    } catch (error) {
      return '[unserializable]';
    }
  }

  function log(...args) {
    if (finished || logTruncated) return;
    let level = 'info';
    if (args.length > 1 && typeof args[0] === 'string' && LEVELS[args[0]] === true) {
      level = args[0];
      args = apply(arraySlice, args, [1]);
    }
    let message = '';
    for (let i = 0; i < args.length; i++) message += (i > 0 ? ' ' : '') + asText(args[i]);
    if (logLines >= maxLogLines || logChars + message.length > maxLogChars) {
      logTruncated = true;
      hostLog('truncated', '');
      return;
    }
    logLines++;
    logChars += message.length;
    hostLog(level, message);
  }

  function fetch(url, init) {
    if (finished) return PromiseCtor.reject(new ErrorCtor('the invocation has ended'));
    const options = init == null ? {} : init;
    const method = options.method;
    const headers = options.headers;
    const body = options.body;
    const credential = options.credential;
    const request = { url: StringCtor(url), method: method === undefined ? 'GET' : StringCtor(method), headers: { __proto__: null } };
    if (headers != null) {
      for (const name of objectKeys(headers)) request.headers[StringCtor(name)] = StringCtor(headers[name]);
    }
    if (body != null) request.body = typeof body === 'string' ? body : StringCtor(body);
    if (credential != null) request.credential = StringCtor(credential);
    const callId = ++nextCall;
    const text = stringify(request);
    return new PromiseCtor((resolve, reject) => {
      apply(mapSet, pending, [callId, { resolve, reject }]);
      hostFetch(callId, text);
    });
  }

  function deliver(callId, ok, text) {
    const entry = apply(mapGet, pending, [callId]);
    if (entry === undefined || finished) return;
    apply(mapDelete, pending, [callId]);
    const data = parse(text);
    if (ok) {
      const responseBody = data.body;
      data.ok = data.status >= 200 && data.status < 300;
      data.json = () => parse(responseBody);
      entry.resolve(data);
    } else {
      const error = new ErrorCtor(StringCtor(data.message));
      error.name = StringCtor(data.name);
      entry.reject(error);
    }
  }

  function describe(error) {
    let name = 'Error';
    let message = '';
    try {
      if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
        name = StringCtor(error.name);
        message = StringCtor(error.message);
      } else {
        message = StringCtor(error);
      }
    } catch (ignored) {
      message = 'the plugin threw a value that cannot be described';
    }
    return 'E' + stringify({ name: apply(stringSlice, name, [0, 200]), message: apply(stringSlice, message, [0, 4096]) });
  }

  let result;

  /** Keeps the tagged result for take(); invoke's own promise carries no value, so no second copy. */
  function conclude(text) {
    result = text;
  }

  /** The tagged result once the invocation has finished (undefined before), handed out once. */
  function take() {
    const text = result;
    result = undefined;
    return text;
  }

  async function invoke(factory, inputJson, configJson, maxOutputChars, lines, chars) {
    // The host runs one built-in warm-up call before the plugin's (see WARMUP_SOURCE): start clean.
    finished = false;
    result = undefined;
    logLines = 0;
    logChars = 0;
    logTruncated = false;
    maxLogLines = lines;
    maxLogChars = chars;
    try {
      const module = { exports: {} };
      apply(factory, undefined, [module, module.exports]);
      const exported = module.exports;
      const plugin = exported != null && exported.default != null ? exported.default : exported;
      if (plugin == null || typeof plugin.run !== 'function') {
        finished = true;
        return conclude('E' + stringify({ name: 'TypeError', message: 'the plugin module exports no run function' }));
      }
      const ctx = freeze({ log, fetch, config: parse(configJson) });
      const value = await apply(plugin.run, plugin, [parse(inputJson), ctx]);
      if (typeof value === 'string' && value.length > maxOutputChars) {
        finished = true;
        return conclude('T' + value.length);
      }
      const output = stringify(value === undefined ? null : value);
      finished = true;
      const text = typeof output === 'string' ? output : 'null';
      return conclude(text.length > maxOutputChars ? 'T' + text.length : 'O' + text);
    } catch (error) {
      finished = true;
      return conclude(describe(error));
    }
  }

  return { invoke, deliver, take };
})`;

/**
 * A built-in module run through `invoke` once in each prepared context, before any plugin code
 * exists there. V8 pays for the first run of the bootstrap's code in a new context (about 50 us
 * here); paying it while preparing keeps it off the plugin call. It touches no global and leaves
 * nothing behind but garbage; `invoke` resets its own state when the plugin's call starts.
 */
export const WARMUP_SOURCE = `(function (module) {
  module.exports = { default: { async run(input, ctx) { return { n: input.n, c: ctx.config.c }; } } };
})`;

/** What the warm-up call must answer; anything else means the bootstrap is broken. */
export const WARMUP_RESULT = 'O{"n":1,"c":2}';
