import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { UiError } from "../src/bindings/UiError";
import { INTERNAL_MESSAGE } from "../src/errors";
import {
  ChoiceField,
  createForm,
  Form,
  FormProblem,
  SelectField,
  SubmitButton,
  TextField,
  type FormModel,
  type SubmitOptions,
} from "../src/forms";
import { $, click, deferred, expectCspClean, fieldError, input, settle, type } from "./helpers";

type Field = "name" | "colour" | "secret";

let root: HTMLElement | null = null;

afterEach(() => {
  if (root !== null) void act(() => render(null, root as HTMLElement));
  root = null;
  document.body.replaceChildren();
});

/** A form with one field of each sort, as a screen would write it. */
function show(options: Omit<SubmitOptions<Field>, "send"> & Partial<Pick<SubmitOptions<Field>, "send">> = {}): FormModel<Field> {
  const form = createForm<Field>("test", { name: "", colour: "green", secret: "" });
  const send = options.send ?? (() => undefined);
  root = document.createElement("div");
  document.body.replaceChildren(root);
  void act(() =>
    render(
      <Form
        form={form}
        label="A test form"
        {...options}
        send={send}
        actions={
          <SubmitButton form={form} id="test-submit" busyLabel="Saving…">
            Save
          </SubmitButton>
        }
      >
        <TextField form={form} name="name" id="test-name" label="Name" hint="A first name is fine." autocomplete="given-name" />
        <ChoiceField
          form={form}
          name="colour"
          idPrefix="test-colour"
          legend="Colour"
          choices={[
            { value: "green", label: "Green", explanation: "Like leaves." },
            { value: "blue", label: "Blue" },
          ]}
        />
        <TextField form={form} name="secret" id="test-secret" label="Secret" type="password" autocomplete="new-password" />
        <SelectField
          form={form}
          name="colour"
          id="test-colour-select"
          label="Colour again"
          after="as chosen"
          options={[
            { value: "green", label: "Green" },
            { value: "blue", label: "Blue" },
          ]}
        />
      </Form>,
      root as HTMLElement,
    ),
  );
  return form;
}

function fillAndSubmit(name = "Sam", secret = "lantern moss"): void {
  type("#test-name", name);
  type("#test-secret", secret);
  click("#test-submit");
}

const refusal = (kind: UiError["kind"], message: string): UiError => ({ kind, message });

describe("fields", () => {
  test("every control has a name and a hint it is described by, and nothing the CSP blocks", () => {
    show();
    expect($("label[for=test-name]").textContent).toBe("Name");
    expect(input("#test-name").getAttribute("aria-describedby")).toBe("test-name-hint");
    expect($("#test-name-hint").textContent).toBe("A first name is fine.");
    expect($("label[for=test-secret]").textContent).toBe("Secret");
    expect(input("#test-secret").type).toBe("password");
    expect(input("#test-secret").hasAttribute("aria-describedby")).toBe(false);
    expect($("fieldset").getAttribute("aria-labelledby")).toBe("test-colour-legend");
    expect($("label[for=test-colour-green]").textContent).toBe("Green");
    expect(input("#test-colour-green").getAttribute("aria-describedby")).toBe("test-colour-green-explanation");
    expect(input("#test-colour-blue").hasAttribute("aria-describedby")).toBe(false);
    expect(input("#test-colour-green").checked).toBe(true);
    expect($("label[for=test-colour-select]").textContent).toBe("Colour again");
    expect($("#test-colour-select").getAttribute("aria-describedby")).toBe("test-colour-select-hint");
    expect($("form").getAttribute("aria-label")).toBe("A test form");
    expect($("#test-error").getAttribute("role")).toBe("alert");
    expect($("#test-error").textContent).toBe("");
    expectCspClean();
  });

  test("what is typed and chosen is what is sent", () => {
    const send = vi.fn();
    show({ send });
    click("#test-colour-blue");
    fillAndSubmit("Robin", "copper kettle");
    expect(send).toHaveBeenCalledWith({ name: "Robin", colour: "blue", secret: "copper kettle" });
    expect(($("#test-colour-select") as HTMLSelectElement).value).toBe("blue");
  });

  test("inputs are emptied when the form leaves the page, so no secret outlives it", () => {
    show();
    const secret = type("#test-secret", "lantern moss");
    void act(() => render(null, root as HTMLElement));
    expect(secret.value).toBe("");
  });
});

describe("checking before sending", () => {
  test("each problem is said beside its field, and focus goes to the first in the page", () => {
    const send = vi.fn();
    show({
      send,
      // Out of order on purpose: the page's order decides.
      check: ({ name, secret }) => [
        ...(secret === "" ? [new FormProblem<Field>("secret", "Please choose a secret.")] : []),
        ...(name === "" ? [new FormProblem<Field>("name", "Please add your name.")] : []),
      ],
    });
    click("#test-submit");
    expect(fieldError("test-name")).toBe("Please add your name.");
    expect(input("#test-name").getAttribute("aria-describedby")).toBe("test-name-hint test-name-error");
    expect(fieldError("test-secret")).toBe("Please choose a secret.");
    expect($("#test-error").textContent).toBe("");
    expect(document.activeElement).toBe(input("#test-name"));
    expect(send).not.toHaveBeenCalled();

    // Fixed, the errors go.
    fillAndSubmit();
    expect(fieldError("test-name")).toBe("");
    expect(fieldError("test-secret")).toBe("");
    expect(send).toHaveBeenCalledTimes(1);
  });

  test("a problem with no one field goes to the form's alert region", () => {
    show({ check: () => new FormProblem<Field>(null, "Not today.") });
    click("#test-submit");
    expect($("#test-error").textContent).toBe("Not today.");
    expect(document.activeElement).toBe($("#test-submit"));
  });
});

describe("sending", () => {
  test("the button is busy while sending, a second press does nothing, and it comes back after", async () => {
    const pending = deferred<void>();
    const send = vi.fn(() => pending.promise);
    show({ send });
    fillAndSubmit();
    const button = $<HTMLButtonElement>("#test-submit");
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
    expect(button.textContent).toBe("Saving…");
    expect(button.classList.contains("is-busy")).toBe(true);
    void act(() => {
      $("form").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    });
    expect(send).toHaveBeenCalledTimes(1);

    pending.resolve();
    await settle();
    expect(button.disabled).toBe(false);
    expect(button.hasAttribute("aria-busy")).toBe(false);
    expect(button.textContent).toBe("Save");
  });

  test("a refusal the form says concerns a field is shown beside it, and nothing typed is cleared", async () => {
    show({
      send: () => Promise.reject(refusal("invalidInput", "That name is too long.")),
      fieldFor: (error) => (error.kind === "invalidInput" ? "name" : null),
    });
    fillAndSubmit("Sam", "lantern moss");
    await settle();
    expect(fieldError("test-name")).toBe("That name is too long.");
    expect(document.activeElement).toBe(input("#test-name"));
    expect(input("#test-name").value).toBe("Sam");
    expect(input("#test-secret").value).toBe("lantern moss");
    expect($<HTMLButtonElement>("#test-submit").disabled).toBe(false);
  });

  test("any other refusal is the form's, and focus returns to the button", async () => {
    const onFailed = vi.fn();
    show({
      send: () => Promise.reject(refusal("diskFull", "The disk is full.")),
      fieldFor: (error) => (error.kind === "invalidInput" ? "name" : null),
      onFailed,
    });
    fillAndSubmit();
    await settle();
    expect($("#test-error").textContent).toBe("The disk is full.");
    expect(fieldError("test-name")).toBe("");
    expect(document.activeElement).toBe($("#test-submit"));
    expect(onFailed).toHaveBeenCalledWith(new FormProblem(null, "The disk is full."));
    expect(input("#test-secret").value).toBe("lantern moss");
  });

  test("a form may send focus to a field after a refusal of its own", async () => {
    show({ send: () => Promise.reject(refusal("wrongPassphrase", "Not that one.")), focusOnFormError: "secret" });
    fillAndSubmit();
    await settle();
    expect($("#test-error").textContent).toBe("Not that one.");
    expect(document.activeElement).toBe(input("#test-secret"));
  });

  test("send may refuse beside a field in words of its own", async () => {
    show({
      send: async () => {
        throw new FormProblem<Field>("secret", "Too easy to guess.");
      },
    });
    fillAndSubmit();
    await settle();
    expect(fieldError("test-secret")).toBe("Too easy to guess.");
    expect(document.activeElement).toBe(input("#test-secret"));
  });

  test("something that is not a UiError is said in plain words, never its own", async () => {
    show({ send: () => Promise.reject(new Error("TypeError: x is undefined")) });
    fillAndSubmit();
    await settle();
    expect($("#test-error").textContent).toBe(INTERNAL_MESSAGE);
  });

  test("a new attempt clears the errors of the last one", async () => {
    let attempt = 0;
    show({ send: () => (++attempt === 1 ? Promise.reject(refusal("busy", "Busy.")) : Promise.resolve()) });
    fillAndSubmit();
    await settle();
    expect($("#test-error").textContent).toBe("Busy.");
    click("#test-submit");
    expect($("#test-error").textContent).toBe("");
  });
});
