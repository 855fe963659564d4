import referenceConnector from "@uko/connector-reference";
import type { ConnectorDefinition, KeyOperations } from "@uko/connector-sdk";

/**
 * The reference connector with its installs counted, and the next install after `holdNext` held
 * until the test releases it: a deterministic way to have work in flight while something else runs
 * (no sleeps).
 */
export interface Gate {
  installs: number;
  /** Hold the next install at the gate. */
  holdNext: boolean;
  /** Resolves when the held install has started. */
  entered: Promise<void>;
  /** Called by the held install: says it started, and waits for `release`. */
  hold: () => Promise<void>;
  release: () => void;
}

export function newGate(): Gate {
  let entered!: () => void;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  return {
    installs: 0,
    holdNext: false,
    entered: new Promise<void>((r) => (entered = r)),
    hold: () => {
      entered();
      return released;
    },
    release: () => release(),
  };
}

/** The reference connector whose installs go through `current()`'s gate. */
export function gated(current: () => Gate): ConnectorDefinition {
  return {
    ...referenceConnector,
    async connect(properties, host) {
      const session = await referenceConnector.connect(properties, host);
      const keys = session.keys!;
      const installKey: KeyOperations["installKey"] = async (request, h, resumeKeyId) => {
        const gate = current();
        gate.installs++;
        if (gate.holdNext) {
          gate.holdNext = false;
          await gate.hold();
        }
        return keys.installKey(request, h, resumeKeyId);
      };
      const wrapped = new Proxy(keys, {
        get(target, property, receiver) {
          if (property === "installKey") return installKey;
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      return { ...session, test: (h) => session.test(h), keys: wrapped };
    },
  };
}
