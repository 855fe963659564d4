import { abortableSleep, ConnectorError, type ConnectorHost } from "@uko/connector-sdk";

/**
 * Polls `read` until `done` says so, with growing pauses, never past the operation's deadline:
 * Cloud KMS finishes import jobs (key generation) and imports after answering the call.
 */
export async function pollUntil<T>(what: string, host: ConnectorHost, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let pause = 100;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    const left = host.deadline.getTime() - host.clock.now().getTime();
    if (host.signal.aborted || left <= pause) {
      throw new ConnectorError("UNREACHABLE", `Cloud KMS did not finish ${what} before the operation's deadline; it continues in Google and the next attempt picks it up`);
    }
    await abortableSleep(pause, host.signal);
    pause = Math.min(pause * 2, 1_000);
  }
}
