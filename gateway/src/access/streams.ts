import { GraphQLError } from "graphql";
import type { Db } from "../db/client.js";
import type { EventBus } from "../events.js";
import type { Actor } from "./actor.js";
import { reauthenticate } from "./tokens.js";

/** Why a stream's actor may no longer have it: null while it may. */
export type StreamCheck = (current: Actor) => Promise<GraphQLError | null>;

/** setTimeout's longest delay; a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Open subscription streams, per access token. A stream outlives the request that authenticated
 * it, so its access is decided again: before each event it delivers (the token as it stands now:
 * revoked, expired, roles taken), at once when the token's access changes (`access:changed` on the
 * event bus: a revocation, a role granted or taken; a bus shared across replicas later brings
 * other replicas' changes the same way), and when the token expires. A stream that may no longer
 * run ends with the error that says why. Each token may hold `maxPerToken` streams open.
 */
export class StreamRegistry {
  private readonly byToken = new Map<string, Set<Stream<unknown>>>();
  private readonly listening: AsyncIterator<unknown> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxPerToken: number,
    events?: EventBus,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {
    if (events) {
      const changes = events.subscribe("access:changed");
      this.listening = changes[Symbol.asyncIterator]();
      void (async () => {
        for await (const { tokenId } of changes) this.accessChanged(tokenId);
      })();
    }
  }

  /** How many streams a token holds open. */
  openFor(tokenId: string): number {
    return this.byToken.get(tokenId)?.size ?? 0;
  }

  /**
   * Opens a stream for `actor` from the source `subscribe` returns, checked with `check` whenever
   * its access is decided again. Refused with TOO_MANY_STREAMS when the token holds its maximum.
   */
  async open<T>(actor: Actor, subscribe: () => Promise<AsyncIterable<T>> | AsyncIterable<T>, check: StreamCheck): Promise<AsyncIterableIterator<T>> {
    const open = this.byToken.get(actor.tokenId) ?? new Set();
    if (open.size >= this.maxPerToken) {
      throw new GraphQLError(`This access token already has ${open.size} subscriptions open, the most it may; close one first`, {
        extensions: { code: "TOO_MANY_STREAMS", limit: this.maxPerToken },
      });
    }
    const stream: Stream<T> = new Stream<T>(
      actor,
      () => this.recheck(stream as Stream<unknown>, check),
      () => this.release(stream as Stream<unknown>),
    );
    open.add(stream as Stream<unknown>);
    this.byToken.set(actor.tokenId, open);
    try {
      stream.attach((await subscribe())[Symbol.asyncIterator]());
    } catch (error) {
      await stream.return();
      throw error;
    }
    this.armExpiry(stream as Stream<unknown>, actor.expiresAt, check);
    return stream;
  }

  /** A token's access changed: each of its streams decides again, now. */
  accessChanged(tokenId: string): void {
    for (const stream of this.byToken.get(tokenId) ?? []) void stream.recheck();
  }

  /**
   * Ends every stream (the gateway is closing); with `reason`, each subscriber is told why before
   * its stream completes (a shutdown: subscribe again, another replica serves it).
   */
  async close(reason?: GraphQLError): Promise<void> {
    await this.listening?.return?.();
    await Promise.all([...this.byToken.values()].flatMap((set) => [...set].map((s) => (reason ? s.end(reason) : s.return()))));
  }

  private async recheck(stream: Stream<unknown>, check: StreamCheck): Promise<GraphQLError | null> {
    const current = await reauthenticate(this.db, stream.actor.tokenId, this.clock.now());
    if ("failure" in current) {
      return new GraphQLError("The access token is no longer valid (revoked or expired); the subscription has ended", { extensions: { code: "UNAUTHENTICATED" } });
    }
    return check(current.actor);
  }

  private armExpiry(stream: Stream<unknown>, expiresAt: Date | null, check: StreamCheck): void {
    if (!expiresAt) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt.getTime() - this.clock.now().getTime()) + 5);
    stream.timer = setTimeout(() => {
      void stream.recheck().then((ended) => !ended && this.armExpiry(stream, expiresAt, check));
    }, wait);
    stream.timer.unref();
  }

  private release(stream: Stream<unknown>): void {
    clearTimeout(stream.timer);
    const set = this.byToken.get(stream.actor.tokenId);
    set?.delete(stream);
    if (set?.size === 0) this.byToken.delete(stream.actor.tokenId);
  }
}

/**
 * One subscription's events, passed through while its actor may have them. Written out rather than
 * as an async generator: a generator cannot be stopped while it waits for the next event, and a
 * revocation must end a stream that is waiting.
 */
class Stream<T> implements AsyncIterableIterator<T> {
  timer: NodeJS.Timeout | undefined;
  private source: AsyncIterator<T> | undefined;
  private done = false;
  /** Why the stream ended, delivered once to the subscriber. */
  private failure: GraphQLError | undefined;
  private stop!: (value: IteratorResult<T>) => void;
  private readonly stopped = new Promise<IteratorResult<T>>((resolve) => (this.stop = resolve));

  constructor(
    readonly actor: Actor,
    private readonly decide: () => Promise<GraphQLError | null>,
    private readonly onEnd: () => void,
  ) {}

  attach(source: AsyncIterator<T>): void {
    this.source = source;
  }

  /** Ends the stream, telling the subscriber why. */
  async end(reason: GraphQLError): Promise<void> {
    if (this.done) return;
    this.failure ??= reason;
    await this.return();
  }

  /** Decides again; ends the stream when its actor may no longer have it. True when it ended. */
  async recheck(): Promise<boolean> {
    if (this.done) return true;
    const error = await this.decide().catch(() => new GraphQLError("The subscription's access could not be checked; it has ended", { extensions: { code: "UNAUTHENTICATED" } }));
    if (!error) return false;
    this.failure ??= error;
    await this.return();
    return true;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.done) return this.fail();
    const result = await Promise.race([this.source!.next(), this.stopped]);
    if (result.done || this.done) {
      await this.return();
      return this.fail();
    }
    // Each event is delivered only to an actor who may still have it.
    if (await this.recheck()) return this.fail();
    return result;
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.onEnd();
      this.stop({ done: true, value: undefined });
      await this.source?.return?.();
    }
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** The reason the stream ended, once; then plain completion. */
  private fail(): IteratorResult<T> {
    const failure = this.failure;
    if (failure) {
      this.failure = undefined;
      throw failure;
    }
    return { done: true, value: undefined };
  }
}
