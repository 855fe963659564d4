import { useCan } from "../auth/use-can.ts";
import { ActionLink } from "../components/ActionButton.tsx";

/** A fresh installation's first step, on the keystores list and the start page alike. */
export function FirstKeystore() {
  const { why } = useCan();
  return (
    <div className="empty">
      <h2>No keystore yet</h2>
      <p>
        A keystore is a connection to a key store you already have, such as one region of an AWS account. Choose <strong>Add keystore</strong> to connect
        the first one: you pick a vault, the keystore type, enter its connection properties and can test them before connecting.
      </p>
      <ActionLink kind="primary" to="/keystores/new" refused={why("keystores.write")}>
        Add your first keystore
      </ActionLink>
    </div>
  );
}
