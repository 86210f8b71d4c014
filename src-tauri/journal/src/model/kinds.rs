//! The kinds of record a journal keeps, their fields, and how each is
//! checked.
//!
//! Each kind is described once, as data: its fields with their types and
//! limits, the words people see for each (label, question, help, the
//! choices' names), which field gives its date and its due date, and which
//! role of journal writes it. Validation (of a local write and of an
//! imported event alike), the materialised columns, search, the
//! subject-access export, the command line's options and the app's forms
//! (through [`describe`], written to the UI as `kinds.ts`) all read these
//! descriptions, so a new field is added in one place. The words are for
//! volunteers: plain, warm, asking rather than telling, never blaming.
//! This module does no database work.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::error::{Error, Result};

/// A record's fields, by name.
pub type Fields = Map<String, Value>;

/// The kinds of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Kind {
    /// Someone the volunteer supports, by alias or initials.
    Person,
    /// A visit, call, message or session with a person.
    Contact,
    /// The ground rules agreed at the start of a relationship.
    BoundaryAgreement,
    /// Something that tested the boundaries.
    BoundaryIssue,
    /// An entry in the directory of local services.
    Service,
    /// A referral to a service, followed to its outcome.
    Signpost,
    /// A safeguarding or wellbeing concern.
    Concern,
    /// The end of a supporting relationship.
    Ending,
    /// A private reflection for supervision.
    Reflection,
    /// A supervisor's note for one volunteer, optionally about one record.
    SupervisionNote,
    /// A supervisor's acknowledgement of a volunteer's concern: a record of
    /// the supervisor's own, pointing at the concern.
    Acknowledgement,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 11] = [
        Kind::Person,
        Kind::Contact,
        Kind::BoundaryAgreement,
        Kind::BoundaryIssue,
        Kind::Service,
        Kind::Signpost,
        Kind::Concern,
        Kind::Ending,
        Kind::Reflection,
        Kind::SupervisionNote,
        Kind::Acknowledgement,
    ];

    /// The stored spelling, e.g. `boundary-issue`.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid(format!("unknown kind of record: {s}")))
    }

    /// How this kind is described.
    pub fn spec(self) -> &'static KindSpec {
        match self {
            Kind::Person => &PERSON,
            Kind::Contact => &CONTACT,
            Kind::BoundaryAgreement => &BOUNDARY_AGREEMENT,
            Kind::BoundaryIssue => &BOUNDARY_ISSUE,
            Kind::Service => &SERVICE,
            Kind::Signpost => &SIGNPOST,
            Kind::Concern => &CONCERN,
            Kind::Ending => &ENDING,
            Kind::Reflection => &REFLECTION,
            Kind::SupervisionNote => &SUPERVISION_NOTE,
            Kind::Acknowledgement => &ACKNOWLEDGEMENT,
        }
    }

    /// Whether a journal kept in `role` writes records of this kind. A
    /// volunteer writes its people and their records, its reflections and
    /// its own local services; a supervisor writes supervision notes,
    /// acknowledgements and the service directory it sends out.
    pub fn written_by(self, role: Role) -> bool {
        match self.spec().writers {
            Writers::Volunteers => role == Role::Volunteer,
            Writers::Supervisors => role == Role::Supervisor,
            Writers::Either => true,
        }
    }
}

/// Who keeps a journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Role {
    /// A volunteer peer supporter.
    Volunteer,
    /// A supervisor or coordinator of volunteers.
    Supervisor,
}

impl Role {
    /// The stored and command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Supervisor => "supervisor",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "volunteer" => Ok(Role::Volunteer),
            "supervisor" => Ok(Role::Supervisor),
            _ => Err(Error::invalid("the role must be volunteer or supervisor")),
        }
    }
}

/// Which role of journal writes a kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Writers {
    /// Volunteers' journals only.
    Volunteers,
    /// Supervisors' journals only.
    Supervisors,
    /// Both (the service directory: a supervisor's, and a volunteer's own
    /// local services).
    Either,
}

/// The type of a field, with its limits.
#[derive(Clone, Copy, Debug)]
pub enum FieldType {
    /// One line of text, at most this many characters.
    Line(usize),
    /// Free text, at most this many characters.
    Text(usize),
    /// One of these values.
    Choice(&'static [Choice]),
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A date and time, `YYYY-MM-DDTHH:MM` (local time, as the person gave it).
    DateTime,
    /// A whole number of minutes, 0 to 1440.
    Minutes,
    /// Yes or no.
    Flag,
    /// The id of a person in this journal.
    PersonRef,
    /// The id of a service in the directory.
    ServiceRef,
    /// The id of another record (what a note or an acknowledgement is about).
    RecordRef,
    /// The fingerprint of a card in the roster, `XXXX-XXXX-XXXX-XXXX`.
    CardRef,
}

/// One field of a kind.
#[derive(Debug)]
pub struct FieldSpec {
    /// The stored name (snake_case).
    pub name: &'static str,
    /// What people call it, for pages and messages.
    pub label: &'static str,
    /// Its type and limits.
    pub ty: FieldType,
    /// Whether every record of the kind must have it.
    pub required: bool,
    /// For a date or moment: whether it may be at most a day ahead of the
    /// moment it is written (something that has happened, not a plan).
    pub not_ahead: bool,
    /// One or two plain sentences for whoever fills it in: what goes here.
    /// The app shows it under the field, the command line as the option's
    /// help.
    pub help: &'static str,
    /// The question the app asks as the field's label: warm, plain, and
    /// asking rather than telling ("What strengths did you notice?").
    /// The label itself when it asks well enough already.
    pub prompt: &'static str,
    /// The command line's long option for the field, when it is not the
    /// name with dashes (see [`FieldSpec::flag`]).
    flag: Option<&'static str>,
}

impl FieldSpec {
    /// The command line's long option that sets the field, without its
    /// dashes: `next` for a contact's `next_contact`, `consent-date` for
    /// `consent_date`.
    pub fn flag(&self) -> std::borrow::Cow<'static, str> {
        match self.flag {
            Some(flag) => flag.into(),
            None => self.name.replace('_', "-").into(),
        }
    }

    /// The same field, asked about with `prompt`.
    const fn prompt(mut self, prompt: &'static str) -> Self {
        self.prompt = prompt;
        self
    }

    /// The same field, set on the command line by `--flag`.
    const fn cli_flag(mut self, flag: &'static str) -> Self {
        self.flag = Some(flag);
        self
    }

    /// The same field, which may be at most a day ahead of when it is written.
    const fn not_ahead(mut self) -> Self {
        self.not_ahead = true;
        self
    }

    /// The same field, with its help.
    const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }
}

/// How a kind is described.
#[derive(Debug)]
pub struct KindSpec {
    /// The stored spelling.
    pub name: &'static str,
    /// What people call one of these.
    pub label: &'static str,
    /// What people call more than one.
    pub plural: &'static str,
    /// The fields, in display order.
    pub fields: &'static [FieldSpec],
    /// The field holding when it happened, for timelines.
    pub at: Option<&'static str>,
    /// The field holding when it next needs attention.
    pub due: Option<&'static str>,
    /// Which role of journal writes records of this kind.
    pub writers: Writers,
}

impl KindSpec {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A kind of record as the app's forms and lists see it: everything its
/// description says, as data that crosses to the window (see `describe`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KindDescription {
    /// Which kind.
    pub kind: Kind,
    /// What people call one of these.
    pub label: &'static str,
    /// What people call more than one.
    pub plural: &'static str,
    /// Which role of journal writes them.
    pub writers: Writers,
    /// The field holding when it happened, for timelines.
    pub at: Option<&'static str>,
    /// The field holding when it next needs attention.
    pub due: Option<&'static str>,
    /// The fields, in the order a form shows them.
    pub fields: Vec<FieldDescription>,
}

/// One field of a kind, as a form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldDescription {
    /// The stored name, the key in a record's fields.
    pub name: &'static str,
    /// What people call it, in lists and messages.
    pub label: &'static str,
    /// The question a form asks as its label.
    pub prompt: &'static str,
    /// One or two sentences shown under it: what goes here.
    pub help: &'static str,
    /// Whether every record of the kind has it.
    pub required: bool,
    /// For a date or moment: at most a day ahead of when it is written.
    pub not_ahead: bool,
    /// The command line's long option that sets it, without its dashes.
    pub flag: String,
    /// What is typed or chosen, with its limits.
    pub input: FieldInput,
}

/// What a field takes, with its limits: what a form shows for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum FieldInput {
    /// One line of text.
    Line {
        /// At most this many characters.
        max_chars: usize,
    },
    /// Free text, over several lines.
    Text {
        /// At most this many characters.
        max_chars: usize,
    },
    /// One of a few values.
    Choice {
        /// The values, in the order to offer them.
        options: &'static [Choice],
    },
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A date and time, `YYYY-MM-DDTHH:MM`, local time.
    DateTime,
    /// A whole number of minutes, 0 to 1440.
    Minutes,
    /// Yes or no.
    YesNo,
    /// A person in this journal, by id.
    Person,
    /// A service in the directory, by id.
    Service,
    /// Another record, by id.
    Record,
    /// A card in the roster, by fingerprint.
    Card,
}

impl From<FieldType> for FieldInput {
    fn from(ty: FieldType) -> Self {
        match ty {
            FieldType::Line(max_chars) => FieldInput::Line { max_chars },
            FieldType::Text(max_chars) => FieldInput::Text { max_chars },
            FieldType::Choice(options) => FieldInput::Choice { options },
            FieldType::Date => FieldInput::Date,
            FieldType::DateTime => FieldInput::DateTime,
            FieldType::Minutes => FieldInput::Minutes,
            FieldType::Flag => FieldInput::YesNo,
            FieldType::PersonRef => FieldInput::Person,
            FieldType::ServiceRef => FieldInput::Service,
            FieldType::RecordRef => FieldInput::Record,
            FieldType::CardRef => FieldInput::Card,
        }
    }
}

/// Every kind, in display order, as the app's forms and lists see it: the
/// one description of the kinds ([`Kind::spec`]) as data.
pub fn describe() -> Vec<KindDescription> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let spec = kind.spec();
            KindDescription {
                kind,
                label: spec.label,
                plural: spec.plural,
                writers: spec.writers,
                at: spec.at,
                due: spec.due,
                fields: spec
                    .fields
                    .iter()
                    .map(|field| FieldDescription {
                        name: field.name,
                        label: field.label,
                        prompt: field.prompt,
                        help: field.help,
                        required: field.required,
                        not_ahead: field.not_ahead,
                        flag: field.flag().into_owned(),
                        input: field.ty.into(),
                    })
                    .collect(),
            }
        })
        .collect()
}

const fn f(name: &'static str, label: &'static str, ty: FieldType, required: bool) -> FieldSpec {
    FieldSpec { name, label, ty, required, not_ahead: false, help: "", prompt: label, flag: None }
}

/// One value a choice field may take, and what people call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Choice {
    /// The stored value (and how it is written on the command line).
    pub value: &'static str,
    /// What people see.
    pub label: &'static str,
}

const fn c(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

/// The stored values of `choices`, in order.
pub fn values(choices: &[Choice]) -> Vec<&'static str> {
    choices.iter().map(|c| c.value).collect()
}

const SHORT: usize = 200;
const LONG: usize = 20_000;

/// How a contact happened.
pub const CONTACT_HOW: &[Choice] = &[
    c("home-visit", "Home visit"),
    c("phone", "Phone call"),
    c("text", "Messages"),
    c("video", "Video call"),
    c("group-session", "Group session"),
    c("accompanied-appointment", "Went along to an appointment"),
];
/// The kinds of boundary issue.
pub const BOUNDARY_ISSUE_KINDS: &[Choice] = &[
    c("request-beyond-role", "Asked for something beyond the role"),
    c("out-of-hours-contact", "Contact out of hours"),
    c("gifts-or-money", "Gifts or money"),
    c("personal-details", "Personal details"),
    c("dependency-sign", "Leaning on you a lot"),
    c("other", "Something else"),
];
/// Where a referral has got to.
pub const SIGNPOST_STATUS: &[Choice] = &[
    c("suggested", "Suggested"),
    c("consented", "They'd like to go ahead"),
    c("made", "Referral made"),
    c("attended", "They went along"),
    c("outcome", "We know how it went"),
    c("declined", "They chose not to"),
];
/// The kinds of concern.
pub const CONCERN_KINDS: &[Choice] = &[c("safeguarding", "Safeguarding"), c("wellbeing", "Wellbeing")];
/// How urgent a concern is.
pub const URGENCY: &[Choice] =
    &[c("low", "Low"), c("medium", "Medium"), c("high", "High"), c("immediate", "Immediate")];

static PERSON: KindSpec = KindSpec {
    name: "person",
    label: "person",
    plural: "people",
    fields: &[
        f("alias", "Alias or initials", FieldType::Line(80), true)
            .prompt("What would you like to call them here?")
            .help("A name or initials only you would recognise: never their full name."),
        f("consent", "Consent to keep notes given", FieldType::Flag, false)
            .prompt("Have they agreed to you keeping notes?")
            .help("They have agreed to you keeping notes about your time together."),
        f("consent_date", "Consent given on", FieldType::Date, false)
            .prompt("When did they agree?")
            .help("The day they agreed."),
        f("notes", "Notes", FieldType::Text(LONG), false)
            .prompt("What would you like to remember about them?")
            .help("Anything worth remembering about them, in their own terms."),
    ],
    at: None,
    due: None,
    writers: Writers::Volunteers,
};

static CONTACT: KindSpec = KindSpec {
    name: "contact",
    label: "contact",
    plural: "contacts",
    fields: &[
        f("person", "Person", FieldType::PersonRef, true)
            .prompt("Who did you spend time with?")
            .help("Who you met or spoke with."),
        f("at", "When", FieldType::DateTime, true).prompt("When was it?").not_ahead().help("When it happened."),
        f("how", "How", FieldType::Choice(CONTACT_HOW), true)
            .prompt("How were you in touch?")
            .cli_flag("kind")
            .help("How you were in touch."),
        f("minutes", "Minutes", FieldType::Minutes, false)
            .prompt("About how long was it?")
            .help("About how long, in minutes."),
        f("present", "Who was there", FieldType::Line(SHORT), false)
            .prompt("Was anyone else there?")
            .help("Anyone else who was there, such as a partner or a child."),
        f("focus", "What they chose to focus on", FieldType::Text(LONG), false)
            .prompt("What did they want to talk about?")
            .help("What they chose to talk about or work on."),
        f("strengths", "Strengths noticed", FieldType::Text(LONG), false)
            .prompt("What strengths did you notice?")
            .help("Strengths you noticed in them."),
        f("steps", "Steps celebrated", FieldType::Text(LONG), false)
            .prompt("What steps did you celebrate together?")
            .help("Steps they took, however small, that you celebrated together."),
        f("notes", "Notes", FieldType::Text(LONG), false)
            .prompt("Anything else you'd like to remember?")
            .help("Anything else worth remembering."),
        f("next_contact", "Next planned contact", FieldType::DateTime, false)
            .prompt("When have you agreed to be in touch next?")
            .cli_flag("next")
            .help("When you plan to be in touch next, if you have agreed a time."),
        f("flag", "Flagged for supervision", FieldType::Flag, false)
            .prompt("Would you like to talk about this in supervision?")
            .help("Bring it to your next supervision."),
    ],
    at: Some("at"),
    due: Some("next_contact"),
    writers: Writers::Volunteers,
};

static BOUNDARY_AGREEMENT: KindSpec = KindSpec {
    name: "boundary-agreement",
    label: "boundary agreement",
    plural: "boundary agreements",
    fields: &[
        f("person", "Person", FieldType::PersonRef, true)
            .prompt("Who did you agree them with?")
            .help("Who you agreed them with."),
        f("agreed_on", "Agreed on", FieldType::Date, true)
            .prompt("When did you agree them?")
            .help("The day you agreed them."),
        f("rules", "Ground rules agreed", FieldType::Text(LONG), true).prompt("What did you agree together?").help(
            "The ground rules you agreed together: when and how you are in touch, what you can and cannot help with.",
        ),
        f("review_on", "Review on", FieldType::Date, false)
            .prompt("When would you like to look at them again together?")
            .help("When you mean to look at them again together."),
    ],
    at: Some("agreed_on"),
    due: Some("review_on"),
    writers: Writers::Volunteers,
};

static BOUNDARY_ISSUE: KindSpec = KindSpec {
    name: "boundary-issue",
    label: "boundary issue",
    plural: "boundary issues",
    fields: &[
        f("person", "Person", FieldType::PersonRef, true).prompt("Who was it with?").help("Who it was with."),
        f("at", "When", FieldType::DateTime, true).prompt("When did it happen?").not_ahead().help("When it happened."),
        f("category", "Kind", FieldType::Choice(BOUNDARY_ISSUE_KINDS), true)
            .prompt("What kind of thing was it?")
            .cli_flag("kind")
            .help("What kind of thing it was."),
        f("what_happened", "What happened", FieldType::Text(LONG), true)
            .prompt("What happened?")
            .cli_flag("what")
            .help("What happened, in plain words."),
        f("how_handled", "How it was handled", FieldType::Text(LONG), false)
            .prompt("How did you respond?")
            .cli_flag("handled")
            .help("How you responded."),
        f("flag", "Flagged for supervision", FieldType::Flag, false)
            .prompt("Would you like to talk it through in supervision?")
            .help("Bring it to your next supervision."),
    ],
    at: Some("at"),
    due: None,
    writers: Writers::Volunteers,
};

static SERVICE: KindSpec = KindSpec {
    name: "service",
    label: "service",
    plural: "services",
    fields: &[
        f("name", "Name", FieldType::Line(SHORT), true)
            .prompt("What is the service called?")
            .help("The service's name."),
        f("category", "Category", FieldType::Line(80), false)
            .prompt("What does it help with?")
            .help("What it helps with, such as food, housing or money."),
        f("area", "Area", FieldType::Line(SHORT), false)
            .prompt("Where is it, or which area does it cover?")
            .help("Where it is, or which area it covers."),
        f("contact_details", "Contact details", FieldType::Text(2_000), false)
            .prompt("How can people get in touch with it?")
            .cli_flag("contact")
            .help("Phone, email or address."),
        f("opening_times", "Opening times", FieldType::Text(2_000), false)
            .prompt("When is it open?")
            .cli_flag("opening")
            .help("When it is open."),
        f("notes", "Notes", FieldType::Text(LONG), false)
            .prompt("Anything else that's useful to know?")
            .help("Anything else useful to know, such as how to get a referral."),
        f(RETIRED, "No longer taking referrals", FieldType::Flag, false)
            .prompt("Has it closed, or stopped taking referrals?")
            .help(
                "It is no longer offered for new signposts. Signposts that already name it keep it; \
                 untick it to offer the service again.",
            ),
    ],
    at: None,
    due: None,
    writers: Writers::Either,
};

/// The service field that says it is no longer taking referrals.
pub const RETIRED: &str = "retired";

/// Whether a record of this kind with these fields is a service no longer
/// taking referrals: kept on the signposts that name it, never offered for
/// a new one.
pub fn is_retired(kind: Kind, data: &Fields) -> bool {
    kind == Kind::Service && data.get(RETIRED).and_then(Value::as_bool).unwrap_or(false)
}

static SIGNPOST: KindSpec = KindSpec {
    name: "signpost",
    label: "signpost",
    plural: "signposts",
    fields: &[
        f("person", "Person", FieldType::PersonRef, true)
            .prompt("Who did you share it with?")
            .help("Who you suggested it to."),
        f("service", "Service", FieldType::ServiceRef, true)
            .prompt("Which service?")
            .help("The service from the directory."),
        f("at", "Suggested on", FieldType::Date, true)
            .prompt("When did you suggest it?")
            .help("The day you suggested it."),
        f("reason", "Why", FieldType::Text(LONG), false)
            .prompt("How might it help, as you talked it through?")
            .help("Why it might help, as you talked it through."),
        f("consent", "Person consented", FieldType::Flag, false)
            .prompt("Did they want to go ahead?")
            .help("They agreed to go ahead."),
        f("accompanied", "Went along (bridge)", FieldType::Flag, false)
            .prompt("Did you go along with them?")
            .help("You went along with them, as a bridge."),
        f("status", "Status", FieldType::Choice(SIGNPOST_STATUS), true)
            .prompt("Where has it got to?")
            .help("Where it has got to."),
        f("outcome", "Outcome", FieldType::Text(LONG), false)
            .prompt("How did it go for them?")
            .help("How it went, in their words if you can."),
        f("reminder", "Reminder on", FieldType::Date, false)
            .prompt("When would you like to check in on how it's going?")
            .help("A day to check in on how it is going, until there is an outcome."),
    ],
    at: Some("at"),
    due: Some("reminder"),
    writers: Writers::Volunteers,
};

static CONCERN: KindSpec = KindSpec {
    name: "concern",
    label: "concern",
    plural: "concerns",
    fields: &[
        f("person", "Person", FieldType::PersonRef, true)
            .prompt("Who is the concern about?")
            .help("Who the concern is about."),
        f("at", "When", FieldType::DateTime, true)
            .prompt("When did you notice it?")
            .not_ahead()
            .help("When you noticed it."),
        f("category", "Kind", FieldType::Choice(CONCERN_KINDS), true)
            .prompt("What kind of concern is it?")
            .cli_flag("kind")
            .help("Safeguarding (someone may be at risk of harm) or wellbeing."),
        f("urgency", "Urgency", FieldType::Choice(URGENCY), true)
            .prompt("How soon does something need to happen?")
            .help("How soon something needs to happen."),
        f("notes", "What was seen or said", FieldType::Text(LONG), true)
            .prompt("What did you see or hear?")
            .help("What you saw or heard, as close to the words used as you can."),
        f("told", "Who was told", FieldType::Line(SHORT), false)
            .prompt("Who have you told?")
            .help("Who you told, such as your supervisor or the safeguarding lead."),
        f("told_at", "Told when", FieldType::DateTime, false)
            .prompt("When did you tell them?")
            .help("When you told them."),
    ],
    at: Some("at"),
    due: None,
    writers: Writers::Volunteers,
};

static ENDING: KindSpec = KindSpec {
    name: "ending",
    label: "ending",
    plural: "endings",
    fields: &[
        f("person", "Person", FieldType::PersonRef, true)
            .prompt("Whose support has come to an end?")
            .help("Whose support has come to an end."),
        f("on", "Ended on", FieldType::Date, true).prompt("When did it end?").help("The day it ended."),
        f("planned", "Planned ending", FieldType::Flag, true)
            .prompt("Did you plan the ending together?")
            .help("You planned the ending together."),
        f("summary", "Closing summary", FieldType::Text(LONG), false)
            .prompt("How did your time together go, and how did you say goodbye?")
            .help("How your time together went, and how you said goodbye."),
        f("onward", "Onward signposting", FieldType::Text(LONG), false)
            .prompt("Where might they turn next for support?")
            .help("Where they might go next for support."),
    ],
    at: Some("on"),
    due: None,
    writers: Writers::Volunteers,
};

static REFLECTION: KindSpec = KindSpec {
    name: "reflection",
    label: "reflection",
    plural: "reflections",
    fields: &[
        f("person", "Person", FieldType::PersonRef, false)
            .prompt("Is it about anyone in particular?")
            .help("Who it is about, if anyone."),
        f("at", "When", FieldType::DateTime, true)
            .prompt("When did you write it?")
            .not_ahead()
            .help("When you wrote it."),
        f("text", "Reflection", FieldType::Text(LONG), true)
            .prompt("What would you like to reflect on?")
            .help("Your thoughts and feelings: what went well, what was hard, what you would like to talk through."),
        f("shared", "Shared with supervisor", FieldType::Flag, false)
            .prompt("Would you like to share it with your supervisor?")
            .help("Share it with your supervisor in your next file to them. Otherwise it stays with you."),
    ],
    at: Some("at"),
    due: None,
    writers: Writers::Volunteers,
};

static SUPERVISION_NOTE: KindSpec = KindSpec {
    name: "supervision-note",
    label: "supervision note",
    plural: "supervision notes",
    fields: &[
        f("volunteer", "For (volunteer's fingerprint)", FieldType::CardRef, true)
            .prompt("Which volunteer is it for?")
            .cli_flag("for")
            .help("The volunteer it is for."),
        f("person", "About person", FieldType::PersonRef, false)
            .prompt("Is it about anyone in particular?")
            .help("The person it is about, if any."),
        f("about", "About record", FieldType::RecordRef, false)
            .prompt("Is it about a particular record?")
            .help("The record it is about, if any."),
        f("at", "When", FieldType::DateTime, true)
            .prompt("When did you write it?")
            .not_ahead()
            .help("When you wrote it."),
        f("text", "Note", FieldType::Text(LONG), true)
            .prompt("What would you like them to know?")
            .help("What you would like the volunteer to know."),
    ],
    at: Some("at"),
    due: None,
    writers: Writers::Supervisors,
};

static ACKNOWLEDGEMENT: KindSpec = KindSpec {
    name: "acknowledgement",
    label: "acknowledgement",
    plural: "acknowledgements",
    fields: &[
        f("about", "Concern acknowledged", FieldType::RecordRef, true)
            .prompt("Which concern are you acknowledging?")
            .help("The concern you have seen."),
        f("person", "Person", FieldType::PersonRef, true)
            .prompt("Who is the concern about?")
            .help("The person the concern is about."),
        f("at", "When", FieldType::DateTime, true)
            .prompt("When did you acknowledge it?")
            .not_ahead()
            .help("When you acknowledged it."),
        f("by", "Acknowledged by", FieldType::Line(SHORT), true)
            .prompt("Who is acknowledging it?")
            .help("Who acknowledges it."),
        f("notes", "Notes", FieldType::Text(LONG), false)
            .prompt("What was done or agreed?")
            .help("What was done or agreed."),
    ],
    at: Some("at"),
    due: None,
    writers: Writers::Supervisors,
};

/// Whether a record of this kind with these fields needs someone's
/// attention, as far as its own fields say: a concern (until an
/// acknowledgement points at it, which the journal works out: see
/// `events`), a contact or a boundary issue flagged for supervision, or a
/// referral with no outcome yet.
pub fn needs_attention(kind: Kind, data: &Fields) -> bool {
    let text = |k: &str| data.get(k).and_then(Value::as_str);
    match kind {
        Kind::Concern => true,
        Kind::Contact | Kind::BoundaryIssue => data.get("flag").and_then(Value::as_bool).unwrap_or(false),
        Kind::Signpost => !matches!(text("status"), Some("outcome" | "declined")),
        _ => false,
    }
}

/// The date a record is due, if it is still due: a referral's reminder
/// stops once it has an outcome.
pub fn due_date(kind: Kind, data: &Fields) -> Option<String> {
    let field = kind.spec().due?;
    if kind == Kind::Signpost && !needs_attention(kind, data) {
        return None;
    }
    data.get(field).and_then(Value::as_str).map(str::to_string)
}

/// The words of a record that full-text search finds.
pub fn search_text(kind: Kind, data: &Fields) -> String {
    let mut body = String::new();
    for field in kind.spec().fields {
        if let (FieldType::Line(_) | FieldType::Text(_), Some(Value::String(s))) = (field.ty, data.get(field.name)) {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(s);
        }
    }
    body
}

/// Fills in what a new record gets unless told otherwise: now for "when",
/// today for dates, "suggested" for a new referral.
pub fn defaults(kind: Kind, fields: &mut Fields, now: NaiveDateTime) {
    let mut set = |name: &str, value: Value| {
        fields.entry(name.to_string()).or_insert(value);
    };
    match kind {
        Kind::Contact
        | Kind::BoundaryIssue
        | Kind::Concern
        | Kind::Reflection
        | Kind::SupervisionNote
        | Kind::Acknowledgement => set("at", Value::String(now.format(DATETIME_FORMAT).to_string())),
        Kind::Signpost => {
            set("at", Value::String(now.date().to_string()));
            set("status", Value::String("suggested".into()));
        }
        Kind::Ending => set("on", Value::String(now.date().to_string())),
        Kind::BoundaryAgreement => set("agreed_on", Value::String(now.date().to_string())),
        Kind::Person | Kind::Service => {}
    }
}

const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// Reads a date and time as people type it: `2026-11-20T10:00`,
/// `2026-11-20 10:00`, with seconds, or a full RFC 3339 stamp. Returns the
/// stored form, `YYYY-MM-DDTHH:MM`.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, format) {
            return Some(dt);
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&chrono::Local).naive_local());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Checks and normalises the fields given for a record, one by one. Rules
/// that need the whole record are [`validate_whole`]'s; references to other
/// records are checked by the caller, which has the database.
pub fn validate(kind: Kind, fields: &Fields) -> Result<Fields> {
    fields.iter().map(|(name, value)| Ok((name.clone(), validate_field(kind, name, value)?))).collect()
}

/// Checks and normalises one field's value (null clears an optional field).
pub fn validate_field(kind: Kind, name: &str, value: &Value) -> Result<Value> {
    Ok(normal_form(kind, name, value)?.unwrap_or_else(|| value.clone()))
}

/// Checks one field's value as [`validate_field`] does, and that it is
/// already in the form Peer Journal writes, as every value that comes from
/// another journal must be. Copies nothing.
pub fn check_written_form(kind: Kind, name: &str, value: &Value) -> Result<()> {
    match normal_form(kind, name, value)? {
        None => Ok(()),
        Some(_) => Err(Error::invalid("a value is not in the form Peer Journal writes")),
    }
}

/// Checks one field's value; returns its normal form when that differs
/// from the value as given (None: it is already normal).
fn normal_form(kind: Kind, name: &str, value: &Value) -> Result<Option<Value>> {
    let spec = kind.spec();
    let field =
        spec.field(name).ok_or_else(|| Error::invalid(format!("{} has no field called {name}", a(spec.label))))?;
    if value.is_null() {
        if field.required {
            return Err(Error::invalid(format!("{} is needed", field.label.to_lowercase())));
        }
        return Ok(None);
    }
    normalise(field, value)
}

/// Whether `data` holds every field a record of `kind` requires.
pub fn is_whole(kind: Kind, data: &Fields) -> bool {
    kind.spec().fields.iter().filter(|f| f.required).all(|f| data.get(f.name).is_some_and(|v| !v.is_null()))
}

/// Checks the rules that need the whole record: required fields present,
/// dates in order and not too far ahead of `now`, a referral's outcome
/// described.
pub fn validate_whole(kind: Kind, data: &Fields, now: NaiveDateTime) -> Result<()> {
    let spec = kind.spec();
    for field in spec.fields {
        if field.required && data.get(field.name).is_none_or(Value::is_null) {
            return Err(Error::invalid(format!("{} needs {}", a(spec.label), field.label.to_lowercase())));
        }
    }
    check_dates(kind, data, now)?;
    if kind == Kind::Signpost {
        let status = data.get("status").and_then(Value::as_str);
        let outcome = data.get("outcome").and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
        if status == Some("outcome") && !outcome {
            return Err(Error::invalid("a referral marked 'outcome' needs a few words on what came of it"));
        }
    }
    Ok(())
}

/// Checks the dates among `data`, which may be a whole record or only the
/// fields one change sets: none that says when something happened is more
/// than a day after `now` ([`check_not_ahead`]), and of two dates that
/// must come in order, when both are there, the later is later. A local
/// write and an imported event are judged alike, each against its own
/// `now`.
pub fn check_dates(kind: Kind, data: &Fields, now: NaiveDateTime) -> Result<()> {
    for (name, value) in data {
        check_not_ahead(kind, name, value, now)?;
    }
    let datetime = |k: &str| data.get(k).and_then(Value::as_str).and_then(parse_datetime);
    match kind {
        Kind::Contact => {
            if let (Some(at), Some(next)) = (datetime("at"), datetime("next_contact")) {
                if next <= at {
                    return Err(Error::invalid("the next planned contact must come after this one"));
                }
            }
        }
        Kind::BoundaryAgreement => {
            if let (Some(a), Some(r)) = (datetime("agreed_on"), datetime("review_on")) {
                if r < a {
                    return Err(Error::invalid("the review date must come after the date the rules were agreed"));
                }
            }
        }
        Kind::Person
        | Kind::Service
        | Kind::Signpost
        | Kind::Ending
        | Kind::SupervisionNote
        | Kind::Concern
        | Kind::BoundaryIssue
        | Kind::Reflection
        | Kind::Acknowledgement => {}
    }
    Ok(())
}

/// How far the writer's local time may be from the UTC of an event's clock:
/// time zones run from 12 hours behind to 14 ahead. A date in an imported
/// record is judged against the event's clock with this much allowed.
pub const TIME_ZONE_SLACK: Duration = Duration::hours(14);

/// Checks that field `name` of `kind`, if it says when something happened
/// ([`FieldSpec::not_ahead`]), is at most a day after `now`. Anything else
/// passes. A local write is judged against the computer's local time, an
/// imported event against its own clock (plus [`TIME_ZONE_SLACK`]).
pub fn check_not_ahead(kind: Kind, name: &str, value: &Value, now: NaiveDateTime) -> Result<()> {
    if !kind.spec().field(name).is_some_and(|f| f.not_ahead) {
        return Ok(());
    }
    let at = value.as_str().and_then(parse_datetime);
    match now.checked_add_signed(Duration::days(1)) {
        Some(limit) if at.is_some_and(|at| at > limit) => {
            Err(Error::invalid(format!("{} cannot be dated more than a day ahead", a(kind.spec().label))))
        }
        _ => Ok(()),
    }
}

/// "a contact", "an acknowledgement".
pub fn a(label: &str) -> String {
    let vowel = label.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {label}", if vowel { "an" } else { "a" })
}

fn normalise(field: &FieldSpec, value: &Value) -> Result<Option<Value>> {
    // The label is lowercased only for an error: most values are fine.
    let label = || field.label.to_lowercase();
    let text = || value.as_str().ok_or_else(|| Error::invalid(format!("{} must be text", label())));
    // A changed form, or None when `normal` is what was given.
    let text_unless_same = |s: &str, normal: String| (normal != s).then_some(Value::String(normal));
    Ok(match field.ty {
        FieldType::Line(max) | FieldType::Text(max) => {
            let s = text()?;
            if s.len() > max {
                // Only then can there be more than `max` characters.
                let count = s.chars().count();
                if count > max {
                    return Err(Error::invalid(format!("{} is too long ({count} characters; at most {max})", label())));
                }
            }
            if matches!(field.ty, FieldType::Line(_)) && s.contains(['\n', '\r']) {
                return Err(Error::invalid(format!("{} must be one line", label())));
            }
            if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
                return Err(Error::invalid(format!("{} contains control characters", label())));
            }
            if field.required && s.trim().is_empty() {
                return Err(Error::invalid(format!("{} cannot be empty", label())));
            }
            None
        }
        FieldType::Choice(options) => {
            let s = text()?;
            if !options.iter().any(|o| o.value == s) {
                return Err(Error::invalid(format!("{} must be one of: {}", label(), values(options).join(", "))));
            }
            None
        }
        FieldType::Date => {
            let s = text()?;
            if written_date(s).is_some() {
                None
            } else {
                let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| Error::invalid(format!("{} must be a date like 2026-11-20", label())))?;
                text_unless_same(s, d.to_string())
            }
        }
        FieldType::DateTime => {
            let s = text()?;
            if written_datetime(s).is_some() {
                None
            } else {
                let dt = parse_datetime(s).ok_or_else(|| {
                    Error::invalid(format!("{} must be a date and time like 2026-11-20T10:00", label()))
                })?;
                text_unless_same(s, dt.format(DATETIME_FORMAT).to_string())
            }
        }
        FieldType::Minutes => match (value.as_i64(), value.as_str().and_then(|s| s.trim().parse::<i64>().ok())) {
            (Some(n), _) if (0..=1440).contains(&n) => None,
            (None, Some(n)) if (0..=1440).contains(&n) => Some(Value::from(n)),
            _ => return Err(Error::invalid(format!("{} must be between 0 and 1440", label()))),
        },
        FieldType::Flag => match value {
            Value::Bool(_) => None,
            Value::String(s) if matches!(s.as_str(), "yes" | "true") => Some(Value::Bool(true)),
            Value::String(s) if matches!(s.as_str(), "no" | "false") => Some(Value::Bool(false)),
            _ => return Err(Error::invalid(format!("{} must be yes or no", label()))),
        },
        FieldType::CardRef => {
            let s = text()?;
            let normal = crate::model::ids::normalise_fingerprint(s);
            if !crate::model::ids::is_fingerprint(&normal) {
                return Err(Error::invalid(format!(
                    "{} must be a card's fingerprint, like 7K3M-Q9TX-2B4D-HW8R",
                    label()
                )));
            }
            text_unless_same(s, normal)
        }
        FieldType::PersonRef | FieldType::ServiceRef | FieldType::RecordRef => {
            let s = text()?;
            let id = uuid::Uuid::parse_str(s.trim()).map_err(|_| {
                Error::invalid(match field.ty {
                    FieldType::PersonRef => "unknown person",
                    FieldType::ServiceRef => "unknown service",
                    _ => "unknown record",
                })
            })?;
            let mut written = [0u8; uuid::fmt::Hyphenated::LENGTH];
            let normal = id.hyphenated().encode_lower(&mut written);
            (normal != s).then(|| Value::String(normal.to_string()))
        }
    })
}

/// The date `s` names, if it is written exactly as Peer Journal writes a
/// date (`2026-11-20`). Read without a format string: every imported date
/// goes through here.
fn written_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(&b[0..4])? as i32, digits(&b[5..7])?, digits(&b[8..10])?)
}

/// The moment `s` names, if it is written exactly as Peer Journal writes
/// one ([`DATETIME_FORMAT`], `2026-11-20T10:00`).
fn written_datetime(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    written_date(s.get(..10)?)?.and_hms_opt(digits(&b[11..13])?, digits(&b[14..16])?, 0)
}

/// The sort key of a date or moment in its written form: minutes since
/// 1970-01-01T00:00, a date counting as its midnight; None for any other
/// text. Records keep it beside `at` and `due` for their indexes, where a
/// 4-byte number sorts as the 10- or 16-character text does and costs a
/// quarter of the space (see migration 0009). Part of the file format:
/// changing it needs a migration that recomputes every key.
pub fn time_key(s: &str) -> Option<i64> {
    let moment = match (written_date(s), written_datetime(s)) {
        (Some(date), _) => date.and_hms_opt(0, 0, 0)?,
        (_, Some(moment)) => moment,
        // Years before 0 or after 9999, which chrono writes with a sign.
        _ => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .or_else(|| NaiveDateTime::parse_from_str(s, DATETIME_FORMAT).ok())?,
    };
    Some(moment.and_utc().timestamp().div_euclid(60))
}

/// The number written in ASCII digits, all of `b`.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

/// Local time now, as the journal's "now" for validation and defaults.
pub fn local_now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Today's date in UTC minus `months`, as `YYYY-MM-DD`.
pub fn months_ago(months: u32) -> String {
    let today = Utc::now().date_naive();
    today.checked_sub_months(chrono::Months::new(months)).unwrap_or(today).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_kind_says_what_goes_in_it() {
        for kind in Kind::ALL {
            for field in kind.spec().fields {
                assert!(!field.help.trim().is_empty(), "{}.{} has no help", kind.as_str(), field.name);
                assert!(field.help.ends_with('.'), "{}.{}: a sentence", kind.as_str(), field.name);
            }
        }
    }

    #[test]
    fn every_field_asks_a_question_and_every_choice_has_words() {
        for kind in Kind::ALL {
            for field in kind.spec().fields {
                let at = format!("{}.{}", kind.as_str(), field.name);
                assert!(field.prompt.ends_with('?') && field.prompt.len() > 4, "{at}: {:?}", field.prompt);
                if let FieldType::Choice(choices) = field.ty {
                    let mut seen = std::collections::BTreeSet::new();
                    for choice in choices {
                        assert!(seen.insert(choice.value), "{at}: {} twice", choice.value);
                        assert!(choice.label.starts_with(char::is_uppercase), "{at}: {:?}", choice.label);
                    }
                }
            }
        }
    }

    #[test]
    fn the_description_crosses_to_the_window_as_the_forms_read_it() {
        let kinds = serde_json::to_value(describe()).unwrap();
        assert_eq!(kinds.as_array().unwrap().len(), Kind::ALL.len());
        let contact = &kinds[1];
        assert_eq!((contact["kind"].as_str(), contact["writers"].as_str()), (Some("contact"), Some("volunteers")));
        assert_eq!(contact["due"], "next_contact");
        let field = |name: &str| contact["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap();
        assert_eq!(field("focus")["prompt"], "What did they want to talk about?");
        assert_eq!(field("focus")["input"], json!({"type": "text", "maxChars": 20_000}));
        assert_eq!(field("at")["notAhead"], true);
        assert_eq!(field("next_contact")["flag"], "next");
        assert_eq!(field("how")["input"]["type"], "choice");
        assert_eq!(field("how")["input"]["options"][0], json!({"value": "home-visit", "label": "Home visit"}));
        assert_eq!(field("minutes")["flag"], "minutes");
        assert_eq!(field("flag")["input"], json!({"type": "yesNo"}));
        assert_eq!(field("flag")["required"], false);
        let person = &kinds[0]["fields"];
        assert_eq!(person[2]["flag"], "consent-date");
        assert_eq!(person[1]["input"], json!({"type": "yesNo"}));
    }
    use serde_json::json;

    fn now() -> NaiveDateTime {
        parse_datetime("2026-11-20T12:00").unwrap()
    }

    fn fields(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    fn err(kind: Kind, v: Value) -> String {
        let validated = validate(kind, &fields(v));
        match validated {
            Err(e) => e.to_string(),
            Ok(data) => validate_whole(kind, &data, now()).unwrap_err().to_string(),
        }
    }

    const P: &str = "018f0000-0000-7000-8000-000000000001";

    #[test]
    fn minutes_out_of_range_is_refused_plainly() {
        let e = err(Kind::Contact, json!({"person": P, "at": "2026-11-20T10:00", "how": "phone", "minutes": 1441}));
        assert_eq!(e, "minutes must be between 0 and 1440");
        let e = err(Kind::Contact, json!({"person": P, "at": "2026-11-20T10:00", "how": "phone", "minutes": -1}));
        assert_eq!(e, "minutes must be between 0 and 1440");
    }

    #[test]
    fn a_contact_more_than_a_day_ahead_is_refused() {
        let e = err(Kind::Contact, json!({"person": P, "at": "2026-11-22T10:00", "how": "phone"}));
        assert_eq!(e, "a contact cannot be dated more than a day ahead");
        let ok =
            validate(Kind::Contact, &fields(json!({"person": P, "at": "2026-11-21T10:00", "how": "phone"}))).unwrap();
        validate_whole(Kind::Contact, &ok, now()).unwrap();
    }

    #[test]
    fn unknown_choices_fields_and_bad_dates_are_named() {
        assert_eq!(
            err(Kind::Contact, json!({"person": P, "at": "2026-11-20T10:00", "how": "carrier-pigeon"})),
            "how must be one of: home-visit, phone, text, video, group-session, accompanied-appointment"
        );
        assert_eq!(err(Kind::Person, json!({"alias": "R", "shoe_size": 9})), "a person has no field called shoe_size");
        assert_eq!(
            err(Kind::Ending, json!({"person": P, "on": "20/11/2026", "planned": true})),
            "ended on must be a date like 2026-11-20"
        );
        assert_eq!(err(Kind::Signpost, json!({"person": P, "service": "nope", "status": "made"})), "unknown service");
    }

    #[test]
    fn required_fields_and_lengths_are_enforced() {
        assert_eq!(err(Kind::Person, json!({})), "a person needs alias or initials");
        assert_eq!(err(Kind::Person, json!({"alias": "  "})), "alias or initials cannot be empty");
        let long = "x".repeat(81);
        assert_eq!(
            err(Kind::Person, json!({"alias": long})),
            "alias or initials is too long (81 characters; at most 80)"
        );
        assert_eq!(err(Kind::Person, json!({"alias": "a\nb"})), "alias or initials must be one line");
    }

    #[test]
    fn any_unicode_is_kept_exactly() {
        let s = "Ré\u{301}sumé 👩🏽‍🦱 مرحبا עברית";
        let data = validate(Kind::Person, &fields(json!({"alias": "x", "notes": s}))).unwrap();
        assert_eq!(data["notes"], s);
    }

    #[test]
    fn attention_and_due_follow_the_record() {
        let open = fields(json!({"status": "made", "reminder": "2026-12-01"}));
        assert!(needs_attention(Kind::Signpost, &open));
        assert_eq!(due_date(Kind::Signpost, &open).as_deref(), Some("2026-12-01"));
        let done = fields(json!({"status": "outcome", "outcome": "went well", "reminder": "2026-12-01"}));
        assert!(!needs_attention(Kind::Signpost, &done));
        assert_eq!(due_date(Kind::Signpost, &done), None);
        // A concern needs attention by itself; the journal clears it once an
        // acknowledgement points at it.
        assert!(needs_attention(Kind::Concern, &fields(json!({}))));
        assert!(needs_attention(Kind::BoundaryIssue, &fields(json!({"flag": true}))));
        assert!(!needs_attention(Kind::BoundaryIssue, &fields(json!({"flag": false}))));
        // A contact flagged for supervision waits for it; one not flagged does not.
        assert!(needs_attention(Kind::Contact, &fields(json!({"how": "phone", "flag": true}))));
        assert!(!needs_attention(Kind::Contact, &fields(json!({"how": "phone", "flag": false}))));
        assert!(!needs_attention(Kind::Contact, &fields(json!({"how": "phone"}))));
    }

    #[test]
    fn time_keys_count_minutes_and_refuse_other_text() {
        assert_eq!(time_key("1970-01-01"), Some(0));
        assert_eq!(time_key("1970-01-02T00:01"), Some(1441));
        assert_eq!(time_key("1969-12-31T23:59"), Some(-1));
        assert_eq!(time_key("2026-11-20"), time_key("2026-11-20T00:00"));
        // Years outside 0–9999, as chrono writes them, still sort in time.
        let far = |s| time_key(s).unwrap();
        assert!(far("+12026-01-05") > far("9999-12-31T23:59"));
        assert!(far("+12026-01-05T10:00") > far("+12026-01-05"));
        assert!(far("-0001-12-31") < far("0000-01-01"));
        for junk in ["", "2026-11-20T10:00:00", "2026-11-20 10:00", "2026-02-30", "20-11-2026", "soon"] {
            assert_eq!(time_key(junk), None, "{junk}");
        }
    }

    proptest::proptest! {
        /// A record's time keys sort as its written dates and moments do
        /// (a date as its midnight), so the indexes order lists as the
        /// text did.
        #[test]
        fn time_keys_sort_as_the_written_forms_do(
            a in (1900i64..2200, 1u32..13, 1u32..29, 0u32..24, 0u32..60, proptest::bool::ANY),
            b in (1900i64..2200, 1u32..13, 1u32..29, 0u32..24, 0u32..60, proptest::bool::ANY),
        ) {
            let written = |(y, m, d, h, min, date_only): (i64, u32, u32, u32, u32, bool)| {
                if date_only { format!("{y:04}-{m:02}-{d:02}") } else { format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}") }
            };
            let (a, b) = (written(a), written(b));
            let (ka, kb) = (time_key(&a).unwrap(), time_key(&b).unwrap());
            // A date and the moment at its midnight are one key; otherwise
            // the order is the text's.
            let midnight = |s: &str| if s.len() == 10 { format!("{s}T00:00") } else { s.to_string() };
            proptest::prop_assert_eq!(ka.cmp(&kb), midnight(&a).cmp(&midnight(&b)), "{} {}", a, b);
        }

        /// Dates and times in the written form are read without chrono's
        /// format strings; what that accepts is exactly what chrono's
        /// reading gives back unchanged.
        #[test]
        fn the_written_form_of_dates_and_times_is_what_chrono_writes_back(
            y in 0u32..10_000, m in 0u32..14, d in 0u32..33, h in 0u32..26, min in 0u32..62,
            sep in proptest::sample::select(vec!["T", " ", "t"]), pad in proptest::sample::select(vec!["", " ", "0"]),
        ) {
            let date = format!("{pad}{y:04}-{m:02}-{d:02}");
            let chrono_date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok().map(|d| d.to_string());
            let written = check_written_form(Kind::Person, "consent_date", &Value::String(date.clone())).is_ok();
            proptest::prop_assert_eq!(written, chrono_date.as_deref() == Some(date.as_str()), "{}", date);
            let moment = format!("{date}{sep}{h:02}:{min:02}");
            let chrono_moment = parse_datetime(&moment).map(|t| t.format(DATETIME_FORMAT).to_string());
            let written = check_written_form(Kind::Contact, "at", &Value::String(moment.clone())).is_ok();
            proptest::prop_assert_eq!(written, chrono_moment.as_deref() == Some(moment.as_str()), "{}", moment);
        }
    }
}
