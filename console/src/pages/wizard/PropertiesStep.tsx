import { useMemo, useState } from "react";
import { fieldsFor, type FormValue } from "../../forms/descriptors.ts";
import { validateGeneral, validatePropertyForm, type FieldErrors } from "../../forms/validate.ts";
import { PropertyForm } from "../../components/PropertyForm.tsx";
import { TextField } from "../../components/TextField.tsx";
import { FORM } from "../../forms/issues.ts";
import { useKeystoreNameTaken } from "../keystore/use-name-taken.ts";
import type { StepProps } from "./Wizard.tsx";

/**
 * Step 3: the keystore's name and groups, and its connection properties, rendered from the type's
 * descriptors. A field is checked when the person leaves it and all of them on Next, by the same
 * rules the API applies; messages from a refused Connect show at their field until it is edited.
 */
export function PropertiesStep({ state, update, registerCheck }: StepProps) {
  const type = state.type!;
  const fields = useMemo(() => fieldsFor(type, "connect"), [type]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const name = useKeystoreNameTaken(state.vault, state.general.name);

  const errors: FieldErrors = { ...validateGeneral(state.general), ...validatePropertyForm(type, state.values) };
  // A name taken in the vault is said at the field as soon as it is typed, not after Connect.
  if (!errors.name && name.taken) errors.name = name.taken;
  const shown: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) if (showAll || touched.has(k)) shown[k] = v;
  for (const [k, v] of Object.entries(state.serverErrors)) shown[k] ??= v;
  // Said while typing, before the field is left: it is a fact about the vault, not a typo.
  if (name.taken) shown.name ??= name.taken;

  // Synchronous on purpose: a name lookup still under way does not hold Next (Connect reports a taken name at the field too).
  registerCheck(() => {
    setShowAll(true);
    if (Object.keys(errors).length > 0) {
      // Put the person on the first field that needs them.
      const first = Object.keys(errors)[0];
      queueMicrotask(() => document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus());
      return false;
    }
    return true;
  });

  const forget = (name: string) => {
    if (!(name in state.serverErrors)) return;
    const { [name]: _gone, ...rest } = state.serverErrors;
    update({ serverErrors: rest });
  };
  /**
   * A changed connection property makes every earlier verdict on the old values stale: the test
   * result, the message at the top (e.g. "already connected") and the marks it put on the
   * identifying properties all go.
   */
  const identifying = new Set(type.properties.filter((d) => d.identifying).map((d) => d.name));
  const setProperty = (name: string, value: FormValue) => {
    const kept = Object.fromEntries(Object.entries(state.serverErrors).filter(([k]) => k !== name && k !== FORM && !identifying.has(k)));
    update({ values: { ...state.values, [name]: value }, test: undefined, serverErrors: kept });
  };
  const setGeneral = (name: keyof typeof state.general) => (value: string) => {
    forget(name);
    update({ general: { ...state.general, [name]: value } });
  };
  const blur = (name: string) => setTouched((t) => new Set(t).add(name));

  return (
    <form className="properties-step" noValidate onSubmit={(e) => e.preventDefault()}>
      <div>
        <fieldset>
          <legend>Keystore</legend>
          <TextField
            label="Name"
            name="name"
            required
            value={state.general.name}
            onValue={setGeneral("name")}
            onBlur={() => blur("name")}
            error={shown.name}
            help="Unique in the vault. 1 to 100 characters; starts with a letter or digit, then letters, digits, spaces, . - _"
          />
          <TextField label="Description" name="description" value={state.general.description} onValue={setGeneral("description")} onBlur={() => blur("description")} error={shown.description} help="Up to 200 characters." />
          <TextField
            label="Groups"
            name="groups"
            value={state.general.groups}
            onValue={setGeneral("groups")}
            onBlur={() => blur("groups")}
            error={shown.groups}
            help="Comma-separated, e.g. prod, eu. Key templates target a keystore type plus a group."
          />
        </fieldset>
        {/* The whole description (the card showed its first sentence), beside the form it explains. */}
        <section className="type-about" aria-labelledby="type-about-title">
          <h3 id="type-about-title">{type.displayName}</h3>
          <p>{type.description}</p>
        </section>
      </div>
      <PropertyForm
        fields={fields}
        values={state.values}
        errors={shown}
        onBlur={blur}
        onValue={setProperty}
      />
    </form>
  );
}
