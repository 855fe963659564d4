import { useCallback, useEffect, useState } from "react";
import { gql } from "../../api/client.ts";
import { KEYSTORE_NAMES } from "../../api/documents.ts";

/** How long typing must pause before the name is looked up. */
const LOOKUP_DELAY_MS = 300;

/**
 * Names are unique per vault (the API refuses a taken one with DuplicateNameError): this looks the
 * name up in the vault while it is typed, so the field says so before the last click. `self` is
 * the keystore being edited (its own name is not taken). `check` looks it up now, for a Next or
 * Save that must not rely on a lookup still waiting.
 */
export function useKeystoreNameTaken(vault: { id: string; name: string } | undefined, name: string, self?: string) {
  // The message with the name it is about: a message for a name since changed is not shown.
  const [taken, setTaken] = useState<{ name: string; message?: string }>();
  const lookup = useCallback(async (): Promise<string | undefined> => {
    const wanted = name.trim();
    if (!vault || !wanted) return undefined;
    try {
      const r = await gql<{ keystores: { nodes: { id: string; name: string }[] } }>(KEYSTORE_NAMES, { vaultId: vault.id, namePrefix: wanted });
      const same = r.keystores.nodes.some((k) => k.name === wanted && k.id !== self);
      return same ? `A keystore named "${wanted}" is already in vault ${vault.name}: choose another name` : undefined;
    } catch {
      // The lookup is a convenience: the API still refuses a taken name on save.
      return undefined;
    }
  }, [vault?.id, vault?.name, name, self]);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => void lookup().then((message) => current && setTaken({ name, message })), LOOKUP_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [lookup]);

  const check = useCallback(async () => {
    // Looked up already for this very name (typing paused): no second round trip.
    if (taken?.name === name) return taken.message;
    const message = await lookup();
    setTaken({ name, message });
    return message;
  }, [lookup, name, taken]);
  return { taken: taken?.name === name ? taken.message : undefined, check };
}
