//! One updating status line on standard error, shown only when it is a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the line is redrawn at most.
const EVERY: Duration = Duration::from_millis(100);

/// A status line redrawn in place (`\r`), at most every [`EVERY`]; a no-op unless standard
/// error is a terminal.
pub struct Line {
    on: bool,
    last: Option<Instant>,
    pending: Option<String>,
}

impl Line {
    /// A line on standard error if it is a terminal; otherwise one that prints nothing.
    pub fn on_terminal() -> Line {
        Line {
            on: std::io::stderr().is_terminal(),
            last: None,
            pending: None,
        }
    }

    /// Shows `text` (now, or at the next redraw when the last was too recent).
    pub fn show(&mut self, text: &str) {
        if !self.on {
            return;
        }
        self.pending = Some(text.to_string());
        if self.last.is_none_or(|t| t.elapsed() >= EVERY) {
            self.flush();
        }
    }

    /// Draws the latest text now.
    pub fn flush(&mut self) {
        if let Some(text) = self.pending.take() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K{text}");
            let _ = err.flush();
            self.last = Some(Instant::now());
        }
    }

    /// Erases the line (before the summary or an error is printed).
    pub fn clear(&mut self) {
        if self.on && self.last.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.last = None;
        }
        self.pending = None;
    }
}
