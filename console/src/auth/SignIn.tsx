import { Button, Form, PasswordInput, Stack, Tile } from "@carbon/react";
import { useEffect, useRef, useState } from "react";
import { carbonMessages, FieldBox } from "../components/TextField.tsx";
import { ApiError, gql } from "../api/client.ts";
import { Alert } from "../components/Feedback.tsx";
import { ME } from "../api/documents.ts";
import type { Me } from "./me.ts";
import { startSession } from "./session.ts";

/**
 * The sign-in page: an access token, checked with `me` before it is kept (in sessionStorage, for
 * this tab only). The page stays at the address asked for, so signing in lands there. Carbon's
 * Tile, TextInput and Button.
 */
export function SignIn({ endedBecause }: { endedBecause?: string }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async () => {
    const value = token.trim();
    if (!value) return fail("Enter your access token.");
    setBusy(true);
    try {
      const r = await gql<{ me: Me }>(ME, undefined, { token: value });
      startSession(value, r.me);
    } catch (e) {
      fail(e instanceof ApiError && e.code === "UNAUTHENTICATED" ? "This token was not accepted: it is unknown, revoked or expired." : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const fail = (message: string) => {
    setError(message);
    input.current?.focus();
  };

  return (
    <Tile className="sign-in">
      <Stack gap={5}>
        <h1>Sign in to the UKO console</h1>
        <Alert kind="info">{endedBecause}</Alert>
        <Form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FieldBox name="token" error={error}>
            <PasswordInput
              id="access-token"
              ref={input}
              labelText="Access token"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => {
                setToken(e.target.value);
                setError(undefined);
              }}
              {...carbonMessages(
                "access-token",
                <>
                  A token an administrator created for you (<code>uko_…</code>), or the gateway's administrator token. It is kept only while this tab is open.
                </>,
                error,
              )}
            />
          </FieldBox>
          <Button type="submit" kind="primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </Button>
        </Form>
      </Stack>
    </Tile>
  );
}
