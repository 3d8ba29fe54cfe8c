import type IsolatedVM from 'isolated-vm';
import type { DoneMessage, FetchReplyMessage, FetchRequestMessage, RunMessage } from '../protocol';
import { BOOTSTRAP_SOURCE, WARMUP_RESULT, WARMUP_SOURCE } from './bootstrap';
import {
  classifyIsolateError,
  CPU_EXCEEDED,
  interpretResult,
  Invocation,
  syncCallBound,
  withinCpuBudget,
  type Outcome,
} from './invocation';

type Ivm = typeof IsolatedVM;

/** A fresh context with the bootstrap already run: ready for one invocation. */
interface PreparedContext {
  context: IsolatedVM.Context;
  invoke: IsolatedVM.Reference;
  deliver: IsolatedVM.Reference;
  take: IsolatedVM.Reference;
  slot: { invocation?: Invocation };
}

/** Compiled plugin modules kept per isolate; a process serves few plugins, so a small cap is enough. */
const SCRIPT_CACHE_SIZE = 32;

/**
 * One isolate for the life of the process, one fresh context per invocation. The next context is
 * prepared after a call has been answered (see `prepareNext`), so a warm call only pays for
 * running the plugin.
 */
export class IsolateRunner {
  private readonly isolate: IsolatedVM.Isolate;
  private readonly bootstrap: IsolatedVM.Script;
  private readonly warmup: IsolatedVM.Script;
  private readonly scripts = new Map<string, IsolatedVM.Script>();
  private prepared?: PreparedContext;
  /** Contexts of answered invocations, released when the next one is prepared. */
  private readonly spent: PreparedContext[] = [];
  private current?: { invocation: Invocation; prepared: PreparedContext; finish: (o: Outcome) => void };

  constructor(
    private readonly ivm: Ivm,
    readonly memoryMb: number,
    private readonly sendFetch: (message: FetchRequestMessage) => void,
    onCatastrophicError: (message: string) => void,
  ) {
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb, onCatastrophicError });
    this.bootstrap = this.isolate.compileScriptSync(BOOTSTRAP_SOURCE, { filename: 'warden:bootstrap' });
    this.warmup = this.isolate.compileScriptSync(WARMUP_SOURCE, { filename: 'warden:warmup' });
    this.prepared = this.prepare();
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** Whether `message` can run: it carries its code, or this isolate compiled that digest before. */
  canRun(message: RunMessage): boolean {
    return message.code !== undefined || this.scripts.has(message.digest);
  }

  /**
   * Runs one invocation in a fresh context and hands its answer to `answer`. A plugin that settles
   * without waiting on a capability is answered in the same turn its request was read in.
   */
  run(message: RunMessage, answer: (done: DoneMessage) => void): void {
    const { limits } = message;
    const started = performance.now();
    const prepared = this.prepared ?? this.prepare();
    this.prepared = undefined;
    // Re-read once the plugin's module is compiled: Warden's own work is not the plugin's CPU.
    let cpuStart = this.isolate.cpuTime;
    const invocation = new Invocation(message.id, limits, started + limits.timeoutMs);
    prepared.slot.invocation = invocation;
    const timers: NodeJS.Timeout[] = [];

    const cpuLeftMs = (): number => limits.cpuBudgetMs - Number(this.isolate.cpuTime - cpuStart) / 1e6;
    /** Whether the last synchronous call's timeout was the CPU budget left (not the time limit). */
    let budgetBound = false;
    /** The next synchronous call's timeout (syncCallBound); the watchdogs cover the time between calls. */
    const boundedTimeout = (): number => {
      const bound = syncCallBound(invocation.deadline - performance.now(), cpuLeftMs());
      budgetBound = bound.byBudget;
      return bound.timeoutMs;
    };
    const classify = (error: unknown): Outcome => {
      const outcome = classifyIsolateError(error, this.isolate.isDisposed);
      return budgetBound && outcome.kind === 'timeout' ? CPU_EXCEEDED : outcome;
    };

    const finish = (reported: Outcome): void => {
      if (invocation.done) return;
      invocation.done = true;
      const wallMs = performance.now() - started;
      // A disposed isolate no longer reports CPU time; wall time is its upper bound.
      const cpuMs = this.isolate.isDisposed ? wallMs : Number(this.isolate.cpuTime - cpuStart) / 1e6;
      const outcome = withinCpuBudget(reported, cpuMs, limits.cpuBudgetMs);
      if (outcome.recycle && !this.isolate.isDisposed) this.isolate.dispose();
      const heapBytes = this.isolate.isDisposed ? 0 : this.isolate.getHeapStatisticsSync().used_heap_size;
      answer({
        t: 'done',
        id: message.id,
        ok: outcome.ok,
        output: outcome.output,
        kind: outcome.kind,
        message: outcome.message,
        logs: invocation.logs,
        logsTruncated: invocation.logsTruncated,
        usage: { cpuMs, wallMs, heapBytes },
        recycle: outcome.recycle,
      });
      // Bookkeeping waits until the answer is out.
      for (const timer of timers) clearTimeout(timer);
      this.current = undefined;
      this.spent.push(prepared);
    };
    this.current = { invocation, prepared, finish };

    // Armed only for a plugin still pending after the synchronous call, which its own timeout
    // bounded. The wall deadline covers pending promises and capability calls (case 10); CPU can
    // never outrun the wall clock on one thread, so the first CPU look is due at the budget.
    const armWatchdogs = (): void => {
      const elapsedMs = performance.now() - started;
      timers.push(
        setTimeout(
          () =>
            finish({
              ok: false,
              kind: 'timeout',
              message: 'the plugin exceeded its time limit',
              recycle: true,
            }),
          Math.max(1, limits.timeoutMs - elapsedMs),
        ),
      );
      const checkCpu = (): void => {
        if (this.isolate.isDisposed) return;
        const usedMs = Number(this.isolate.cpuTime - cpuStart) / 1e6;
        if (usedMs > limits.cpuBudgetMs) {
          finish(CPU_EXCEEDED);
        } else {
          timers.push(setTimeout(checkCpu, Math.max(5, limits.cpuBudgetMs - usedMs)));
        }
      };
      timers.push(setTimeout(checkCpu, Math.max(1, limits.cpuBudgetMs - elapsedMs)));
    };

    try {
      const script = this.script(message);
      cpuStart = this.isolate.cpuTime;
      // One bound for both calls: binding the module to the context takes microseconds.
      const entryTimeout = boundedTimeout();
      const factory = script.runSync(prepared.context, {
        reference: true,
        timeout: entryTimeout,
      }) as IsolatedVM.Reference;
      // Synchronous entry (the isolate runs on this thread under the timeout): 0.1 ms less per
      // call than a hop to isolated-vm's thread pool. Its promise settles when the plugin's does;
      // pending ctx.fetch calls are answered through `deliver` meanwhile.
      const settled = prepared.invoke.applySync(
        undefined,
        [
          factory.derefInto({ release: true }),
          message.input,
          message.config,
          limits.maxOutputBytes,
          limits.maxLogLines,
          limits.maxLogBytes,
        ],
        { timeout: entryTimeout, result: { promise: true } },
      ) as Promise<unknown>;
      // The result is read with one more short call: invoke's promise carries none (no second copy).
      const take = (settledNow: boolean): void => {
        if (invocation.done) return;
        let text: unknown;
        try {
          // Each isolated-vm timeout is a timer its timer thread wakes up for when it expires, used
          // or not. Right after invoke, whose call drained the microtask queue, take() can run
          // nothing but itself; after a settled promise the bound stays.
          const options = settledNow ? { timeout: boundedTimeout() } : {};
          text = prepared.take.applySync(undefined, [], { ...options, result: { copy: true } });
        } catch (error) {
          finish(classify(error));
          return;
        }
        if (text !== undefined || settledNow) finish(interpretResult(text, limits));
      };
      settled.then(
        () => take(true),
        (error: unknown) => finish(classifyIsolateError(error, this.isolate.isDisposed)),
      );
      // A plugin that awaited no capability has finished by now (the call ran the isolate's
      // microtasks): answer in this turn, before the stream's bookkeeping and a promise hop.
      take(false);
      if (!invocation.done) armWatchdogs();
    } catch (error) {
      finish(classify(error));
    }
  }

  /**
   * Releases the spent contexts and prepares the next one: about a millisecond of CPU (V8
   * deserializes a whole native context), so it runs when the host says it has read the answer
   * (see PrepareMessage). A run that finds none prepared prepares its own.
   */
  prepareNext(): void {
    if (this.isolate.isDisposed) return;
    for (const spent of this.spent.splice(0)) {
      spent.invoke.release();
      spent.deliver.release();
      spent.take.release();
      spent.context.release();
    }
    if (!this.prepared && !this.current) this.prepared = this.prepare();
  }

  /** Hands the host's answer to a ctx.fetch back into the isolate, under the remaining time. */
  deliver(reply: FetchReplyMessage): void {
    const current = this.current;
    if (!current || current.invocation.id !== reply.id || current.invocation.done) return;
    const { invocation, prepared, finish } = current;
    prepared.deliver
      .apply(undefined, [reply.callId, reply.ok, reply.body], { timeout: invocation.remainingMs() })
      .catch((error: unknown) => finish(classifyIsolateError(error, this.isolate.isDisposed)));
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  private script(message: RunMessage): IsolatedVM.Script {
    const cached = this.scripts.get(message.digest);
    if (cached) return cached;
    const script = this.isolate.compileScriptSync(
      `(function (module, exports) {\n${message.code ?? ''}\n})`,
      {
        filename: `plugin:${message.pluginId}`,
        lineOffset: -1,
      },
    );
    if (this.scripts.size >= SCRIPT_CACHE_SIZE) {
      const oldest = this.scripts.keys().next().value;
      if (oldest !== undefined) this.scripts.get(oldest)?.release();
      if (oldest !== undefined) this.scripts.delete(oldest);
    }
    this.scripts.set(message.digest, script);
    return script;
  }

  private prepare(): PreparedContext {
    const context = this.isolate.createContextSync();
    const slot: PreparedContext['slot'] = {};
    const log = new this.ivm.Callback((level: unknown, text: unknown) =>
      slot.invocation?.addLog(level, text),
    );
    const fetch = new this.ivm.Callback(
      (callId: unknown, request: unknown) => {
        const invocation = slot.invocation;
        if (!invocation || invocation.done || typeof callId !== 'number' || typeof request !== 'string')
          return;
        this.sendFetch({ t: 'fetch', id: invocation.id, callId, request });
      },
      { ignored: true },
    );
    const setup = this.bootstrap.runSync(context, { reference: true }) as IsolatedVM.Reference;
    const api = setup.applySync(undefined, [log, fetch], {
      result: { reference: true },
    }) as IsolatedVM.Reference;
    const invoke = api.getSync('invoke', { reference: true }) as IsolatedVM.Reference;
    const deliver = api.getSync('deliver', { reference: true }) as IsolatedVM.Reference;
    const take = api.getSync('take', { reference: true }) as IsolatedVM.Reference;
    setup.release();
    api.release();
    // Our own code only, so no isolated-vm timeout (each one costs its timer thread a wake-up).
    const warmup = this.warmup.runSync(context, { reference: true }) as IsolatedVM.Reference;
    void invoke.applySync(undefined, [warmup.derefInto({ release: true }), '{"n":1}', '{"c":2}', 64, 0, 0], {
      result: { promise: true },
    });
    const warmed: unknown = take.applySync(undefined, [], { result: { copy: true } });
    if (warmed !== WARMUP_RESULT)
      throw new Error(`the sandbox bootstrap answered ${String(warmed)} to its warm-up`);
    return { context, invoke, deliver, take, slot };
  }
}
