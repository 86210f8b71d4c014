//! A small W3C WebDriver client, just what the end-to-end tests use.
//!
//! It speaks plain HTTP/JSON (ureq) to `tauri-driver`, which forwards to
//! WebKitWebDriver. It covers sessions, finding elements as a person does
//! (by the label or the role and name a screen reader would announce) and
//! by CSS selector, clicking, typing, pressing keys, reading text and
//! visibility, waiting, running scripts (axe-core's accessibility check),
//! and the window's size; it does not try to be a general client (no
//! frames, other windows or screenshots).
//! Errors carry the remote end's own error code and message, and every wait
//! that runs out names the selector and what it was waiting for.

use serde_json::{json, Value};
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How often waits poll the page.
const POLL: Duration = Duration::from_millis(100);

/// What went wrong talking to the WebDriver server.
pub enum Error {
    /// The server answered with a WebDriver error (`no such element`, …).
    WebDriver {
        /// The W3C error code, e.g. `no such element`.
        code: String,
        /// The server's message.
        message: String,
    },
    /// The server could not be reached or answered something that is not
    /// WebDriver JSON.
    Transport(String),
    /// A wait ran out.
    Timeout(String),
}

impl Error {
    /// Whether the server said the element is not (or no longer) in the page.
    pub fn is_missing_element(&self) -> bool {
        matches!(self, Error::WebDriver { code, .. }
            if code == "no such element" || code == "stale element reference")
    }

    /// Says which selector a WebDriver error is about (WebKitWebDriver's
    /// messages are often empty).
    fn naming(self, selector: &str) -> Error {
        match self {
            Error::WebDriver { code, message } if message.is_empty() => {
                Error::WebDriver { code, message: format!("`{selector}`") }
            }
            Error::WebDriver { code, message } => {
                Error::WebDriver { code, message: format!("`{selector}`: {message}") }
            }
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WebDriver { code, message } => write!(f, "webdriver error `{code}`: {message}"),
            Error::Transport(message) => write!(f, "webdriver transport: {message}"),
            Error::Timeout(message) => write!(f, "timed out: {message}"),
        }
    }
}

// A test that returns `Err` prints the error with `Debug`: make that readable.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// Results of WebDriver calls.
pub type Result<T> = std::result::Result<T, Error>;

/// An HTTP connection to one WebDriver server.
struct Remote {
    agent: ureq::Agent,
    base: String,
}

impl Remote {
    fn new(base: &str, timeout: Duration) -> Remote {
        let agent = ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(5)).timeout(timeout).build();
        Remote { agent, base: base.trim_end_matches('/').to_owned() }
    }

    /// Sends one command; returns the `value` of the answer.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{}", self.base, path);
        let request = self.agent.request(method, &url);
        let response = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        let response = match response {
            Ok(response) => response,
            // WebDriver reports its errors as 4xx/5xx with a JSON body.
            Err(ureq::Error::Status(status, response)) => {
                let body: Value = response
                    .into_json()
                    .map_err(|e| Error::Transport(format!("{method} {path}: HTTP {status}, unreadable body: {e}")))?;
                let value = &body["value"];
                return Err(Error::WebDriver {
                    code: value["error"].as_str().unwrap_or("unknown error").to_owned(),
                    message: value["message"].as_str().unwrap_or_default().to_owned(),
                });
            }
            Err(e) => return Err(Error::Transport(format!("{method} {path}: {e}"))),
        };
        let mut body: Value =
            response.into_json().map_err(|e| Error::Transport(format!("{method} {path}: unreadable body: {e}")))?;
        Ok(body["value"].take())
    }
}

/// Asks the server at `url` whether it is ready for a new session.
pub fn is_ready(url: &str) -> bool {
    Remote::new(url, Duration::from_secs(2))
        .call("GET", "/status", None)
        .map(|value| value["ready"].as_bool().unwrap_or(true))
        .unwrap_or(false)
}

/// One WebDriver session: one running app. Ended when dropped.
pub struct Session {
    remote: Remote,
    ended: bool,
}

impl Session {
    /// Starts `application` with `args` through the `tauri-driver`
    /// listening at `url`.
    pub fn start_tauri_app(url: &str, application: &Path, args: &[&str]) -> Result<Session> {
        Session::start(
            url,
            json!({ "capabilities": { "alwaysMatch": {
                "tauri:options": { "application": application, "args": args }
            }}}),
        )
    }

    /// Creates a session with raw `capabilities` (the whole request body).
    pub fn start(url: &str, capabilities: Value) -> Result<Session> {
        // Starting the app and its web process can take a while on a busy
        // 2-core machine; later commands are quick.
        const STARTUP: Duration = Duration::from_secs(60);
        let remote = Remote::new(url, STARTUP);
        let value = remote.call("POST", "/session", Some(capabilities)).map_err(|e| match e {
            // WebKitWebDriver waits for ever for a program that never turns
            // on automation (the only sign is silence).
            Error::Transport(message) if message.contains("timed out") => Error::Timeout(format!(
                "new session: the application did not start under WebDriver within {STARTUP:?}: \
                 it must be a WebKitGTK program with automation enabled (a Tauri app turns it \
                 on when tauri-driver sets TAURI_WEBVIEW_AUTOMATION) and a display must be set \
                 ({message})"
            )),
            other => other,
        })?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| Error::Transport(format!("new session: no sessionId in {value}")))?;
        let base = format!("{}/session/{id}", url.trim_end_matches('/'));
        Ok(Session { remote: Remote::new(&base, Duration::from_secs(30)), ended: false })
    }

    /// Loads `url` in the current window. The app navigates by itself; this
    /// is for checking the client against a plain WebKit browser.
    #[allow(dead_code)]
    pub fn navigate(&self, url: &str) -> Result<()> {
        self.remote.call("POST", "/url", Some(json!({ "url": url }))).map(drop)
    }

    /// The first element matching the CSS selector, now.
    pub fn find(&self, selector: &str) -> Result<Element<'_>> {
        let value = self
            .remote
            .call("POST", "/element", Some(json!({ "using": "css selector", "value": selector })))
            .map_err(|e| e.naming(selector))?;
        Element::from_reference(self, selector, &value)
    }

    /// Every element matching the CSS selector, now (possibly none).
    pub fn find_all(&self, selector: &str) -> Result<Vec<Element<'_>>> {
        let value = self
            .remote
            .call("POST", "/elements", Some(json!({ "using": "css selector", "value": selector })))
            .map_err(|e| e.naming(selector))?;
        let references =
            value.as_array().ok_or_else(|| Error::Transport(format!("find elements: not a list: {value}")))?;
        references.iter().map(|r| Element::from_reference(self, selector, r)).collect()
    }

    /// Polls `check` until it gives `Some`, or fails after `timeout` with a
    /// message saying `what` was awaited and the last error seen.
    pub fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match check() {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => {}
                // Elements come and go while screens change: keep waiting.
                Err(e) if e.is_missing_element() => last_error = Some(e),
                Err(e) => return Err(e),
            }
            if Instant::now() >= deadline {
                let last = last_error.map(|e| format!(" (last: {e})")).unwrap_or_default();
                return Err(Error::Timeout(format!("{what} after {timeout:?}{last}")));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until an element matching `selector` is in the page and shown.
    pub fn wait_for(&self, selector: &str, timeout: Duration) -> Result<Element<'_>> {
        self.wait_until(&format!("waiting for `{selector}` to be shown"), timeout, || {
            let element = self.find(selector)?;
            Ok(element.is_displayed()?.then_some(element))
        })
    }

    /// Waits until no element matching `selector` is in the page.
    pub fn wait_gone(&self, selector: &str, timeout: Duration) -> Result<()> {
        self.wait_until(&format!("waiting for `{selector}` to go away"), timeout, || {
            Ok(self.find_all(selector)?.is_empty().then_some(()))
        })
    }

    /// Waits until `selector` is shown with non-blank text; returns the text.
    pub fn wait_for_text(&self, selector: &str, timeout: Duration) -> Result<String> {
        self.wait_until(&format!("waiting for text in `{selector}`"), timeout, || {
            let element = self.find(selector)?;
            let text = element.text()?;
            Ok((element.is_displayed()? && !text.trim().is_empty()).then_some(text))
        })
    }

    /// Runs `script` (a function body; its arguments in `arguments`) in the
    /// page and returns what it returns.
    pub fn execute(&self, script: &str, args: Value) -> Result<Value> {
        self.remote.call("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Runs `script`, whose last argument is a callback it calls with its
    /// result, and returns that result.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value> {
        self.remote.call("POST", "/execute/async", Some(json!({ "script": script, "args": args })))
    }

    /// The first shown element whose role and accessible name are these
    /// (the name compared without regard to case or runs of spaces; a name
    /// followed by words in brackets, like a field's "(needed)", matches
    /// too; a name asked for ending in "…" matches any that start so), now.
    pub fn by_role(&self, role: &str, name: &str) -> Result<Element<'_>> {
        let what = format!("the {role} named {name:?}");
        let found = self
            .execute(&format!("{FIND_BY_ROLE}\nreturn findByRole(arguments[0], arguments[1]);"), json!([role, name]))?;
        if found.is_null() {
            return Err(Error::WebDriver { code: "no such element".into(), message: what });
        }
        Element::from_reference(self, &what, &found)
    }

    /// The first shown form control whose label (or accessible name) is
    /// `label`, now.
    pub fn by_label(&self, label: &str) -> Result<Element<'_>> {
        let what = format!("the field labelled {label:?}");
        let found = self.execute(&format!("{FIND_BY_ROLE}\nreturn findByLabel(arguments[0]);"), json!([label]))?;
        if found.is_null() {
            return Err(Error::WebDriver { code: "no such element".into(), message: what });
        }
        Element::from_reference(self, &what, &found)
    }

    /// Waits until [`Session::by_role`] finds it.
    pub fn wait_for_role(&self, role: &str, name: &str, timeout: Duration) -> Result<Element<'_>> {
        self.wait_until(&format!("waiting for the {role} named {name:?}"), timeout, || {
            self.by_role(role, name).map(Some)
        })
    }

    /// Waits until [`Session::by_label`] finds it.
    pub fn wait_for_label(&self, label: &str, timeout: Duration) -> Result<Element<'_>> {
        self.wait_until(&format!("waiting for the field labelled {label:?}"), timeout, || {
            self.by_label(label).map(Some)
        })
    }

    /// Presses keys in whatever has the focus, as a person would: `keys`
    /// are pressed in order and released in reverse, so `["\u{E009}", "n"]`
    /// is Ctrl+N (see the W3C key codes: Control E009, Alt E00A, Enter
    /// E007, Tab E004, Escape E00C, Left E012).
    pub fn press(&self, keys: &[&str]) -> Result<()> {
        let mut actions: Vec<Value> = keys.iter().map(|k| json!({ "type": "keyDown", "value": k })).collect();
        actions.extend(keys.iter().rev().map(|k| json!({ "type": "keyUp", "value": k })));
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.remote.call("POST", "/actions", Some(body)).map(drop)?;
        self.remote.call("DELETE", "/actions", None).map(drop)
    }

    /// Checks what the window shows with axe-core (`axe_source`: the text of
    /// `axe.min.js`, injected for the check and never shipped in the app).
    /// Returns the violations of impact serious or critical, each as one
    /// line: the rule, its impact, how many elements and the first of them.
    pub fn accessibility_violations(&self, axe_source: &str) -> Result<Vec<String>> {
        let script = format!(
            "{axe_source}\n;const done = arguments[arguments.length - 1];
             axe.run(document, {{ resultTypes: ['violations'] }}).then(
               (r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => v.id + ' (' + v.impact + ', ' + v.nodes.length + ' element(s), e.g. '
                   + v.nodes[0].target.join(' ') + '): ' + v.help)),
               (e) => done(['axe failed: ' + e]));"
        );
        let value = self.execute_async(&script, json!([]))?;
        let list = value.as_array().ok_or_else(|| Error::Transport(format!("axe: not a list: {value}")))?;
        Ok(list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
    }

    /// Ends the session, which closes the app.
    pub fn end(mut self) -> Result<()> {
        self.ended = true;
        self.remote.call("DELETE", "", None).map(drop)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.ended {
            // Best effort: a failing test still closes its app.
            let _ = self.remote.call("DELETE", "", None);
        }
    }
}

/// An element found in the page, remembered with the selector that found it.
pub struct Element<'s> {
    session: &'s Session,
    id: String,
    selector: String,
}

impl<'s> Element<'s> {
    fn from_reference(session: &'s Session, selector: &str, value: &Value) -> Result<Element<'s>> {
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| Error::Transport(format!("`{selector}`: not an element reference: {value}")))?;
        Ok(Element { session, id: id.to_owned(), selector: selector.to_owned() })
    }

    fn call(&self, method: &str, command: &str, body: Option<Value>) -> Result<Value> {
        let path = format!("/element/{}{command}", self.id);
        self.session.remote.call(method, &path, body).map_err(|e| e.naming(&self.selector))
    }

    /// Clicks the element (scrolling it into view first, as WebDriver does).
    pub fn click(&self) -> Result<()> {
        self.call("POST", "/click", Some(json!({}))).map(drop)
    }

    /// Types `text` into the element.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        self.call("POST", "/value", Some(json!({ "text": text }))).map(drop)
    }

    /// Empties an input or textarea.
    pub fn clear(&self) -> Result<()> {
        self.call("POST", "/clear", Some(json!({}))).map(drop)
    }

    /// The first element inside this one matching the CSS selector, now.
    pub fn find(&self, selector: &str) -> Result<Element<'s>> {
        let value = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": selector })))?;
        Element::from_reference(self.session, &format!("{} {selector}", self.selector), &value)
    }

    /// The option of this `<select>` whose text is `text` (as shown in the
    /// list, without regard to case), to click as a person would choose it.
    pub fn option(&self, text: &str) -> Result<Element<'s>> {
        let what = format!("the option {text:?} of {}", self.selector);
        let found = self.session.execute(
            "return [...arguments[0].options].find((o) => o.text.trim().toLowerCase() === arguments[1].toLowerCase()) ?? null;",
            json!([{ ELEMENT_KEY: self.id }, text]),
        )?;
        if found.is_null() {
            return Err(Error::WebDriver { code: "no such element".into(), message: what });
        }
        Element::from_reference(self.session, &what, &found)
    }

    /// The element's rendered text.
    pub fn text(&self) -> Result<String> {
        let value = self.call("GET", "/text", None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// A DOM property, e.g. `value` of an input or `checked` of a radio.
    pub fn property(&self, name: &str) -> Result<Value> {
        self.call("GET", &format!("/property/{name}"), None)
    }

    /// Whether the element is shown to the person.
    pub fn is_displayed(&self) -> Result<bool> {
        let value = self.call("GET", "/displayed", None)?;
        Ok(value.as_bool().unwrap_or(false))
    }
}

/// Finding elements as assistive technology names them: an element's role
/// (its `role` attribute, or the one its tag implies) and accessible name
/// (`aria-labelledby`, `aria-label`, a `<label>`, its `title` or `alt`, or
/// for buttons, links, headings and the like, its text). Hidden elements
/// are never found. A simplified form of the W3C accessible name
/// computation, enough for the app's own markup.
const FIND_BY_ROLE: &str = r#"
function norm(s) { return (s || "").replace(/\s+/g, " ").trim().toLowerCase(); }
function shown(el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== "hidden"; }
function roleOf(el) {
  const explicit = el.getAttribute("role");
  if (explicit) return explicit.split(" ")[0];
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute("type") || "text").toLowerCase();
  if (tag === "button") return "button";
  if (tag === "a" && el.hasAttribute("href")) return "link";
  if (tag === "textarea") return "textbox";
  if (tag === "select") return el.multiple ? "listbox" : "combobox";
  if (tag === "input") {
    if (["button", "submit", "reset", "image"].includes(type)) return "button";
    if (type === "checkbox") return "checkbox";
    if (type === "radio") return "radio";
    if (type === "search") return "searchbox";
    if (["text", "email", "tel", "url", "password", "number", "date", "datetime-local", "time"].includes(type)) return "textbox";
  }
  if (/^h[1-6]$/.test(tag)) return "heading";
  if (tag === "nav") return "navigation";
  if (tag === "main") return "main";
  if (tag === "dialog") return "dialog";
  if (tag === "li") return "listitem";
  if (tag === "ul" || tag === "ol") return "list";
  if (tag === "article") return "article";
  if (tag === "section" && (el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby"))) return "region";
  if (tag === "form" && (el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby"))) return "form";
  return null;
}
function nameOf(el) {
  const by = el.getAttribute("aria-labelledby");
  if (by) return by.split(/\s+/).map((id) => { const t = document.getElementById(id); return t ? t.textContent : ""; }).join(" ");
  if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
  if (el.id) { const label = document.querySelector("label[for='" + CSS.escape(el.id) + "']"); if (label) return label.textContent; }
  const wrapping = el.closest("label"); if (wrapping && wrapping !== el) return wrapping.textContent;
  if (el.tagName === "INPUT" && ["button", "submit", "reset"].includes(el.type)) return el.value;
  if (["button", "link", "heading", "tab", "menuitem", "option", "listitem", "checkbox", "radio"].includes(roleOf(el))) return el.textContent;
  return el.getAttribute("title") || el.getAttribute("alt") || "";
}
// A name matches when it is the one asked for, or that followed by words in
// brackets (a field's "(needed)"); a name asked for ending in "…" matches
// every name that starts with it, and one beginning and ending with "…"
// every name that contains it.
function matches(actual, asked) {
  const a = norm(actual), q = norm(asked);
  if (q.startsWith("…") && q.endsWith("…")) return a.includes(q.slice(1, -1));
  if (q.endsWith("…")) return a.startsWith(q.slice(0, -1));
  return a === q || (a.startsWith(q + " (") && a.endsWith(")"));
}
function findByRole(role, name) {
  for (const el of document.querySelectorAll("*")) {
    if (roleOf(el) === role && matches(nameOf(el), name) && shown(el)) return el;
  }
  return null;
}
function findByLabel(label) {
  for (const el of document.querySelectorAll("input, textarea, select, [role=textbox], [role=combobox], [role=searchbox], [role=checkbox], [role=radio], [role=switch]")) {
    if (matches(nameOf(el), label) && shown(el)) return el;
  }
  return null;
}
"#;
