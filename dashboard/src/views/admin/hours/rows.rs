//! The editor's rows as signals, one per input, so that typing in one row re-renders
//! nothing else; each converts to and from its plain [`draft`](super::draft) twin.

use leptos::prelude::*;

use super::Span;
use super::draft::{BreakDraft, DayDraft, HolidayDraft};

/// Hands out the keys `<For>` tells rows apart by: a row keeps its key while it lives,
/// so removing one row leaves the inputs (and the focus) of the others alone.
#[derive(Clone, Copy)]
pub(super) struct Keys(StoredValue<u64>);

impl Keys {
    pub fn new() -> Keys {
        Keys(StoredValue::new(0))
    }

    pub fn next(self) -> u64 {
        self.0.update_value(|k| *k += 1);
        self.0.get_value()
    }
}

#[derive(Clone, Copy)]
pub(super) struct SpanRow {
    pub key: u64,
    pub start: RwSignal<String>,
    pub end: RwSignal<String>,
}

impl SpanRow {
    fn new(keys: Keys, span: &Span) -> SpanRow {
        SpanRow {
            key: keys.next(),
            start: RwSignal::new(span.start.clone()),
            end: RwSignal::new(span.end.clone()),
        }
    }

    fn span(self) -> Span {
        Span {
            start: self.start.get_untracked(),
            end: self.end.get_untracked(),
        }
    }
}

#[derive(Clone, Copy)]
pub(super) struct DayRow {
    pub open: RwSignal<bool>,
    pub spans: RwSignal<Vec<SpanRow>>,
}

impl DayRow {
    pub fn new(keys: Keys, draft: &DayDraft) -> DayRow {
        DayRow {
            open: RwSignal::new(draft.open),
            spans: RwSignal::new(draft.spans.iter().map(|s| SpanRow::new(keys, s)).collect()),
        }
    }

    pub fn draft(self) -> DayDraft {
        DayDraft {
            open: self.open.get_untracked(),
            spans: self
                .spans
                .with_untracked(|rows| rows.iter().map(|r| r.span()).collect()),
        }
    }

    /// Replaces the day with a copy of another's (new rows, new keys).
    pub fn set(self, keys: Keys, draft: &DayDraft) {
        self.open.set(draft.open);
        self.spans
            .set(draft.spans.iter().map(|s| SpanRow::new(keys, s)).collect());
    }

    pub fn push(self, keys: Keys, span: &Span) {
        self.spans
            .update(|rows| rows.push(SpanRow::new(keys, span)));
    }

    pub fn remove(self, key: u64) {
        self.spans.update(|rows| rows.retain(|r| r.key != key));
    }
}

#[derive(Clone, Copy)]
pub(super) struct BreakRow {
    pub key: u64,
    pub start: RwSignal<String>,
    pub end: RwSignal<String>,
    /// Monday first, as [`BreakDraft::days`].
    pub days: [RwSignal<bool>; 7],
}

impl BreakRow {
    pub fn new(keys: Keys, draft: &BreakDraft) -> BreakRow {
        BreakRow {
            key: keys.next(),
            start: RwSignal::new(draft.start.clone()),
            end: RwSignal::new(draft.end.clone()),
            days: draft.days.map(RwSignal::new),
        }
    }

    pub fn draft(self) -> BreakDraft {
        BreakDraft {
            start: self.start.get_untracked(),
            end: self.end.get_untracked(),
            days: self.days.map(|d| d.get_untracked()),
        }
    }
}

#[derive(Clone, Copy)]
pub(super) struct HolidayRow {
    pub key: u64,
    pub date: RwSignal<String>,
    pub name: RwSignal<String>,
    pub message: RwSignal<String>,
}

impl HolidayRow {
    pub fn new(keys: Keys, draft: &HolidayDraft) -> HolidayRow {
        HolidayRow {
            key: keys.next(),
            date: RwSignal::new(draft.date.clone()),
            name: RwSignal::new(draft.name.clone()),
            message: RwSignal::new(draft.message.clone()),
        }
    }

    pub fn draft(self) -> HolidayDraft {
        HolidayDraft {
            date: self.date.get_untracked(),
            name: self.name.get_untracked(),
            message: self.message.get_untracked(),
        }
    }
}
