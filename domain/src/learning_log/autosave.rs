//! An answer box's save state, as a pure state machine: what each thing that happens to it
//! (the person types, the outbox takes or sends the text, the server refuses it, another
//! device changed it) makes of the state. The answer box (app/src/components/answer.rs)
//! only feeds it events and shows the state; the outbox (public/offline.js) is the one
//! sending policy, with its own retries, so there is no sending or retrying here.

/// What the answer box tells the person about their text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    /// Typed, not yet given to the outbox (it is after a pause).
    Unsaved,
    /// With the outbox, which is sending it now.
    Saving,
    /// With the outbox, which will send it when it can (offline, or backing off).
    Retrying,
    /// With the outbox, which waits for the person to sign in again.
    SignedOut,
    /// Not saved, and why: too long, refused by the server, or this device could not keep
    /// it (then the section's plain "Save answers" form is the way to save it).
    Problem(String),
    /// Saved from another device meanwhile: that version, for the person to choose.
    Conflict(String),
}

/// What the outbox says about sending, when it takes a text or its state changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    pub online: bool,
    pub retrying: bool,
    pub signed_out: bool,
}

/// What happens to an answer box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The person typed (or text typed before the page's code arrived was found).
    Typed,
    /// The text is too long to save; the message says so.
    TooLong(String),
    /// The outbox took the text.
    Queued(Outbox),
    /// This device could not keep the text (no outbox, or its storage is full or blocked).
    NotKept(String),
    /// The outbox sent a text of this box. `current`: it is the text in the box now, with
    /// nothing newer waiting. `theirs`: another device's text met it.
    Sent {
        current: bool,
        theirs: Option<String>,
    },
    /// The server refused a text of this box, with its words.
    Refused(String),
    /// The outbox's state changed.
    Status(Outbox),
    /// Back on the page: an unsettled conflict of this answer (another device's text).
    Unsettled(String),
    /// Back on the page: this answer's text is still waiting in the outbox.
    Waiting(Outbox),
    /// The person settled a conflict (keeping either text): it is to be saved.
    Settled,
}

/// A text in the outbox, by what the outbox says about sending.
fn queued(outbox: Outbox) -> SaveState {
    if outbox.signed_out {
        SaveState::SignedOut
    } else if outbox.online && !outbox.retrying {
        SaveState::Saving
    } else {
        SaveState::Retrying
    }
}

/// The state after `event`.
pub fn next(state: &SaveState, event: Event) -> SaveState {
    use SaveState::*;
    match (state, event) {
        // A conflict stays until the person settles it: typing edits the text they will
        // keep, and a send of an older text does not hide the choice.
        (Conflict(theirs), Event::Typed | Event::Sent { theirs: None, .. }) => {
            Conflict(theirs.clone())
        }
        (_, Event::Typed | Event::Settled) => Unsaved,
        (_, Event::TooLong(message)) => Problem(message),
        (Unsaved | Problem(_) | Saved, Event::Queued(outbox)) => queued(outbox),
        // Already moved on (sent, or a conflict shown) while the outbox was taking it.
        (other, Event::Queued(_)) => other.clone(),
        (_, Event::NotKept(message)) => Problem(format!(
            "{message} Use “Save answers” below to save it now, or if you are offline, copy your text somewhere safe first."
        )),
        (_, Event::Sent { theirs: Some(theirs), .. }) => Conflict(theirs),
        (_, Event::Sent { current: true, .. }) => Saved,
        (other, Event::Sent { current: false, .. }) => other.clone(),
        (_, Event::Refused(message)) => Problem(message),
        (Saving | Retrying | SignedOut, Event::Status(outbox)) => {
            if outbox.signed_out {
                SignedOut
            } else if !outbox.online || outbox.retrying {
                Retrying
            } else {
                state.clone()
            }
        }
        (other, Event::Status(_)) => other.clone(),
        (_, Event::Unsettled(theirs)) => Conflict(theirs),
        (_, Event::Waiting(outbox)) => queued(outbox),
    }
}

impl SaveState {
    /// The state's name, for the page (`data-state`) and the tests.
    pub fn name(&self) -> &'static str {
        match self {
            SaveState::Saved => "saved",
            SaveState::Unsaved => "unsaved",
            SaveState::Saving => "saving",
            SaveState::Retrying => "retrying",
            SaveState::SignedOut => "signedout",
            SaveState::Problem(_) => "problem",
            SaveState::Conflict(_) => "conflict",
        }
    }

    /// What the box says under the text (`empty`: there is no text yet).
    pub fn words(&self, empty: bool) -> String {
        match self {
            SaveState::Saved if empty => String::new(),
            SaveState::Saved => "Saved".into(),
            SaveState::Unsaved => "Not saved yet".into(),
            SaveState::Saving => "Saving…".into(),
            SaveState::Retrying => "Not saved yet — will retry. Your text is kept on this device.".into(),
            SaveState::SignedOut => "Not saved: you have been signed out. Your text is kept on this device and will be saved when you sign in again.".into(),
            SaveState::Problem(message) => format!("Not saved: {message}"),
            SaveState::Conflict(_) => "This answer was changed on another device. Choose which version to keep.".into(),
        }
    }

    /// Whether the text still has to be given to the outbox (on "Save answers", on leaving
    /// the page, before signing out).
    pub fn needs_saving(&self) -> bool {
        matches!(self, SaveState::Unsaved | SaveState::Problem(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SaveState::*;

    const ONLINE: Outbox = Outbox {
        online: true,
        retrying: false,
        signed_out: false,
    };
    const OFFLINE: Outbox = Outbox {
        online: false,
        retrying: false,
        signed_out: false,
    };

    fn run(from: SaveState, events: Vec<Event>) -> SaveState {
        events.into_iter().fold(from, |s, e| next(&s, e))
    }

    #[test]
    fn typing_then_sending_ends_saved() {
        let s = run(
            Saved,
            vec![
                Event::Typed,
                Event::Queued(ONLINE),
                Event::Sent {
                    current: true,
                    theirs: None,
                },
            ],
        );
        assert_eq!(s, Saved);
        assert_eq!(s.words(false), "Saved");
        assert_eq!(Saved.words(true), "");
    }

    #[test]
    fn an_older_text_sent_while_typing_does_not_claim_it_is_saved() {
        let s = run(
            Saved,
            vec![
                Event::Typed,
                Event::Queued(ONLINE),
                Event::Typed,
                Event::Sent {
                    current: false,
                    theirs: None,
                },
            ],
        );
        assert_eq!(s, Unsaved);
        assert!(s.needs_saving());
    }

    #[test]
    fn offline_the_text_waits_and_the_box_says_it_will_retry() {
        let s = run(Unsaved, vec![Event::Queued(OFFLINE)]);
        assert_eq!(s, Retrying);
        assert!(s.words(false).contains("kept on this device"));
        // Back online the outbox sends it.
        assert_eq!(
            next(
                &s,
                Event::Sent {
                    current: true,
                    theirs: None
                }
            ),
            Saved
        );
        // A dropped connection while sending.
        assert_eq!(next(&Saving, Event::Status(OFFLINE)), Retrying);
        // Status changes do not touch a box with nothing on the way.
        assert_eq!(next(&Unsaved, Event::Status(OFFLINE)), Unsaved);
        assert_eq!(next(&Saved, Event::Status(OFFLINE)), Saved);
    }

    #[test]
    fn signed_out_the_text_waits_for_the_next_sign_in() {
        let out = Outbox {
            signed_out: true,
            ..ONLINE
        };
        assert_eq!(next(&Unsaved, Event::Queued(out)), SignedOut);
        assert_eq!(next(&Saving, Event::Status(out)), SignedOut);
        assert!(SignedOut.words(false).contains("signed out"));
    }

    #[test]
    fn a_conflict_stays_until_the_person_settles_it() {
        let theirs = "The other device's text".to_string();
        let s = next(
            &Saving,
            Event::Sent {
                current: true,
                theirs: Some(theirs.clone()),
            },
        );
        assert_eq!(s, Conflict(theirs.clone()));
        assert_eq!(next(&s, Event::Typed), s, "typing edits the text to keep");
        assert_eq!(
            next(
                &s,
                Event::Sent {
                    current: true,
                    theirs: None
                }
            ),
            s
        );
        assert_eq!(next(&s, Event::Settled), Unsaved);
        assert_eq!(
            next(&Saved, Event::Unsettled(theirs.clone())),
            Conflict(theirs)
        );
    }

    #[test]
    fn refusals_and_devices_that_cannot_keep_the_text_say_why_and_how_to_save() {
        let s = next(&Saving, Event::Refused("There is no such section.".into()));
        assert_eq!(s.words(false), "Not saved: There is no such section.");
        assert!(s.needs_saving());
        let s = next(
            &Unsaved,
            Event::NotKept("This device has run out of storage space.".into()),
        );
        assert!(s.words(false).contains("run out of storage"));
        assert!(s.words(false).contains("Save answers"));
        let s = next(&Unsaved, Event::TooLong("12 characters too many".into()));
        assert_eq!(s, Problem("12 characters too many".into()));
        // Fixed and taken by the outbox this time.
        assert_eq!(next(&s, Event::Queued(ONLINE)), Saving);
    }

    #[test]
    fn back_on_the_page_a_waiting_text_shows_as_on_its_way() {
        assert_eq!(next(&Saved, Event::Waiting(ONLINE)), Saving);
        assert_eq!(next(&Saved, Event::Waiting(OFFLINE)), Retrying);
    }

    #[test]
    fn a_box_that_moved_on_while_the_outbox_took_the_text_stays_as_it_is() {
        let c = Conflict("x".into());
        assert_eq!(next(&c, Event::Queued(ONLINE)), c);
        assert_eq!(next(&Saved, Event::Queued(ONLINE)), Saving);
    }
}
