import { describeAccess, type Me } from "./me.ts";
import { endSession } from "./session.ts";

/** The header's "who am I": the token's name, its access, and Sign out. */
export function Account({ me }: { me: Me }) {
  return (
    <div className="account" data-testid="account">
      <span>
        <span className="visually-hidden">Signed in as </span>
        <strong>{me.name}</strong> <span className="access">{describeAccess(me)}</span>
      </span>
      <button type="button" onClick={() => endSession()}>
        Sign out
      </button>
    </div>
  );
}
