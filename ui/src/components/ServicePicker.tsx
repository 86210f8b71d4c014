// Choosing a service from the directory by typing part of its name, what it
// helps with or where it is. The services on offer (the core leaves out
// those no longer taking referrals) are read from the journal the first
// time the field is used (or at once, when a service is already chosen),
// and searched as the person types. A service already chosen that is no
// longer taking referrals (a signpost from before it closed) keeps its
// name, and says so.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import type { RecordId } from "../bindings/RecordId";
import { sentence } from "../errors";
import { toUiError } from "../errors";
import { PickField, type FormModel, type PickOption } from "../forms";
import { isRetired, text } from "../kinds";
import { refreshServiceNames, retiredServices, serviceNames } from "./RecordSummary";

interface ServicePickerProps<F extends string> {
  form: FormModel<F>;
  name: F;
  id: string;
  label: string;
  hint?: string | undefined;
  needed?: boolean;
  /** Leaves to add a service to the directory, named as typed; not offered when absent. */
  onAddNew?: ((typed: string) => void) | undefined;
}

const PAGE = 200;

/** Every service on offer for a new signpost, read a page at a time. */
export async function readDirectory(): Promise<JournalRecord[]> {
  const all: JournalRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.offeredServices({ limit: PAGE, offset });
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

/** A service as the list shows it: its name, and what it helps with and where. */
export function serviceOption(record: JournalRecord): PickOption {
  const detail = [text(record, "category"), text(record, "area")].filter((part) => part !== "").join(" · ");
  return { value: record.id, label: text(record, "name") || "A service with no name", detail };
}

/** The services matching every word typed, in name, category or area; those whose name starts with it first. */
export function findServices(directory: readonly JournalRecord[], typed: string): PickOption[] {
  const words = typed.toLowerCase().split(/\s+/).filter((w) => w !== "");
  const found = directory
    .map((record) => ({ record, haystack: `${text(record, "name")} ${text(record, "category")} ${text(record, "area")}`.toLowerCase() }))
    .filter(({ haystack }) => words.every((w) => haystack.includes(w)))
    .map(({ record }) => serviceOption(record));
  const first = words.join(" ");
  found.sort(
    (a, b) =>
      Number(b.label.toLowerCase().startsWith(first)) - Number(a.label.toLowerCase().startsWith(first)) ||
      a.label.localeCompare(b.label, "en-GB", { sensitivity: "base" }),
  );
  return found;
}

/**
 * The names of the services no longer taking referrals whose name has every
 * word typed, as far as is known here: what a person looking for one of
 * them is told, rather than only that nothing matches.
 */
export function retiredMatching(typed: string): string[] {
  const words = typed.toLowerCase().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return [];
  return [...retiredServices.value]
    .map((id) => serviceNames.value.get(id) ?? "")
    .filter((name) => name !== "" && words.every((w) => name.toLowerCase().includes(w)))
    .sort((a, b) => a.localeCompare(b, "en-GB", { sensitivity: "base" }));
}

/** Said in the list when what is typed matches only services no longer taking referrals. */
export function retiredWords(names: readonly string[]): string {
  const [first, ...rest] = names;
  if (first === undefined) return "";
  if (rest.length === 0) return `${first} is no longer taking referrals, so it isn’t offered here.`;
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} are no longer taking referrals, so they aren’t offered here.`;
}

/** Said under the field when the service chosen is no longer taking referrals. */
export const RETIRED_CHOSEN =
  "This service is no longer taking referrals. A signpost that already names it keeps it; for a new one, please choose another service.";

export function ServicePicker<F extends string>(props: ServicePickerProps<F>) {
  /** The directory on offer once read; null until then. */
  const directory = useSignal<readonly JournalRecord[] | null>(null);
  /** The service chosen when the form opened (one no longer on offer has its name from here). */
  const chosen = useSignal<JournalRecord | null>(null);
  const loading = useSignal(false);
  const loadError = useSignal("");
  const { onAddNew } = props;

  function load(): void {
    if (directory.peek() !== null || loading.peek()) return;
    loading.value = true;
    // The names of those no longer on offer, to say so of one looked for.
    void refreshServiceNames();
    readDirectory().then(
      (found) => {
        directory.value = found;
        loading.value = false;
        loadError.value = "";
      },
      (reason: unknown) => {
        loading.value = false;
        loadError.value = `The directory could not be read just now. ${sentence(toUiError(reason).message)}`;
      },
    );
  }

  // A service already chosen needs its name at once, even one no longer on offer.
  useEffect(() => {
    const id = props.form.values[props.name].peek();
    if (id === "") return;
    load();
    api.getRecord(id as RecordId).then(
      (record) => {
        if (record.kind === "service") chosen.value = record;
      },
      () => undefined,
    );
  }, []);

  const services = directory.value ?? [];
  const value = props.form.values[props.name].value;
  const kept = chosen.value !== null && chosen.value.id === value ? chosen.value : null;
  return (
    <PickField
      form={props.form}
      name={props.name}
      id={props.id}
      label={props.label}
      hint={props.hint}
      needed={props.needed ?? false}
      find={(typed) => findServices(services, typed)}
      nameOf={(id) => {
        // Read from the signals, so the name shows once the directory (or the chosen one) has arrived.
        const record = (directory.value ?? []).find((r) => r.id === id) ?? (chosen.value?.id === id ? chosen.value : undefined);
        return record === undefined ? "" : serviceOption(record).label;
      }}
      listLabel="Services in your directory"
      noMatch={(typed) =>
        loading.value
          ? "Reading the directory…"
          : directory.value === null
            ? "The directory could not be read."
            : retiredMatching(typed).length > 0
              ? retiredWords(retiredMatching(typed))
              : directory.value.length === 0
                ? "There are no services in your directory yet."
                : `No service in your directory matches “${typed}”.`
      }
      onWanted={load}
      loadError={loadError.value}
      addNew={onAddNew === undefined ? undefined : { label: (typed) => (typed === "" ? "Add a service to the directory…" : `Add “${typed}” to the directory…`), choose: onAddNew }}
      limit={12}
    >
      {kept !== null && isRetired(kept) ? (
        <p id={`${props.id}-retired`} class="field-note" role="status">
          {RETIRED_CHOSEN}
        </p>
      ) : null}
    </PickField>
  );
}
