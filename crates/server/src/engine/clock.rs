//! The server's clock: real time plus an admin offset, never going backwards, with
//! checked arithmetic so no advance can wrap it.

use std::time::{SystemTime, UNIX_EPOCH};

use openvpc_core::Millis;

/// The longest single advance accepted: 100 years.
pub const MAX_ADVANCE_SECS: i64 = 100 * 366 * 24 * 3600;

/// Real time plus an offset; monotonic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub offset: Millis,
    pub last_now: Millis,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            offset: 0,
            last_now: Millis::MIN,
        }
    }
}

/// Why an advance was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvanceRefused(pub String);

impl Clock {
    /// The current time; never earlier than any time handed out before.
    pub fn now(&mut self) -> Millis {
        let now = system_now().saturating_add(self.offset).max(self.last_now);
        self.last_now = now;
        now
    }

    /// The offset after moving forward by `seconds`, or why not: negative, more than
    /// 100 years, or a time past what the clock can hold.
    pub fn advanced(&self, seconds: i64) -> Result<Millis, AdvanceRefused> {
        if !(0..=MAX_ADVANCE_SECS).contains(&seconds) {
            return Err(AdvanceRefused(format!(
                "seconds must be between 0 and {MAX_ADVANCE_SECS} (100 years); got {seconds}"
            )));
        }
        let offset = seconds
            .checked_mul(1000)
            .and_then(|ms| self.offset.checked_add(ms))
            .filter(|o| {
                system_now()
                    .checked_add(*o)
                    .and_then(|t| t.checked_add(MAX_ADVANCE_SECS * 1000))
                    .is_some()
            })
            .ok_or_else(|| {
                AdvanceRefused("the clock cannot move that far (it would overflow)".into())
            })?;
        Ok(offset)
    }

    /// Whether a stored offset is one this clock could have made.
    pub fn valid_offset(offset: Millis) -> bool {
        offset >= 0 && system_now().checked_add(offset).is_some()
    }
}

/// Milliseconds since the Unix epoch.
pub fn system_now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}
