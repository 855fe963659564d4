import { randomUUID } from "node:crypto";
import type { ConnectorLogger } from "@uko/connector-sdk";
import pg from "pg";

/** The one channel every replica listens on; the event's topic travels in the payload. */
export const EVENTS_CHANNEL = "uko_events";

interface Envelope {
  /** The replica that published it: it already delivered the event to its own subscribers. */
  origin: string;
  topic: string;
  detail: unknown;
}

/**
 * The gateway's event bus across replicas, on PostgreSQL's LISTEN/NOTIFY: no new moving part, the
 * database the replicas already share carries the events. An EventTarget for graphql-yoga's
 * `createPubSub`: an event is delivered to this replica's subscribers at once (as with one
 * process) and sent with `pg_notify` to the others, whose listener delivers it to theirs.
 *
 * The listener holds one dedicated connection. When it drops (the database restarted, a failover,
 * a network cut) it reconnects by itself, waiting longer after each failure (capped); events sent
 * while it was away are lost, which subscribers tolerate: each event says what changed, not the
 * whole state, and the next change or round announces again. `listening` says whether it is up
 * (readiness reports it).
 */
export class PgEventTarget extends EventTarget {
  readonly origin = randomUUID();
  private listener: pg.Client | undefined;
  private readonly publisher: pg.Pool;
  private closed = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  private up = false;
  private firstConnect: Promise<void>;

  constructor(
    private readonly connectionString: string,
    private readonly logger: ConnectorLogger,
  ) {
    super();
    // A small pool of its own: a NOTIFY never waits behind the application's queries.
    this.publisher = new pg.Pool({ connectionString, max: 2, application_name: `uko-events-publish-${this.origin}` });
    this.publisher.on("error", (error) => this.logger.warn("event publisher connection failed", { error }));
    this.firstConnect = this.connect();
  }

  /** Resolves once the listener is up for the first time (or failed, and retries in the background). */
  ready(): Promise<void> {
    return this.firstConnect;
  }

  get listening(): boolean {
    return this.up;
  }

  /** Delivered here at once, and to every other replica through the database. */
  override dispatchEvent(event: Event): boolean {
    const delivered = super.dispatchEvent(event);
    if (this.closed) return delivered;
    const envelope: Envelope = { origin: this.origin, topic: event.type, detail: (event as CustomEvent).detail };
    this.publisher.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, JSON.stringify(envelope)]).catch((error: unknown) => {
      this.logger.warn("an event could not be sent to the other replicas", { topic: event.type, error });
    });
    return delivered;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.listener?.end().catch(() => undefined);
    await this.publisher.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: `uko-events-listen-${this.origin}` });
    client.on("notification", (message) => this.received(message.payload));
    client.on("error", (error) => this.dropped(client, error));
    client.on("end", () => this.dropped(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.dropped(client, error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.up = true;
    this.retryMs = 100;
    this.logger.info("listening for other replicas' events", { channel: EVENTS_CHANNEL });
  }

  private dropped(client: pg.Client, error: unknown): void {
    // One report per connection: `error` and `end` both come when a connection dies.
    if ((client as pg.Client & { uko_dropped?: boolean }).uko_dropped) return;
    (client as pg.Client & { uko_dropped?: boolean }).uko_dropped = true;
    if (this.listener === client) this.listener = undefined;
    this.up = false;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn("the connection that receives other replicas' events dropped; reconnecting", { error, retryInMs: this.retryMs });
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 5_000);
  }

  private received(payload: string | undefined): void {
    if (!payload) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === this.origin || typeof envelope.topic !== "string") return;
    super.dispatchEvent(new CustomEvent(envelope.topic, { detail: envelope.detail }));
  }
}
