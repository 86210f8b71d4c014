// Choosing a service from the directory by typing part of its name, what it
// helps with or where it is. The directory is read from the journal the
// first time the field is used (or at once, when a service is already
// chosen), and searched as the person types.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import type { JournalRecord } from "../bindings/JournalRecord";
import { sentence } from "../errors";
import { toUiError } from "../errors";
import { PickField, type FormModel, type PickOption } from "../forms";
import { text } from "../kinds";

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

/** Every service in the directory, read a page at a time. */
export async function readDirectory(): Promise<JournalRecord[]> {
  const all: JournalRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.listRecords("service", null, { limit: PAGE, offset });
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

export function ServicePicker<F extends string>(props: ServicePickerProps<F>) {
  /** The directory once read; null until then. */
  const directory = useSignal<readonly JournalRecord[] | null>(null);
  const loading = useSignal(false);
  const loadError = useSignal("");
  const { onAddNew } = props;

  function load(): void {
    if (directory.peek() !== null || loading.peek()) return;
    loading.value = true;
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

  // A service already chosen needs its name at once.
  useEffect(() => {
    if (props.form.values[props.name].peek() !== "") load();
  }, []);

  const services = directory.value ?? [];
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
        // Read from the signal, so the name shows once the directory has arrived.
        const record = (directory.value ?? []).find((r) => r.id === id);
        return record === undefined ? "" : serviceOption(record).label;
      }}
      listLabel="Services in your directory"
      noMatch={(typed) =>
        loading.value
          ? "Reading the directory…"
          : directory.value === null
            ? "The directory could not be read."
            : directory.value.length === 0
              ? "There are no services in your directory yet."
              : `No service in your directory matches “${typed}”.`
      }
      onWanted={load}
      loadError={loadError.value}
      addNew={onAddNew === undefined ? undefined : { label: (typed) => (typed === "" ? "Add a service to the directory…" : `Add “${typed}” to the directory…`), choose: onAddNew }}
      limit={12}
    />
  );
}
