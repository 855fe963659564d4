import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";

export interface ComboboxOption {
  value: string;
  label: string;
}

/**
 * A choice from a list that can be long (vaults, templates, keystore types, token names), where a
 * native <select> makes people scroll: the ARIA 1.2 combobox pattern (an editable input with list
 * autocomplete, a listbox popup). Typing filters the options; Down/Up move through them, Enter
 * picks, Escape closes (a second Escape restores the chosen option's text); leaving the field puts
 * back the chosen option's label, so what is shown is always what is chosen. The label comes from
 * outside (`<label htmlFor={id}>`), as for an input.
 */
export function Combobox(props: {
  id: string;
  /** The form field's name, as on an input. */
  name?: string;
  options: ComboboxOption[];
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  required?: boolean;
  /** Called after the field has settled on leaving it (e.g. to mark it touched for validation). */
  onBlur?(): void;
}) {
  const { id, options, value, onChange } = props;
  const listId = `${useId()}-listbox`;
  const chosen = options.find((o) => o.value === value);
  const [open, setOpen] = useState(false);
  // What the person typed since the list opened; undefined shows the chosen option's label.
  const [query, setQuery] = useState<string | undefined>(undefined);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);

  const shown = useMemo(() => {
    const q = query?.trim().toLowerCase();
    return q ? options.filter((o) => o.label.toLowerCase().includes(q)) : options;
  }, [options, query]);

  const optionId = (i: number) => `${listId}-${i}`;
  const openAt = (index: number) => {
    setOpen(true);
    setActive(index);
    // Keep the active option visible in a long list.
    requestAnimationFrame(() => document.getElementById(optionId(index))?.scrollIntoView({ block: "nearest" }));
  };
  const close = () => {
    setOpen(false);
    setActive(-1);
  };
  const pick = (option: ComboboxOption) => {
    onChange(option.value);
    setQuery(undefined);
    close();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const last = shown.length - 1;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (last < 0 || event.altKey) return setOpen(true);
        // Opening starts at the chosen option; open, Down moves on and wraps to the first.
        if (!open) openAt(Math.max(0, shown.findIndex((o) => o.value === value)));
        else openAt(active >= last ? 0 : active + 1);
        return;
      case "ArrowUp":
        event.preventDefault();
        if (last < 0) return setOpen(true);
        openAt(!open || active <= 0 ? last : active - 1);
        return;
      case "Enter":
        // Enter picks while the list is open; closed, it submits the form as in any field.
        if (open) {
          event.preventDefault();
          const option = shown[active] ?? (shown.length === 1 ? shown[0] : undefined);
          if (option) pick(option);
          else close();
        }
        return;
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        } else if (query !== undefined) {
          event.preventDefault();
          setQuery(undefined);
        }
        return;
      case "Tab":
        close();
        return;
    }
  };

  const onBlur = () => {
    // Typed text that names exactly one option chooses it; anything else falls back to the chosen one.
    if (query !== undefined) {
      const exact = options.find((o) => o.label.toLowerCase() === query.trim().toLowerCase());
      if (exact && exact.value !== value) onChange(exact.value);
    }
    setQuery(undefined);
    close();
    props.onBlur?.();
  };

  return (
    <div className="combobox">
      <input
        ref={input}
        id={id}
        name={props.name}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        aria-invalid={props.invalid ? true : undefined}
        aria-describedby={props.describedBy}
        aria-required={props.required ? true : undefined}
        placeholder={props.placeholder}
        value={query ?? chosen?.label ?? ""}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        // Typing replaces the shown choice rather than appending to it.
        onFocus={(e) => e.target.select()}
        onClick={() => (open ? close() : setOpen(true))}
        onKeyDown={onKeyDown}
        onBlur={onBlur}
      />
      {/* The list's own name never contains the field's label: people and tests find the field by it. */}
      <ul id={listId} role="listbox" aria-label="Suggestions" className="combobox-list" hidden={!open}>
        {shown.map((o, i) => (
          <li
            key={o.value}
            id={optionId(i)}
            role="option"
            aria-selected={o.value === value}
            className={i === active ? "active" : undefined}
            // Keep the focus in the input (a blur would close the list before the click lands).
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(o)}
          >
            {o.label}
          </li>
        ))}
      </ul>
      {open && shown.length === 0 && <p className="combobox-none">Nothing matches “{query}”</p>}
    </div>
  );
}
