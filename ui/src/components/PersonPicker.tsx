// Choosing someone from the journal's people by typing part of their name
// (or, in discreet mode, their initials, which is all it shows). The last
// entry of the list adds someone new, with what was typed as their name.
import type { PersonId } from "../bindings/PersonId";
import { PickField, type FormModel, type PickOption } from "../forms";
import { discreet, initials, nameOf, people, personName } from "../people";

interface PersonPickerProps<F extends string> {
  form: FormModel<F>;
  name: F;
  id: string;
  label: string;
  hint?: string | undefined;
  needed?: boolean;
  /** Leaves to add someone new, starting with what was typed; not offered when absent. */
  onAddNew?: ((typed: string) => void) | undefined;
}

/** Folds case and dots away, so "rm", "R.M." and "r.m" all find R.M. */
function folded(text: string): string {
  return text.toLowerCase().replace(/[.\s]+/g, " ").trim();
}

/** The journal's people matching `typed` (by name or initials), those whose name starts with it first, then A to Z. */
export function findPeople(typed: string): PickOption[] {
  const query = folded(typed);
  const compact = query.replace(/ /g, "");
  const found: { option: PickOption; starts: boolean }[] = [];
  for (const [id, record] of people.value) {
    const alias = record.fields["alias"];
    if (typeof alias !== "string") continue;
    const name = folded(alias);
    const letters = folded(initials(alias)).replace(/ /g, "");
    const matches = query === "" || name.includes(query) || (compact !== "" && letters.startsWith(compact));
    if (!matches) continue;
    found.push({ option: { value: id, label: nameOf(alias) }, starts: query !== "" && (name.startsWith(query) || letters.startsWith(compact)) });
  }
  found.sort((a, b) => Number(b.starts) - Number(a.starts) || a.option.label.localeCompare(b.option.label, "en-GB", { sensitivity: "base" }));
  return found.map((f) => f.option);
}

export function PersonPicker<F extends string>(props: PersonPickerProps<F>) {
  const { onAddNew } = props;
  const nobody = people.value.size === 0;
  const hint = nobody && onAddNew !== undefined ? `${props.hint ?? ""} There is no one in your journal yet: choose “Add someone new” to start.`.trim() : props.hint;
  return (
    <PickField
      form={props.form}
      name={props.name}
      id={props.id}
      label={props.label}
      hint={hint}
      needed={props.needed ?? false}
      find={findPeople}
      nameOf={(id) => personName(id as PersonId)}
      listLabel="People in your journal"
      noMatch={(typed) => (typed === "" ? "There is no one in your journal yet." : `No one in your journal is called “${typed}”.`)}
      addNew={
        onAddNew === undefined
          ? undefined
          : {
              // In discreet mode what was typed is not repeated on screen.
              label: (typed) => (typed === "" || discreet.value ? "Add someone new…" : `Add “${typed}” as someone new…`),
              choose: onAddNew,
            }
      }
    />
  );
}
