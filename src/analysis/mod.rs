//! The analysis pipeline: pure, deterministic stages that turn a text into an
//! [`Analysis`].
//!
//! Nothing here knows about gRPC, tokio or the store. Every function accepts any
//! UTF-8 input and returns a result; none panics. Every [`Span`] is a half-open
//! range of UTF-8 byte offsets into the analysed text, always on `char`
//! boundaries, so `&text[span.start..span.end]` is the mention's text; the API
//! layer converts spans to the unit a client asks for.

pub mod extract;
mod model;
pub mod offsets;

// The stages, one file each, composed by `pipeline`.
mod acronyms;
pub(crate) mod background;
pub(crate) mod cleanup;
pub(crate) mod clusters;
mod dates;
pub(crate) mod entities;
pub(crate) mod fingerprint;
mod gazetteer;
mod keyphrases;
pub(crate) mod langid;
pub(crate) mod language;
mod numbers;
mod pipeline;
pub(crate) mod quotes;
pub(crate) mod segment;
pub(crate) mod sentiment;
mod stats;
mod summary;
pub(crate) mod tagger;

pub use model::*;

/// Runs every asked-for stage over the input. Never panics; deterministic.
pub fn analyze(input: &Input<'_>) -> Analysis {
    pipeline::run(input, None)
}

/// [`analyze`] with the document frequencies of the corpus the document is
/// going into, which key phrases are scored with (blended with the built-in
/// background model while the corpus is small). Deterministic for the same
/// input and the same frequencies.
pub fn analyze_in_corpus(input: &Input<'_>, corpus: &dyn CorpusFrequencies) -> Analysis {
    pipeline::run(input, Some(corpus))
}

/// Builds, ahead of the first document, what the stages otherwise build on
/// first use (regexes, word tables), so that a benchmark's timed pass does
/// not pay for it. The server does not call it: a server that never
/// analyses would keep automata it never runs.
pub fn warm_up() {
    acronyms::warm_up();
    cleanup::warm_up();
    entities::warm_up();
    quotes::warm_up();
    sentiment::warm_up();
}
