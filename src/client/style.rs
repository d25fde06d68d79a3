//! Colour for people, plain text for pipes: ANSI styles only when stdout is
//! a terminal and `NO_COLOR` is unset (<https://no-color.org>).

use std::io::IsTerminal;

/// Whether and how to colour what goes to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style::new(std::io::stdout().is_terminal() && !no_color)
    }

    /// Colour on or off.
    pub fn new(colour: bool) -> Style {
        Style { colour }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A heading.
    pub fn heading(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Secondary detail.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// A matched term in a snippet.
    pub fn matched(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    /// An id.
    pub fn id(self, text: &str) -> String {
        self.paint("36", text)
    }
}

/// `text` cut to at most `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` padded with spaces to `width` characters (never cut).
pub fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

/// Whitespace runs (newlines included) as one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
