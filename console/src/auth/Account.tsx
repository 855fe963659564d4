import { Button } from "@carbon/react";
import { describeAccess, type Me } from "./me.ts";
import { endSession } from "./session.ts";

/** The header's "who am I": the token's name, its access, and Sign out (in the side navigation when narrow). */
export function Account({ me }: { me: Me }) {
  return (
    <div className="account" data-testid="account">
      <span className="account-who">
        <span className="cds--visually-hidden">Signed in as </span>
        <strong>{me.name}</strong> <span className="access">{describeAccess(me)}</span>
      </span>
      <Button kind="ghost" size="sm" onClick={() => endSession()}>
        Sign out
      </Button>
    </div>
  );
}
