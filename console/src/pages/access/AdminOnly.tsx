import type { ReactNode } from "react";
import { useSession } from "../../auth/use-session.ts";

/** Pages only the instance administrator may use: others are told so instead of meeting the API's refusal. */
export function AdminOnly({ what, children }: { what: string; children: ReactNode }) {
  const { me } = useSession();
  if (me?.administrator) return <>{children}</>;
  return (
    <>
      <h1>{what}</h1>
      <p>Only the instance administrator manages {what.toLowerCase()}. Your token can see what its vault roles allow.</p>
    </>
  );
}
